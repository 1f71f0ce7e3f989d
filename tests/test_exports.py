"""CSV and XLSX downloads: what Russian Excel needs, and user text that stays text."""

import csv
import io
from datetime import date, datetime
from urllib.parse import unquote

from openpyxl import load_workbook

from app.exports import content_disposition, csv_bytes, csv_response, sheet_title, xlsx_bytes, xlsx_response


def test_csv_has_bom_semicolons_and_decimal_commas():
    rows = [("г. Тамбов", 12, 37.5), ("Бондарский р-н; село", 3, None)]
    data = csv_bytes(["Муниципалитет", "Обращений", "Доля"], rows)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows == [["Муниципалитет", "Обращений", "Доля"], ["г. Тамбов", "12", "37,5"],
                    ["Бондарский р-н; село", "3", ""]]


def test_csv_dates_and_formula_like_text():
    data = csv_bytes(["a", "b"], [(date(2024, 12, 30), datetime(2025, 1, 2, 9, 5)), ("=HYPERLINK(1)", "-5")])
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[1] == ["30.12.2024", "02.01.2025 09:05"]
    assert rows[2] == ["'=HYPERLINK(1)", "'-5"]  # text, not a formula, when Excel opens it


def test_csv_response_headers():
    response = csv_response("статистика обращений.csv", ["a"], [(1,)])
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="statistika_obrashcheniy.csv"; ')
    assert unquote(disposition.split("filename*=UTF-8''")[1]) == "статистика обращений.csv"
    assert response.get_data().startswith(b"\xef\xbb\xbf")


def test_content_disposition_never_breaks_the_header():
    header = content_disposition('a"; b\r\nX-Evil: 1.xlsx')
    assert "\r" not in header and "\n" not in header
    fallback = header.split('filename="')[1].split('"')[0]
    assert fallback == "a_b_x-evil_1.xlsx"


def test_xlsx_sheets_bold_header_widths_and_numbers():
    sheets = [
        ("Сводка", ["Показатель", "Значение"],
         [("Обращений", 42), ("Медиана, ч", 3.5), ("Нет данных", None)]),
        ("Недели", ["Неделя", "Всего"], [(date(2024, 12, 30), 7)]),
    ]
    book = load_workbook(io.BytesIO(xlsx_bytes(sheets)))
    assert book.sheetnames == ["Сводка", "Недели"]
    summary = book["Сводка"]
    assert [cell.value for cell in summary[1]] == ["Показатель", "Значение"]
    assert all(cell.font.b for cell in summary[1])
    assert summary["B2"].value == 42 and summary["B2"].data_type == "n"
    assert summary["B3"].value == 3.5
    assert summary["B4"].value is None
    assert summary.column_dimensions["A"].width >= len("Показатель")
    weeks = book["Недели"]
    assert weeks["A2"].value == datetime(2024, 12, 30) and weeks["A2"].number_format == "DD.MM.YYYY"


def test_xlsx_keeps_formula_like_text_as_text_and_drops_control_characters():
    book = load_workbook(io.BytesIO(xlsx_bytes([("x", ["a"], [("=1+2",), ("bad\x01char",)])])))
    sheet = book["x"]
    assert sheet["A2"].value == "=1+2" and sheet["A2"].data_type == "s"
    assert sheet["A3"].value == "badchar"


def test_sheet_titles_are_valid_and_unique():
    assert sheet_title("Итоги: 1/2 [черновик]") == "Итоги  1 2  черновик"
    long_title = "Очень длинное название листа для отчёта"
    first = sheet_title(long_title)
    second = sheet_title(long_title, [first])
    assert len(first) <= 31 and len(second) <= 31 and first != second


def test_xlsx_response_headers():
    response = xlsx_response("отчёт.xlsx", [("a", ["b"], [(1,)])])
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "filename*=UTF-8''%D0%BE%D1%82%D1%87%D1%91%D1%82.xlsx" in response.headers["Content-Disposition"]
    assert load_workbook(io.BytesIO(response.get_data()))["a"]["A2"].value == 1
