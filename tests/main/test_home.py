"""Each role's home page shows real directory data, scoped to the user; anonymous visitors get the landing."""

import re
from datetime import date, timedelta

import pytest

from app.directory import kinds

TAG = re.compile(r"<(/?)([a-zA-Z0-9]+)\b[^>]*>")


def section(html, testid):
    """The outer HTML of the element carrying data-testid=testid."""
    marker = html.index(f'data-testid="{testid}"')
    start = html.rindex("<", 0, marker)
    name = TAG.match(html, start).group(2)
    depth = 0
    for tag in TAG.finditer(html, start):
        if tag.group(2) != name:
            continue
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            return html[start:tag.end()]
    raise AssertionError(f"unclosed <{name}> for {testid}")


def words(fragment):
    """The text of an HTML fragment with whitespace collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", fragment).split())


def home(client):
    response = client.get("/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.fixture
def bondari(make):
    """A municipality with an appointed school, a school never appointed and one whose appointment ended."""
    municipality = make.municipality(name="Бондарский район")
    appointed = make.school(municipality, name="МБОУ «Бондарская СОШ № 1»")
    appointee = make.person(appointed, last_name="Назначенцева", first_name="Анна", middle_name="Петровна")
    make.appointment(appointed, person=appointee, order_number="77-о", order_date=date(2010, 11, 9))
    never = make.school(municipality, name="МБОУ «Бондарская ООШ № 2»")
    ended = make.school(municipality, name="МБОУ «Бондарская СОШ № 3»")
    make.appointment(ended, ends_on=date(2011, 6, 30))
    make.appointment(make.school(municipality, name="МБОУ «Бондарская СОШ № 4»"),
                     starts_on=date.today() + timedelta(days=30))
    return municipality, appointed, never, ended


def test_anonymous_visitor_sees_the_landing_page_without_data(client, make):
    school = make.school(name="МБОУ «Секретная СОШ»")
    make.person(school, last_name="Тайнова")
    html = home(client)
    assert 'data-testid="landing"' in html
    assert 'href="/login"' in section(html, "landing-sign-in")
    assert "Секретная" not in html and "Тайнова" not in html


def test_admin_sees_totals_schools_without_responsible_and_recent_events(auth, client, make, bondari):
    _municipality, appointed, never, ended = bondari
    admin = auth.login("admin")
    html = home(client)
    assert words(section(html, "count-schools")).endswith(" 4")
    assert words(section(html, "count-municipalities")).endswith(" 1")
    assert words(section(html, "unappointed-count")) == "3"
    unappointed = section(html, "unappointed")
    assert f'href="/directory/{never.id}"' in unappointed and f'href="/directory/{ended.id}"' in unappointed
    assert appointed.name not in unappointed
    assert admin.email in section(html, "recent-events") and "auth.login" in html
    assert f"{admin.role_label} 1" in words(section(html, "users-by-role"))


def test_coordinator_sees_coverage_per_municipality_and_totals(auth, client, make, bondari):
    other = make.municipality(name="город Котовск")
    make.appointment(make.school(other, name="МБОУ «СОШ № 1» г. Котовска"))
    make.appointment(other)
    auth.login("coordinator")
    table = section(home(client), "municipality-table")
    rows = {words(row) for row in re.findall(r"<tr[^>]*>.*?</tr>", table, re.S)}
    assert any(row.startswith("Бондарский район 4 1 25 ") for row in rows), rows
    assert any(row.startswith("город Котовск 1 1 100 ") for row in rows), rows
    assert words(section(table, "totals")).split()[1:4] == ["5", "2", "40"]
    assert f'href="/directory/{other.id}"' in table


@pytest.mark.parametrize("role", ["operator", "methodologist"])
def test_support_roles_see_the_region_and_the_support_staff(auth, client, make, bondari, role):
    center = make.org(kinds.COMPUTER_CENTER, name="ТОГУ «Компьютерный центр»", phone="8 (4752) 79-23-00")
    institute = make.org(kinds.INSTITUTE, name="ТОГОАУ ДПО «ИПКРО»")
    make.person(center, last_name="Техникова", phone="8 (4752) 11-22-33")
    make.person(institute, last_name="Методистова", email="metod@ipkro.test")
    make.person(make.school(), last_name="Учительская")
    auth.login(role, organization=center if role == "operator" else institute)
    html = home(client)
    contacts = words(section(html, "contacts"))
    assert "Техникова" in contacts and "8 (4752) 11-22-33" in contacts
    assert "Методистова" in contacts and "metod@ipkro.test" in contacts
    assert "Учительская" not in html
    assert "1 / 5" in words(section(html, "coverage-schools"))


def test_municipal_specialist_sees_own_schools_only(auth, client, make, bondari):
    municipality, appointed, never, _ended = bondari
    make.school(make.municipality(), name="МБОУ «Чужая СОШ»")
    user = auth.login("municipal", organization=municipality)
    make.appointment(municipality, person=user.person, order_number="15-о", order_date=date(2010, 11, 10))
    html = home(client)
    schools = section(html, "schools")
    assert appointed.name in schools and never.name in schools
    assert "Назначенцева Анна Петровна" in schools and "77-о" in schools and "09.11.2010" in schools
    assert "Чужая" not in html
    own = section(html, "own-appointment")
    assert "alert-success" in own and "15-о" in own and "10.11.2010" in own
    assert "1 / 4" in words(section(html, "coverage-schools"))


def test_municipal_specialist_is_warned_when_no_one_is_appointed(auth, client, make, rollout):
    auth.login("municipal")
    own = section(home(client), "own-appointment")
    assert "alert-warning" in own and "11.11.2010" in own


def test_school_coordinator_sees_card_responsible_person_and_staff(auth, client, make):
    school = make.school(name="МБОУ «Лицей № 14» г. Тамбова", phone="8 (4752) 53-12-34",
                         address="392000, г. Тамбов, ул. Мичуринская, д. 112", email="lyceum14@tambov.test")
    responsible = make.person(school, last_name="Ответственная", first_name="Ольга", middle_name="Ивановна")
    make.appointment(school, person=responsible, order_number="123-о", order_date=date(2010, 11, 8))
    make.person(school, last_name="Коллегина")
    auth.login("school", organization=school)
    html = home(client)
    card = words(section(html, "school-card"))
    assert "ул. Мичуринская, д. 112" in card and "8 (4752) 53-12-34" in card
    assert "lyceum14@tambov.test" in card
    block = section(html, "responsible")
    assert "alert-success" in block and "Ответственная Ольга Ивановна" in block
    assert "123-о" in block and "08.11.2010" in block
    assert "Коллегина" in section(html, "staff")


def test_school_coordinator_is_warned_when_no_one_is_appointed(auth, client, make, rollout):
    school = make.school()
    ended = date(2010, 12, 31)
    make.appointment(school, order_date=date(2010, 11, 1), starts_on=date(2010, 11, 1), ends_on=ended)
    auth.login("school", organization=school)
    block = section(home(client), "responsible")
    assert "alert-warning" in block and "11.11.2010" in block


def test_teacher_sees_whom_to_contact(auth, client, make):
    municipality = make.municipality(name="Тамбовский район")
    school = make.school(municipality, name="МБОУ «Тамбовская СОШ № 1»")
    make.appointment(school, person=make.person(school, last_name="Школьная", email="shk@tambov.test"))
    make.appointment(municipality, person=make.person(municipality, last_name="Районная"))
    other = make.school(name="МБОУ «Другая СОШ»")
    make.appointment(other, person=make.person(other, last_name="Посторонняя"))
    auth.login("teacher", organization=school)
    html = home(client)
    assert school.name in html
    assert "Школьная" in section(html, "school-responsible") and "shk@tambov.test" in html
    assert "Районная" in section(html, "municipality-responsible")
    assert "Посторонняя" not in html and "Другая" not in html


def _grow(make, municipality, school):
    for number in range(4):
        extra = make.school(municipality, name=f"МБОУ «Новая СОШ № {number}»")
        make.appointment(extra)
        make.person(extra)
        make.person(school)
    make.appointment(make.municipality())


@pytest.mark.parametrize("role", ["admin", "coordinator", "operator", "municipal", "school", "teacher"])
def test_home_page_runs_a_fixed_number_of_statements(auth, client, make, role, count_statements):
    municipality = make.municipality()
    school = make.school(municipality)
    make.appointment(school)
    organization = {"municipal": municipality, "school": school, "teacher": school}.get(role)
    auth.login(role, organization=organization)
    before = count_statements(lambda: home(client))
    _grow(make, municipality, school)
    assert count_statements(lambda: home(client)) == before


def test_landing_page_offers_public_guides_only(client, make, db):
    from knowledge_base.models import Article

    db.session.add_all([
        Article(slug="public-guide", title="Открытая статья", status="published", audience="public"),
        Article(slug="staff-guide", title="Статья для сотрудников", status="published", audience="staff"),
        Article(slug="draft-guide", title="Черновик статьи", status="draft", audience="public"),
    ])
    db.session.commit()
    html = client.get("/").get_data(as_text=True)
    assert "Открытая статья" in html and 'action="/kb/search"' in html
    assert "Статья для сотрудников" not in html and "Черновик статьи" not in html


def test_school_coordinator_sees_the_school_s_rollout_milestones(auth, client, make, rollout, fixed_today):
    school = make.school()
    rollout.status(school, activated_on=date(2010, 11, 14))
    auth.login(make.user("school", organization=school))
    card = section(home(client), "home-rollout")
    states = re.findall(r'data-state="(\w+)"', card)
    assert states == ["overdue", "done", "overdue", "overdue"]  # 2.1 2.2 2.3 2.4 on 20.12.2010
    assert f"/rollout/schools/{school.id}" in card


def test_municipal_specialist_and_coordinator_see_the_share_of_schools_per_milestone(
        auth, client, make, rollout, fixed_today):
    municipality = make.municipality()
    activated = make.school(municipality)
    make.school(municipality)
    rollout.status(activated, activated_on=date(2010, 11, 14))
    make.school()  # another municipality's school counts only for the region
    auth.login(make.user("municipal", organization=municipality))
    card = words(section(home(client), "home-rollout"))
    assert "Активация 50 %" in card and "просрочено: 1" in card
    auth.logout()
    auth.login("coordinator")
    page = home(client)
    assert "Активация 33 %" in words(section(page, "home-rollout"))
    assert "муниципальном органе управления образованием, срок — 11.11.2010" in page
