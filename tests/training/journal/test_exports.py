"""The class journal of a quarter as XLSX: dates in the header, pupils' cells, averages, the lessons sheet."""

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from training.journal import cells, exports, grid, lessons, marks
from training.journal import constants as c

TODAY = date(2025, 11, 21)


@pytest.fixture
def filled(app, sandbox, monkeypatch):
    """A class with marks, attendance and a topic in «Математика» in the week up to TODAY."""
    for module in (grid, cells, marks, lessons):
        monkeypatch.setattr(module, "local_today", lambda: TODAY)
    school = sandbox()
    school_class = school.classes[0]
    subject = next(s for s in school.subjects if s.name == "Математика")
    s1, s2 = lessons.lesson_slots(school_class, subject, date(2025, 11, 17), TODAY)[:2]
    a, b = school_class.pupils[:2]
    results = cells.save_cells(school.owner, school_class.id, subject.id, [
        {"day": s1[0].isoformat(), "number": s1[1], "pupil": a.id, "value": "5"},
        {"day": s2[0].isoformat(), "number": s2[1], "pupil": a.id, "value": "4 о", "kind": c.TEST},
        {"day": s1[0].isoformat(), "number": s1[1], "pupil": b.id, "value": "н"},
    ], today=TODAY)
    assert all(result.ok for result in results)
    lessons.update_lesson(school.owner, school_class.id, subject.id, *s1, "=Дроби: сложение", "№ 12, 14",
                          today=TODAY)
    return school, school_class, subject, (s1, s2), (a, b)


def workbook(content):
    return load_workbook(io.BytesIO(content))


def test_the_workbook_holds_the_grid_and_the_lessons(filled):
    school, school_class, subject, (s1, s2), (a, b) = filled
    page = grid.journal_grid(school.owner, school_class.id, subject.id, "q2", today=TODAY)
    book = workbook(exports.journal_workbook(page))
    sheet = book.worksheets[0]
    assert sheet.title == "Математика 5 А"
    assert sheet["A1"].value == "5 А, Математика: 2-я четверть (05.11.2025 – 28.12.2025)"
    header = [cell.value for cell in sheet[3]]
    assert header[:2] == ["№", "Ученик"] and header[-5:] == [
        "Количество отметок", "Средний балл", "Средневзвешенный балл", "Предлагаемая отметка",
        "Четвертная отметка"]
    first = 2 + [(col.day, col.number) for col in page.columns].index(s1)
    assert header[first] == f"{s1[0]:%d.%m}\n№ {s1[1]}"
    assert sheet.cell(3, first + 1).comment.text == "=Дроби: сложение"
    rows = {sheet.cell(row, 2).value: [cell.value for cell in sheet[row]]
            for row in range(4, sheet.max_row + 1)}
    assert len(rows) == len(school_class.pupils)
    line = rows[a.full_name]
    assert line[first] == "5" and line[first + 1] == "4 о"
    # (5·1 + 4·2) / 3 = 4.33; simple 4.5; proposal 4.
    assert line[-5:] == [2, 4.5, 4.33, 4, None]
    assert rows[b.full_name][first] == "н" and rows[b.full_name][-5:-2] == [0, None, None]
    assert sheet.cell(4, len(header) - 2).number_format == "0.00"
    assert sheet.freeze_panes == "C4"
    lessons_sheet = book.worksheets[1]
    assert lessons_sheet.title == "Уроки четверти"
    saved = [[cell.value for cell in row] for row in lessons_sheet.iter_rows(min_row=2)]
    entered = next(row for row in saved if row[2])
    assert entered[1:] == [s1[1], "=Дроби: сложение", "№ 12, 14"]
    assert lessons_sheet.cell(saved.index(entered) + 2, 3).data_type == "s"  # text, never a formula


def test_the_download_is_named_after_the_class_subject_and_quarter(client, auth, filled):
    school, school_class, subject, _slots, _pupils = filled
    auth.login(school.owner)
    response = client.get(f"/journal/classes/{school_class.id}/{subject.id}/export.xlsx?period=q2")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and "filename*=UTF-8''5%20%D0%90" in disposition
    assert workbook(response.data).worksheets[0]["A1"].value.startswith("5 А, Математика")


def test_another_teacher_cannot_download(client, auth, filled):
    _school, school_class, subject, _slots, _pupils = filled
    auth.login("teacher")
    assert client.get(f"/journal/classes/{school_class.id}/{subject.id}/export.xlsx").status_code == 404
