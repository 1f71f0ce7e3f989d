"""The journal pages: the grid, saving cells as JSON, the per-lesson form, the mark page, bad input."""

import re
from datetime import date

import pytest
from sqlalchemy import select

from app.extensions import db
from tests.fixtures.auth import csrf_token_from
from training.journal import cells, grid, lessons, marks
from training.journal import constants as c
from training.journal.models import Attendance, Mark

TODAY = date(2025, 11, 21)  # Friday of the 2nd quarter; the week before has open lessons


@pytest.fixture
def today(monkeypatch):
    """The journal's «today» is fixed, so edit windows and the current quarter do not depend on the date."""
    for module in (grid, cells, marks, lessons):
        monkeypatch.setattr(module, "local_today", lambda: TODAY)
    return TODAY


@pytest.fixture
def journal(app, sandbox, auth, today):
    """A signed-in teacher's filled class, «Математика» and its lessons of the week up to TODAY."""
    school = sandbox()
    auth.login(school.owner)
    school_class = school.classes[0]
    subject = next(s for s in school.subjects if s.name == "Математика")
    slots = lessons.lesson_slots(school_class, subject, date(2025, 11, 17), TODAY)
    url = f"/journal/classes/{school_class.id}/{subject.id}"
    return {"school": school, "class": school_class, "subject": subject, "slots": slots, "url": url,
            "pupils": school_class.pupils}


def post_json(client, journal, cells_, token=None, period="q2"):
    html = client.get(journal["url"]).get_data(as_text=True)
    token = token if token is not None else re.search(r'data-csrf="([^"]+)"', html).group(1)
    return client.post(journal["url"] + "/cells", json={"period": period, "cells": cells_},
                       headers={"X-CSRFToken": token})


def cell(slot, pupil, value, **extra):
    return {"day": slot[0].isoformat(), "number": slot[1], "pupil": pupil.id, "value": value, **extra}


def row_html(html, pupil):
    return re.search(rf'<tr data-pupil="{pupil.id}".*?</tr>', html, re.S).group(0)


def summary(html, pupil, name):
    return re.search(rf'data-summary="{name}"[^>]*>([^<]*)<', row_html(html, pupil)).group(1)


def test_the_grid_page_in_russian_with_columns_rows_and_the_script(client, journal):
    response = client.get(journal["url"])
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Журнал: 5 А, Математика" in html and 'aria-current="page"' in html
    assert html.count('data-testid="grid-row"') == len(journal["pupils"])
    assert html.count('data-testid="lesson-link"') == len(
        lessons.lesson_slots(journal["class"], journal["subject"], date(2025, 11, 5), date(2025, 12, 28)))
    assert "/journal/static/journal/grid.js" in html and "<script>" not in html and 'style="' not in html
    assert "Скачать Excel" in html and "Четвертные отметки" in html and "не сохранено" in html
    assert client.get("/journal/static/journal/grid.js").status_code == 200


def test_saved_cells_show_with_weights_and_averages(client, journal):
    s1, s2 = journal["slots"][:2]
    pupil = journal["pupils"][0]
    response = post_json(client, journal, [cell(s1, pupil, "5"), cell(s2, pupil, "4 о", kind=c.TEST)])
    assert response.status_code == 200
    body = response.get_json()
    assert [(r["ok"], r["text"]) for r in body["cells"]] == [(True, "5"), (True, "4 о")]
    assert body["cells"][1]["marks"][0]["weight"] == 2 and body["cells"][1]["attendance"] == "о"
    # (5·1 + 4·2) / 3 = 4.333… → «4,33», proposal 4; simple (5 + 4) / 2 = «4,50».
    assert body["averages"][str(pupil.id)] == {"count": 2, "simple": "4,50", "weighted": "4,33",
                                               "proposal": "4", "too_few": True, "saved": ""}
    html = client.get(journal["url"]).get_data(as_text=True)
    row = row_html(html, pupil)
    assert f'data-key="{s2[0].isoformat()}/{s2[1]}/{pupil.id}" data-value="4 о"' in row
    assert "jg-heavy" in row and "<sup>2</sup>" in row and '<span class="jg-a">о</span>' in row
    assert summary(html, pupil, "weighted") == "4,33" and summary(html, pupil, "proposal") == "4"


def test_a_partly_wrong_request_saves_the_rest_and_says_why(client, journal):
    s1 = journal["slots"][0]
    a, b = journal["pupils"][:2]
    response = post_json(client, journal, [cell(s1, a, "7"), cell(s1, b, "н")])
    assert response.status_code == 422
    results = response.get_json()["cells"]
    assert not results[0]["ok"] and "Нет отметки 7" in results[0]["error"]
    assert results[1]["ok"] and results[1]["text"] == "н"
    assert db.session.scalar(select(Attendance.code).where(Attendance.pupil_id == b.id)) == "н"


def test_saving_needs_the_csrf_token_and_json(client, journal):
    s1 = journal["slots"][0]
    pupil = journal["pupils"][0]
    assert post_json(client, journal, [cell(s1, pupil, "5")], token="forged").status_code == 400
    response = client.post(journal["url"] + "/cells", data="not json",
                           headers={"X-CSRFToken": re.search(r'data-csrf="([^"]+)"', client.get(
                               journal["url"]).get_data(as_text=True)).group(1)})
    assert response.status_code == 400 and "обновите страницу" in response.get_json()["error"]
    response = post_json(client, journal, "nonsense")
    assert response.status_code == 422 and "Нечего сохранять" in response.get_json()["error"]
    assert db.session.scalar(select(Mark.id)) is None


