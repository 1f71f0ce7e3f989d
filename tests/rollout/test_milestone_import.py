"""Schools' milestones from CSV: encodings, all or nothing, scope, the template (milestone_import.py)."""

import io
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.errors import PermissionDenied, ValidationFailed
from app.extensions import db
from app.rollout import milestone_import
from app.rollout.models import RolloutStatus

DATA = Path(__file__).parent / "data"
NOV = {day: date(2010, 11, day) for day in range(1, 31)}


@pytest.fixture
def schools(make, rollout, fixed_today):
    """Two schools of one municipality with the codes the data files use, and its specialist."""
    municipality = make.municipality(name="Мичуринск")
    first = make.school(municipality, code="ROLL-001", name="МБОУ СОШ № 1")
    second = make.school(municipality, code="ROLL-002", name="Гимназия № 2")
    return {"municipality": municipality, "first": first, "second": second,
            "specialist": make.user("municipal", organization=municipality)}


def statuses():
    db.session.expire_all()
    rows = db.session.scalars(select(RolloutStatus)).all()
    return {row.organization.code: row for row in rows}


def events(action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def test_cp1251_semicolon_file_applies(schools):
    raw = (DATA / "milestones_cp1251.csv").read_bytes()
    report = milestone_import.import_milestones(schools["specialist"], raw, "milestones_cp1251.csv")
    assert report.ok, report.errors
    assert (report.rows, report.changed) == (2, 2)
    first, second = statuses()["ROLL-001"], statuses()["ROLL-002"]
    assert (first.activated_on, first.info_space_on, first.daily_entry_on) == (NOV[12], NOV[16], NOV[17])
    assert first.activated_by_id == schools["specialist"].id
    assert second.activated_on == NOV[14] and second.classes_on is None
    per_school = events("rollout.milestones_updated")
    assert {event.target_id for event in per_school} == {schools["first"].id, schools["second"].id}
    assert all(event.details["source"] == "csv" for event in per_school)
    [summary] = events("rollout.milestones_imported")
    assert summary.details == {"file": "milestones_cp1251.csv", "rows": 2, "changed": 2}


def test_a_file_with_two_bad_lines_reports_both_and_changes_nothing(schools, rollout):
    rollout.status(schools["first"], activated_on=NOV[11])
    raw = (DATA / "milestones_two_bad_lines.csv").read_bytes()
    report = milestone_import.import_milestones(schools["specialist"], raw, "bad.csv")
    assert not report.ok
    assert [line for line, _message in report.errors] == [3, 4]
    assert "ROLL-404" in report.errors[0][1]
    assert "Классы" in report.errors[1][1] and "позже сегодняшнего" in report.errors[1][1]
    saved = statuses()
    assert set(saved) == {"ROLL-001"} and saved["ROLL-001"].activated_on == NOV[11]
    assert saved["ROLL-001"].classes_on is None
    assert events("rollout.milestones_updated") == [] and events("rollout.milestones_imported") == []


def test_english_headers_and_a_dash_clears_a_date(schools, rollout):
    rollout.status(schools["first"], activated_on=NOV[11], classes_on=NOV[13])
    raw = (DATA / "milestones_english.csv").read_bytes()
    report = milestone_import.import_milestones(schools["specialist"], raw)
    assert report.ok, report.errors
    first = statuses()["ROLL-001"]
    assert first.activated_on == NOV[12] and first.classes_on is None


def test_schools_outside_the_scope_and_repeated_lines_are_reported(schools, make):
    stranger = make.school(code="ROLL-900", name="Чужая школа")
    text = ("Код школы;Дата активации\n"
            "ROLL-001;12.11.2010\n"
            f"{stranger.code};12.11.2010\n"
            "ROLL-001;13.11.2010\n"
            f"{schools['municipality'].code};12.11.2010\n"
            "ROLL-002;31.02.2010\n"
            ";12.11.2010\n")
    report = milestone_import.import_milestones(schools["specialist"], text.encode())
    lines = dict(report.errors)
    assert sorted(lines) == [3, 4, 5, 6, 7]
    assert "вне вашей зоны" in lines[3] and "строке 2" in lines[4] and "не школа" in lines[5]
    assert "31.02.2010" in lines[6] and "Не указан код" in lines[7]
    assert statuses() == {}


def test_the_rules_of_the_form_apply_to_a_file(schools):
    text = "Код школы;Классы\nROLL-001;13.11.2010\n"
    report = milestone_import.import_milestones(schools["specialist"], text.encode())
    assert report.errors == [(2, "Столбец «Классы»: Сначала отметьте активацию школы.")]


def test_unchanged_lines_change_nothing_and_a_missing_code_column_is_named(schools, rollout):
    rollout.status(schools["first"], activated_on=NOV[12])
    specialist = schools["specialist"]
    report = milestone_import.import_milestones(specialist, b"code;activated_on\nROLL-001;12.11.2010\n")
    assert report.ok and report.changed == 0 and events("rollout.milestones_updated") == []
    report = milestone_import.import_milestones(specialist, "Дата активации\n12.11.2010\n".encode())
    assert report.errors and report.errors[0][0] == 1 and "Код школы" in report.errors[0][1]
    with pytest.raises(ValidationFailed):
        milestone_import.import_milestones(schools["specialist"], b"")


def test_only_admins_and_municipal_specialists_import(schools, make):
    with pytest.raises(PermissionDenied):
        milestone_import.import_milestones(make.user("school", organization=schools["first"]), b"code\nX\n")
    with pytest.raises(PermissionDenied):
        milestone_import.template_table(make.user("coordinator"))


def test_template_round_trips(client, auth, schools, rollout, make):
    make.school(code="ROLL-900")  # another municipality's school stays out of the template
    rollout.status(schools["first"], activated_on=NOV[12], classes_on=NOV[13])
    auth.login(schools["specialist"])
    response = client.get("/rollout/import/template.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    raw = response.get_data()
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Код школы;Наименование;Дата активации;Классы")
    assert [line.split(";")[0] for line in lines[1:]] == ["ROLL-002", "ROLL-001"]
    assert "ROLL-001;МБОУ СОШ № 1;12.11.2010;13.11.2010;;;;;" in lines
    response = auth.post("/rollout/import", {"file": (io.BytesIO(raw), "milestones.csv")},
                         content_type="multipart/form-data")
    assert response.status_code == 200
    assert "Файл применён." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(AuditEvent.id))
                             .where(AuditEvent.action == "rollout.milestones_updated")) == 0
    edited = raw.replace(b"12.11.2010;13.11.2010;;", b"12.11.2010;13.11.2010;14.11.2010;")
    response = auth.post("/rollout/import", {"file": (io.BytesIO(edited), "milestones.csv")},
                         content_type="multipart/form-data")
    assert response.status_code == 200
    assert statuses()["ROLL-001"].subjects_on == NOV[14]


def test_upload_page_shows_line_numbered_errors(client, auth, schools):
    auth.login(schools["specialist"])
    assert client.get("/rollout/import").status_code == 200
    raw = (DATA / "milestones_two_bad_lines.csv").read_bytes()
    response = auth.post("/rollout/import", {"file": (io.BytesIO(raw), "bad.csv")},
                         content_type="multipart/form-data")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Строка 3:" in page and "Строка 4:" in page and "Ничего не изменено" in page
    response = auth.post("/rollout/import", {}, content_type="multipart/form-data")
    assert response.status_code == 400


def test_upload_page_is_refused_to_school_coordinators(client, auth, schools, make):
    auth.login(make.user("school", organization=schools["first"]))
    assert client.get("/rollout/import").status_code == 403
    assert client.get("/rollout/import/template.csv").status_code == 403
