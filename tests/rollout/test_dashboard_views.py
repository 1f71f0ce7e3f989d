"""Dashboard pages: who sees what, sorting links, XLSX equal to the page, overdue list, statement counts."""

import io
import re
from datetime import date

import pytest
from openpyxl import load_workbook

from app.extensions import db
from app.rollout import dashboard_cache, school_milestones

ROW_ORGS = re.compile(r'data-testid="progress-row" data-org="(\d+)"')


@pytest.fixture
def region(make, rollout, fixed_today):
    """Two municipalities as of 20.12.2010: Бондарский (office appointed, A1 done, A2 appointed only),
    город Тамбов (no office appointment; B1 activated late)."""
    first, second = make.municipality(name="Бондарский район"), make.municipality(name="город Тамбов")
    a1, a2 = make.school(first, name="Школа А1"), make.school(first, name="Школа А2")
    b1 = make.school(second, name="Школа Б1")
    for organization in (first, a1, a2):
        make.appointment(organization)
    rollout.status(a1, activated_on=date(2010, 11, 14), daily_entry_on=date(2010, 11, 20))
    rollout.info_space(a1, date(2010, 11, 19))
    rollout.status(b1, activated_on=date(2010, 11, 16))
    return {"first": first, "second": second, "a1": a1, "a2": a2, "b1": b1}


def page(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:800]
    return response.get_data(as_text=True)


