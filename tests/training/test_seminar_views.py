"""Seminar pages: the schedule, a seminar, the editor, registration buttons, participants and exports."""

import io
import re
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.extensions import db
from app.timeutil import utcnow
from knowledge_base.models import Article
from training import constants as c
from training import seminar_registration as registration
from training.models import Registration, Seminar


def form(**fields):
    data = {"title": "Назначение ответственных и активация ОУ", "description": "## Программа\n\n1. Приказ",
            "day": "2031-04-15", "starts": "10:00", "ends": "13:00",
            "place": "Тамбов, ТОИПКРО, ул. Советская, 108", "online_url": "", "capacity": "25",
            "audience": ["municipal", "school"], "materials": ""}
    data.update(fields)
    return data


def text(response):
    return response.get_data(as_text=True)


def test_anonymous_visitors_are_sent_to_sign_in(client, training):
    seminar = training.seminar()
    base = f"/training/seminars/{seminar.id}"
    for url in ("/training/seminars/", base, f"{base}.ics", f"{base}/participants.csv"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_schedule_shows_places_waiting_and_the_users_own_status(client, auth, make, training):
    full = training.seminar(capacity=1, title="Практикум по отметкам")
    roomy = training.seminar(capacity=30, days_ahead=20, title="Начало учебного года")
    training.seminar(days_ahead=-40, title="Весенний семинар прошлого года")
    training.seminar(days_ahead=3, title="Отменённый семинар", status=c.CANCELLED)
    registration.register(make.user("school"), full.id)
    user = auth.login("school")
    registration.register(user, full.id)
    html = text(client.get("/training/seminars/"))
    assert "Семинары" in html and "Предстоящие" in html and "Прошедшие" in html
    assert "Практикум по отметкам" in html and "Мест нет, в ожидании: 1" in html
    assert "В листе ожидания" in html
    assert "Свободно мест: 30 из 30" in html and "Весенний семинар прошлого года" in html
    assert "Отменённый семинар" not in html
    assert 'data-testid="new-seminar"' not in html
    assert f'href="/training/seminars/{roomy.id}"' in html


def test_schedule_issues_a_fixed_number_of_queries(client, auth, make, training, count_statements):
    user = auth.login("school")
    for _ in range(2):
        registration.register(user, training.seminar(days_ahead=5).id)
    training.seminar(days_ahead=-5)
    few = count_statements(lambda: client.get("/training/seminars/"))
    for _ in range(4):
        registration.register(user, training.seminar(days_ahead=5).id)
        training.seminar(days_ahead=-5)
    assert count_statements(lambda: client.get("/training/seminars/")) == few


def test_register_then_cancel_from_the_seminar_page(client, auth, training):
    seminar = training.seminar(capacity=1, audience=("school",))
    user = auth.login("school")
    page = text(client.get(f"/training/seminars/{seminar.id}"))
    assert 'data-testid="register"' in page and "Записаться" in page and "Добавить в календарь" in page
    response = auth.post(f"/training/seminars/{seminar.id}/register", follow_redirects=True)
    assert response.status_code == 200 and "Вы записаны на семинар." in text(response)
    assert 'data-testid="withdraw"' in text(response)
    response = auth.post(f"/training/seminars/{seminar.id}/withdraw", follow_redirects=True)
    assert "Ваша запись отменена." in text(response)
    row = db.session.scalar(select(Registration).where(Registration.user_id == user.id))
    assert row.status == c.WITHDRAWN


def test_a_full_seminar_offers_the_waiting_list_and_says_the_place_in_line(client, auth, make, training):
    seminar = training.seminar(capacity=1)
    registration.register(make.user("teacher"), seminar.id)
    auth.login("teacher")
    assert "Встать в лист ожидания" in text(client.get(f"/training/seminars/{seminar.id}"))
    response = auth.post(f"/training/seminars/{seminar.id}/register", follow_redirects=True)
    html = text(response)
    assert "Свободных мест нет, поэтому вы в листе ожидания" in html
    assert "Вы в листе ожидания под номером 1" in html


def test_outside_the_audience_or_after_the_start_there_is_no_button_and_posting_is_refused(client, auth,
                                                                                            training):
    for_schools = training.seminar(audience=("school", "municipal"))
    started = training.seminar(starts_at=utcnow().replace(microsecond=0) - timedelta(minutes=5))
    auth.login("teacher")
    html = text(client.get(f"/training/seminars/{for_schools.id}"))
    assert 'data-testid="register"' not in html
    assert "Семинар предназначен для: Специалист МОУО, Координатор школы" in html
    response = auth.post(f"/training/seminars/{for_schools.id}/register")
    assert response.status_code == 403 and "Семинар предназначен для" in text(response)
    assert "Запись закрыта: семинар уже начался." in text(client.get(f"/training/seminars/{started.id}"))
    response = auth.post(f"/training/seminars/{started.id}/register")
    assert response.status_code == 422 and "Запись закрыта" in text(response)
    assert db.session.query(Registration).count() == 0


def test_unknown_or_absurd_seminar_ids_are_not_found(client, auth, training):
    seminar = training.seminar(status=c.CANCELLED)
    auth.login("teacher")
    for url in (f"/training/seminars/{seminar.id}", "/training/seminars/99999999999999",
                "/training/seminars/0", "/training/seminars/abc", "/training/seminars/123456.ics"):
        assert client.get(url).status_code == 404, url
    assert auth.post("/training/seminars/99999/register").status_code == 404


def test_a_methodologist_schedules_a_seminar_through_the_form(client, auth):
    methodologist = auth.login("methodologist")
    assert "Запланировать семинар" in text(client.get("/training/seminars/"))
    page = text(client.get("/training/seminars/new"))
    checked = set(re.findall(r'<input checked[^>]* value="(\w+)"', page))
    assert checked == {"municipal", "school"}  # the default audience: the responsible specialists
    response = auth.post("/training/seminars/new", form(), follow_redirects=True)
    assert response.status_code == 200
    seminar = db.session.scalar(select(Seminar))
    assert seminar.organizer_id == methodologist.id
    assert seminar.starts_at.hour == 7  # 10:00 in Moscow is 07:00 UTC
    html = text(response)
    assert "Семинар «Назначение ответственных и активация ОУ» запланирован." in html
    assert "15 апреля 2031, 10:00–13:00" in html and "<h2>Программа</h2>" in html


def test_the_editor_refuses_bad_links_and_reports_in_russian(client, auth):
    auth.login("methodologist")
    response = auth.post("/training/seminars/new", form(online_url="javascript:alert(1)", place=""))
    assert response.status_code == 400
    assert "Ссылка должна быть веб-адресом, начинающимся с http:// или https://." in text(response)
    response = auth.post("/training/seminars/new", form(capacity="0", ends="09:00"))
    assert response.status_code == 400
    assert "Число мест" in text(response)
    assert db.session.query(Seminar).count() == 0


def test_the_editor_refuses_fewer_places_than_registered(client, auth, make, training):
    seminar = training.seminar(capacity=3)
    for _ in range(3):
        registration.register(make.user("school"), seminar.id)
    auth.login("methodologist")
    page = text(client.get(f"/training/seminars/{seminar.id}/edit"))
    assert 'name="capacity"' in page and 'value="3"' in page
    day = re.search(r'name="day" required type="date" value="([^"]+)"', page).group(1)
    response = auth.post(f"/training/seminars/{seminar.id}/edit",
                         form(day=day, capacity="2", audience=[]))
    assert response.status_code == 400
    assert "Уже записаны 3 чел." in text(response)
    db.session.expire_all()
    assert db.session.get(Seminar, seminar.id).capacity == 3


def test_people_who_do_not_organize_seminars_cannot_reach_the_organizer_pages(client, auth, training):
    seminar = training.seminar()
    auth.login("municipal")
    assert client.get("/training/seminars/new").status_code == 403
    assert client.get(f"/training/seminars/{seminar.id}/edit").status_code == 403
    assert auth.post(f"/training/seminars/{seminar.id}/cancel").status_code == 403
    assert client.get(f"/training/seminars/{seminar.id}/participants.csv").status_code == 403
    html = text(client.get(f"/training/seminars/{seminar.id}"))
    assert 'data-testid="participants"' not in html and 'data-testid="organizer-panel"' not in html


def test_the_organizer_sees_and_downloads_the_participants(client, auth, make, training):
    seminar = training.seminar(capacity=1)
    school = make.school(name="МБОУ СОШ № 5")
    first = make.user("school", organization=school, last_name="Петрова")
    registration.register(first, seminar.id)
    registration.register(make.user("municipal", last_name="Сидоров"), seminar.id)
    auth.login("methodologist")
    html = text(client.get(f"/training/seminars/{seminar.id}"))
    assert "Петрова" in html and "МБОУ СОШ № 5" in html and "Сидоров" in html and "В листе ожидания" in html
    response = client.get(f"/training/seminars/{seminar.id}/participants.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    csv_text = response.get_data().decode("utf-8-sig")
    assert csv_text.splitlines()[0].startswith("Участник;Электронная почта;Организация;Статус")
    assert "Петрова" in csv_text and "МБОУ СОШ № 5" in csv_text
    response = client.get(f"/training/seminars/{seminar.id}/participants.xlsx")
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Участник" and rows[1][0].startswith("Петрова") and rows[2][3] == "В листе ожидания"
    assert db.session.query(AuditEvent).filter_by(action="training.participants_exported").count() == 2


def test_the_organizer_cancels_a_seminar(client, auth, make, training):
    seminar = training.seminar()
    registration.register(make.user("school"), seminar.id)
    auth.login("methodologist")
    response = auth.post(f"/training/seminars/{seminar.id}/cancel", follow_redirects=True)
    assert "Семинар отменён, участникам отправлены письма." in text(response)
    assert 'data-testid="cancelled"' in text(response)
    db.session.expire_all()
    assert db.session.get(Seminar, seminar.id).status == c.CANCELLED


def test_materials_show_only_guides_the_viewer_may_read(client, auth, make):
    public = Article(slug="aktivatsiya-shkoly", title="Активация школы", status="published",
                     audience="public")
    internal = Article(slug="razbor-obrashcheniy", title="Разбор обращений", status="published",
                       audience="internal")
    db.session.add_all([public, internal])
    db.session.commit()
    auth.login("methodologist")
    response = auth.post("/training/seminars/new",
                         form(materials="aktivatsiya-shkoly\nРазбор обращений"), follow_redirects=True)
    seminar_id = db.session.scalar(select(Seminar.id))
    assert 'href="/kb/razbor-obrashcheniy"' in text(response)
    auth.logout()
    auth.login("school")
    html = text(client.get(f"/training/seminars/{seminar_id}"))
    assert 'href="/kb/aktivatsiya-shkoly"' in html and "razbor-obrashcheniy" not in html


def test_hostile_description_is_rendered_inert(client, auth, training):
    seminar = training.seminar(description='<script>alert(1)</script> [x](javascript:alert(2)) **важно**')
    auth.login("teacher")
    html = text(client.get(f"/training/seminars/{seminar.id}"))
    body = re.search(r'data-testid="seminar-description">(.*?)</div>', html, re.S).group(1)
    assert "<strong>важно</strong>" in body and "<script" not in body and "javascript:" not in body


@pytest.mark.parametrize("role", ["teacher", "school", "municipal"])
def test_the_seminar_page_opens_for_every_participant_role(client, auth, training, role):
    seminar = training.seminar(online_url="https://vks.example.org/r/1")
    auth.login(role)
    response = client.get(f"/training/seminars/{seminar.id}")
    assert response.status_code == 200 and 'href="https://vks.example.org/r/1"' in text(response)


def test_malformed_input_gets_a_4xx_never_a_server_error(client, auth, training):
    seminar = training.seminar(days_ahead=-1)
    auth.login("methodologist")
    for url in ("/training/seminars/?page=abc", "/training/seminars/?page=-5",
                "/training/seminars/?page=99999999999999999999", "/training/seminars/1/participants.pdf"):
        assert client.get(url).status_code < 500, url
    for url, data in [
        ("/training/seminars/new", form(capacity="99999999999999999999")),
        ("/training/seminars/new", form(day="2031-02-30", starts="25:61", ends="")),
        ("/training/seminars/new", form(audience=["zzz"], title="Я" * 5000, materials="x\n" * 3000)),
        (f"/training/seminars/{seminar.id}/edit", {"capacity": "-1"}),
        (f"/training/seminars/{seminar.id}/attendance", {"mark-abc": "zzz", "mark-9999999999999999": "x"}),
        (f"/training/seminars/{seminar.id}/attendance/import", {"file": "not a file"}),
    ]:
        response = auth.post(url, data)
        assert 400 <= response.status_code < 500, (url, response.status_code)
    assert db.session.query(Seminar).count() == 1
