"""Downloads of a report and of the regional summary: printable XLSX sheets and a Russian PDF."""

import io
import time
from datetime import date, datetime

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import distinct, func, or_, select

from app.auth import roles
from app.auth.models import User
from app.directory import kinds
from app.directory.models import Organization, Person
from app.extensions import db
from app.rollout import reports
from app.rollout.models import RolloutStatus
from tests.rollout import report_world
from tickets.models import Ticket
from training import constants as trc
from training.models import Enrollment

QUARTER_END = date(2010, 12, 31)
# The quarter in UTC: Moscow is three hours ahead.
START_UTC, END_UTC = datetime(2010, 9, 30, 21), datetime(2010, 12, 31, 21)


@pytest.fixture
def world(make, rollout, training, queues, fixed_today):
    fixed_today(report_world.TODAY)
    return report_world.build(make, rollout, training, queues)


def _counted(municipality):
    """The report's figures counted straight from the tables."""
    schools = select(Organization.id).where(Organization.kind == kinds.SCHOOL,
                                            Organization.parent_id == municipality.id)
    count = db.session.scalar
    return {
        "schools": count(select(func.count()).select_from(schools.subquery())),
        "activated": count(select(func.count(RolloutStatus.id)).where(
            RolloutStatus.organization_id.in_(schools), RolloutStatus.activated_on <= QUARTER_END)),
        "staff": count(select(func.count(User.id)).join(Person, User.person_id == Person.id).where(
            Person.organization_id.in_(schools), User.role.in_([roles.TEACHER, roles.SCHOOL]),
            User.is_enabled.is_(True))),
        "trained": count(select(func.count(distinct(Enrollment.user_id))).where(
            Enrollment.organization_id.in_(schools), Enrollment.status == trc.COMPLETED,
            Enrollment.completed_at < END_UTC)),
        "tickets": count(select(func.count(Ticket.id)).where(
            or_(Ticket.organization_id.in_(schools), Ticket.organization_id == municipality.id),
            Ticket.created_at >= START_UTC, Ticket.created_at < END_UTC)),
    }


def _values(sheet):
    """{label: value} of a two-column «indicator — value» sheet (data under the header row 4)."""
    return {row[0]: row[1] for row in sheet.iter_rows(min_row=5, values_only=True)}


def test_the_report_workbook_holds_the_figures_of_the_database(world, auth, client):
    auth.login(world.municipal)
    response = client.get(f"/rollout/reports/{world.municipality.id}/2010/4.xlsx")
    assert response.status_code == 200
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["Показатели", "Школы", "Обучение и семинары", "Горячая линия",
                               "Проблемы и меры"]
    expected = _counted(world.municipality)
    figures = _values(book["Показатели"])
    assert figures["Школ всего"] == expected["schools"] == 2
    assert figures["Школ, активированных на платформе электронного журнала (2.2)"] == expected["activated"]
    training = _values(book["Обучение и семинары"])
    assert training["Сотрудников школ с учётной записью"] == expected["staff"]
    assert training["Обучено: завершили курс"] == expected["trained"]
    assert _values(book["Горячая линия"])["Обращений всего"] == expected["tickets"]
    schools = list(book["Школы"].iter_rows(min_row=5, values_only=True))
    assert [row[1] for row in schools[:2]] == ["Школа № 1", "Школа № 2"] and schools[2][0] == "Итого"
    assert schools[0][3] == datetime(2010, 11, 14)  # a real date cell, shown as dd.mm.yyyy


def test_the_workbook_is_set_up_for_printing(world):
    from app.rollout import report_exports, report_sections

    page = reports.build_page(world.municipality, 2010, 4)
    book = load_workbook(io.BytesIO(report_exports.xlsx_bytes(report_sections.report_document(page))))
    sheet = book["Школы"]
    assert sheet["A1"].value.startswith("Отчёт о внедрении электронных журналов: Город, IV квартал 2010")
    assert sheet["A4"].font.bold and sheet["A4"].border.left.style == "thin"
    assert sheet.print_title_rows == "$4:$4"
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.fitToWidth == 1
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert "IV квартал 2010" in sheet.oddHeader.center.text
    assert sheet["C5"].number_format == "DD.MM.YYYY"
    assert sheet.column_dimensions["B"].width == 44


def test_the_same_figures_give_the_same_bytes_a_second_later(world):
    from app.rollout import report_exports, report_sections

    document = report_sections.report_document(reports.build_page(world.municipality, 2010, 4))
    first = report_exports.xlsx_bytes(document)
    time.sleep(1.1)  # openpyxl stamps the file with the current second; the export must not
    assert report_exports.xlsx_bytes(document) == first


def test_the_summary_workbook_has_a_row_per_municipality_and_totals(world, auth, client):
    reports.submit_report(world.municipal, world.municipality.id, 2010, 4, {"problems": "Связь"})
    auth.login(world.coordinator)
    response = client.get("/rollout/reports/summary.xlsx?year=2010&quarter=4")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["Внедрение", "Обучение и семинары", "Горячая линия", "Проблемы и меры"]
    rows = list(book["Внедрение"].iter_rows(min_row=5, values_only=True))
    assert [row[0] for row in rows] == ["Город", "Район", "Итого"]
    assert rows[0][1] == "Сдан на проверку" and rows[0][3] == "зафиксированы"
    assert rows[1][1] == "Не начат" and rows[1][3] == "предварительно"
    assert rows[0][4] == _counted(world.municipality)["schools"] and rows[2][4] == 3
    hotline = list(book["Горячая линия"].iter_rows(min_row=5, values_only=True))
    assert hotline[2][3] == _counted(world.municipality)["tickets"] + _counted(world.other)["tickets"]
    texts = list(book["Проблемы и меры"].iter_rows(min_row=5, values_only=True))
    assert texts == [("Город", "Сдан на проверку", "Связь", None, None)]


def test_the_pdf_reads_back_in_russian(world, auth, client):
    reports.submit_report(world.municipal, world.municipality.id, 2010, 4,
                          {"problems": "Нет устойчивой связи в сельских школах."})
    auth.login(world.coordinator)
    response = client.get(f"/rollout/reports/{world.municipality.id}/2010/4.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    for heading in ("Отчёт о внедрении электронных журналов", "Показатели", "Горячая линия", "Школа № 1",
                    "Нет устойчивой связи", "Обращений всего"):
        assert heading in text, heading
    summary = client.get("/rollout/reports/summary.pdf?year=2010&quarter=4")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(summary.data)).pages)
    assert "Сводка квартальных отчётов о внедрении" in text and "Район" in text and "Итого" in text


def test_a_long_text_and_formula_like_text_export_safely(world):
    from app.rollout import report_exports, report_sections

    reports.save_report(world.municipal, world.municipality.id, 2010, 4,
                        {"problems": "=HYPERLINK(\"http://evil\")", "measures": "Длинный абзац. " * 1200})
    page = reports.build_page(world.municipality, 2010, 4)
    document = report_sections.report_document(page)
    book = load_workbook(io.BytesIO(report_exports.xlsx_bytes(document)))
    cell = book["Проблемы и меры"]["B5"]
    assert cell.value.startswith("=HYPERLINK") and cell.data_type == "s"
    assert report_exports.pdf_bytes(document).startswith(b"%PDF")