def test_anonymous_is_sent_to_sign_in_and_a_teacher_is_refused(client, auth, make, region):
    response = client.get("/rollout/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    auth.login(make.user("teacher", organization=region["a1"]))
    assert client.get("/rollout/").status_code == 403
    assert client.get(f"/rollout/municipalities/{region['first'].id}").status_code == 403
    assert client.get("/rollout/overdue").status_code == 403


def test_region_dashboard_shows_figures_chart_table_and_overdue(client, auth, region):
    auth.login("coordinator")
    html = page(client, "/rollout/")
    assert html.count("<svg") == 2
    assert ROW_ORGS.findall(html) == [str(region["first"].id), str(region["second"].id)]
    assert 'aria-sort="ascending"' in html
    assert f'href="/rollout/municipalities/{region["first"].id}"' in html
    assert 'data-testid="overdue-row"' in html and 'href="/rollout/overdue"' in html
    assert 'data-testid="hotline-load"' in html and 'href="/tickets/statistics/"' in html
    assert 'data-testid="training-load"' in html and 'href="/training/reports/"' in html


def test_sorting_links_and_order_both_ways(client, auth, region):
    auth.login("admin")
    html = page(client, "/rollout/?sort=activated&dir=desc")
    assert ROW_ORGS.findall(html) == [str(region["second"].id), str(region["first"].id)]  # 100 %, 50 %
    assert 'aria-sort="descending"' in html
    assert "/rollout/?sort=activated&amp;dir=asc" in html  # the current column's link turns the order
    html = page(client, "/rollout/?sort=activated&dir=asc")
    assert ROW_ORGS.findall(html) == [str(region["first"].id), str(region["second"].id)]
    html = page(client, "/rollout/?sort=%27;drop&dir=zz")  # bad values: the default order
    assert ROW_ORGS.findall(html) == [str(region["first"].id), str(region["second"].id)]
    assert client.get("/rollout/?format=pdf").status_code == 400


def test_region_xlsx_equals_the_figures(client, auth, region):
    auth.login("coordinator")
    response = client.get("/rollout/?format=xlsx&sort=name&dir=desc")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data))["Муниципалитеты"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Муниципалитет"
    assert rows[1] == ("город Тамбов", 1, 0, 100, 0, 0, "Нет", 4)
    assert rows[2] == ("Бондарский район", 2, 100, 50, 50, 50, "Да", 3)
    assert rows[3] == ("Всего по области", 3, 67, 67, 33, 33, "1 / 2", 7)


def test_municipal_specialist_lands_on_their_municipality_and_cannot_open_another(client, auth, make, region):
    auth.login(make.user("municipal", organization=region["first"]))
    html = page(client, "/rollout/")
    assert ROW_ORGS.findall(html) == [str(region["a1"].id), str(region["a2"].id)]
    assert 'data-testid="back-to-region"' not in html
    assert f'href="/rollout/schools/{region["a2"].id}"' in html
    assert 'data-state="overdue"' in html and "/tickets/statistics/" not in html
    page(client, f"/rollout/municipalities/{region['second'].id}", 404)
    page(client, f"/rollout/municipalities/{region['a1'].id}", 404)


def test_region_viewer_drills_down_to_a_municipality(client, auth, region):
    auth.login("coordinator")
    html = page(client, f"/rollout/municipalities/{region['first'].id}?sort=activated&dir=desc")
    assert ROW_ORGS.findall(html) == [str(region["a2"].id), str(region["a1"].id)]
    assert 'data-testid="back-to-region"' in html and "<svg" in html
    page(client, "/rollout/municipalities/999999", 404)


def test_municipality_xlsx_equals_the_page(client, auth, region):
    auth.login("coordinator")
    response = client.get(f"/rollout/municipalities/{region['first'].id}?format=xlsx")
    workbook = load_workbook(io.BytesIO(response.data))
    rows = list(workbook["Школы"].iter_rows(values_only=True))
    assert rows[1][0] == "Школа А1" and rows[1][2].date() == date(2010, 11, 14)
    assert rows[2][0] == "Школа А2" and rows[2][2] == "просрочено" and rows[2][-1] == 3
    assert rows[3][1:] == (100, 50, 50, 50, 3)
    assert len(list(workbook["Просроченные этапы"].iter_rows())) == 4  # the header and А2's three items


def test_school_coordinator_is_sent_to_their_school(client, auth, make, region):
    auth.login(make.user("school", organization=region["a2"]))
    response = client.get("/rollout/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/rollout/schools/{region['a2'].id}")
    page(client, f"/rollout/municipalities/{region['first'].id}", 404)


def test_activation_shows_on_the_municipal_dashboard_at_once(client, auth, make, region):
    coordinator = make.user("school", organization=region["a2"])
    municipal = make.user("municipal", organization=region["first"])
    auth.login(municipal)
    assert f'data-org="{region["a2"].id}"' in page(client, "/rollout/")
    school_milestones.mark_activated_today(coordinator, region["a2"].id)
    html = page(client, "/rollout/")
    row = html[html.index(f'data-org="{region["a2"].id}"'):]
    row = row[:row.index("</tr>")]
    assert 'data-milestone="activated" data-state="done"' in row and "20.12.2010" in row
    assert 'data-testid="stat-activated"' in html and "100&nbsp;%" in html


def test_overdue_page_filters_pagination_and_bad_values(client, auth, make, region):
    auth.login("coordinator")
    html = page(client, f"/rollout/overdue?municipality={region['first'].id}&milestone=activated")
    assert html.count('data-testid="overdue-row"') == 1 and f'data-org="{region["a2"].id}"' in html
    for query in ("municipality=abc", f"municipality={region['a1'].id}", "milestone=everything"):
        html = page(client, f"/rollout/overdue?{query}", 422)
        assert 'data-testid="filter-error"' in html
    municipality = make.municipality()
    for _number in range(13):
        make.school(municipality)
    html = page(client, "/rollout/overdue")
    assert html.count('data-testid="overdue-row"') == 50 and "page=2" in html
    # The region's 7 items, and 13 new schools × 4 milestones + their office: 60, 50 a page.
    assert page(client, "/rollout/overdue?page=2").count('data-testid="overdue-row"') == 7 + 53 - 50
    assert page(client, "/rollout/overdue?page=abc").count('data-testid="overdue-row"') == 50


def test_overdue_xlsx(client, auth, region):
    auth.login("coordinator")
    response = client.get("/rollout/overdue?format=xlsx&milestone=appointed")
    rows = list(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))
    assert sorted(row[0] for row in rows[1:]) == ["Школа Б1", "город Тамбов"]
    assert {row[4] for row in rows[1:]} == {(date(2010, 12, 20) - date(2010, 11, 11)).days}


def test_region_page_statement_count_does_not_grow(client, auth, make, rollout, count_statements):
    auth.login("coordinator")
    municipality = make.municipality()
    for _number in range(2):
        make.school(municipality)
    urls = ("/rollout/", f"/rollout/municipalities/{municipality.id}", "/rollout/overdue")

    def counts():
        """Statements of each page computed afresh, then with the dashboards' figures kept."""
        with client.application.app_context():
            dashboard_cache.clear()
        return [[count_statements(lambda url=url: page(client, url)) for url in urls] for _pass in range(2)]

    few = counts()
    for number in range(18):
        school = make.school(make.municipality() if number % 6 == 0 else municipality)
        make.appointment(school)
        rollout.status(school, activated_on=date(2010, 11, 14))
    db.session.expire_all()
    assert counts() == few