def test_another_teacher_and_anonymous_visitors_are_refused(client, journal, auth):
    s1 = journal["slots"][0]
    auth.logout()
    assert client.get(journal["url"]).status_code == 302
    auth.login("teacher")
    assert client.get(journal["url"]).status_code == 404
    token = csrf_token_from(client.get("/journal/").get_data(as_text=True))
    refused = client.post(journal["url"] + "/cells", json={"cells": [cell(s1, journal["pupils"][0], "5")]},
                          headers={"X-CSRFToken": token})
    assert refused.status_code == 404 and refused.is_json
    assert db.session.scalar(select(Mark.id)) is None


def test_the_lesson_form_works_without_javascript(client, journal, auth):
    s1 = journal["slots"][0]
    a, b = journal["pupils"][:2]
    url = f"{journal['url']}/lessons/{s1[0].isoformat()}/{s1[1]}/marks"
    html = client.get(url).get_data(as_text=True)
    assert "Отметки за урок: Математика" in html and html.count('data-testid="cell-input"') == len(
        journal["pupils"])
    response = auth.post(url, {"kind": c.TEST, f"pupil_{a.id}": "5", f"pupil_{b.id}": "н"})
    assert response.status_code == 302 and "period=q2" in response.headers["Location"]
    assert db.session.scalars(select(Mark.kind).where(Mark.pupil_id == a.id)).all() == [c.TEST]
    response = auth.post(url, {"kind": c.TEST, f"pupil_{a.id}": "5", f"pupil_{b.id}": "н 4"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "не был на уроке" in html
    assert 'value="н 4"' in html  # what was typed stays in the field


def test_the_lesson_form_of_a_locked_lesson_is_read_only(client, journal, auth):
    old = lessons.lesson_slots(journal["class"], journal["subject"], date(2025, 11, 5), date(2025, 11, 12))[0]
    url = f"{journal['url']}/lessons/{old[0].isoformat()}/{old[1]}/marks"
    html = client.get(url).get_data(as_text=True)
    assert "закрыт для изменений" in html and "disabled" in html and 'data-testid="save-marks"' not in html
    pupil = journal["pupils"][0]
    response = auth.post(url, {f"pupil_{pupil.id}": "5"})
    assert response.status_code == 422 and "больше нельзя изменить" in response.get_data(as_text=True)
    assert db.session.scalar(select(Mark.id)) is None


def test_the_mark_page_changes_kind_weight_comment_and_debt(client, journal, auth):
    s1 = journal["slots"][0]
    pupil = journal["pupils"][0]
    post_json(client, journal, [cell(s1, pupil, "4")])
    mark = db.session.scalar(select(Mark))
    url = f"{journal['url']}/marks/{mark.id}"
    html = client.get(url).get_data(as_text=True)
    assert "Вид работы" in html and "Комментарий" in html and "Долг" in html
    response = auth.post(url, {"value": "4", "kind": c.CONTROL, "weight": "", "comment": " Решил  всё "})
    assert response.status_code == 302
    db.session.refresh(mark)
    assert (mark.kind, mark.weight, mark.comment, mark.is_debt) == (c.CONTROL, 3, "Решил всё", False)
    response = auth.post(url, {"value": "4", "kind": c.CONTROL, "weight": "4", "is_debt": "y"})
    assert response.status_code == 422 and "У долга ещё нет отметки" in response.get_data(as_text=True)
    response = auth.post(url, {"value": "", "kind": c.CONTROL, "weight": "11"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "от 1 до 10" in html and "Выберите отметку" in html
    assert auth.post(url, {"value": "", "kind": c.HOMEWORK, "weight": "1", "is_debt": "y"}).status_code == 302
    db.session.refresh(mark)
    assert (mark.value, mark.is_debt, mark.kind) == (None, True, c.HOMEWORK)
    grid_html = client.get(journal["url"]).get_data(as_text=True)
    assert f'data-mark="{mark.id}" title="Решил всё">д</span>' in grid_html


def test_a_locked_mark_cannot_be_changed(client, journal, auth, monkeypatch):
    s1 = journal["slots"][0]
    post_json(client, journal, [cell(s1, journal["pupils"][0], "4")])
    mark = db.session.scalar(select(Mark))
    for module in (grid, cells, marks, lessons):
        monkeypatch.setattr(module, "local_today", lambda: date(2025, 12, 20))
    url = f"{journal['url']}/marks/{mark.id}"
    assert "закрыт для изменений" in client.get(url).get_data(as_text=True)
    response = auth.post(url, {"value": "5", "kind": c.CLASSWORK, "weight": "1"})
    assert response.status_code == 403 and "больше нельзя изменить" in response.get_data(as_text=True)
    db.session.refresh(mark)
    assert mark.value == 4


@pytest.mark.parametrize("suffix", [
    "?period=zzz", "?period=" + "%25" * 300, "/lessons/2025-13-45/1/marks", "/lessons/2025-11-17/99/marks",
    "/lessons/2025-11-22/1/marks", "/lessons/0001-01-05/1/marks", "/lessons/9999-12-31/1/marks",
    "/marks/999999", "/marks/abc", "/export.xlsx?period=q9",
])
def test_malformed_addresses_are_not_server_errors(client, journal, suffix):
    response = client.get(journal["url"] + suffix)
    assert response.status_code < 500, (suffix, response.status_code)


def test_other_classes_and_huge_ids_are_not_found(client, journal, make):
    for url in ("/journal/classes/999999/1", f"/journal/classes/{journal['class'].id}/999999",
                f"{journal['url']}/marks/99999999", "/journal/classes/99999999999999/1",
                f"{journal['url']}/marks/99999999999999",
                f"{journal['url']}/lessons/2025-11-17/99999999999999/marks"):
        assert client.get(url).status_code == 404, url
