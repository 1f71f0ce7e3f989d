"""Downloadable tables: CSV that Russian Excel opens as is, and XLSX workbooks.

Any feature that offers "download as a table" builds (header, rows) and hands them here.
"""

import csv
import io
import re
import unicodedata
from datetime import date, datetime
from urllib.parse import quote

from flask import Response
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

CSV_MIMETYPE = "text/csv"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Spreadsheets run a text cell starting with these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SHEET_TITLE_MAX = 31
SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
MIN_WIDTH, MAX_WIDTH = 8, 60
_TRANSLIT = str.maketrans({
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya", "№": "n",
})


def ascii_filename(filename):
    """A Latin spelling of the name for clients that ignore filename*."""
    latin = unicodedata.normalize("NFKD", filename.lower().translate(_TRANSLIT))
    latin = latin.encode("ascii", "ignore").decode("ascii")
    stem, dot, extension = latin.rpartition(".")
    stem = re.sub(r"[^a-z0-9-]+", "_", stem if dot else latin).strip("_-") or "export"
    extension = re.sub(r"[^a-z0-9]+", "", extension) if dot else ""
    return f"{stem}.{extension}" if extension else stem


def content_disposition(filename):
    """An attachment header with an ASCII fallback and the exact name per RFC 5987 (Cyrillic too)."""
    ascii_name = ascii_filename(filename)
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


def _safe_text(value):
    """Text a spreadsheet shows as text: formula-like starts get a leading apostrophe."""
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        # Russian Excel reads a decimal comma; a dot would turn 2.5 into a date or text.
        return f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime):
        return value.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    return _safe_text(value)


def csv_bytes(header, rows):
    """The table as UTF-8 CSV with a byte-order mark and `;` between values."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([_csv_value(value) for value in header])
    for row in rows:
        writer.writerow([_csv_value(value) for value in row])
    return "\ufeff".encode() + buffer.getvalue().encode("utf-8")


def csv_response(filename, header, rows):
    """A download of the table as CSV."""
    response = Response(csv_bytes(header, rows), mimetype=CSV_MIMETYPE)
    response.headers["Content-Type"] = f"{CSV_MIMETYPE}; charset=utf-8"
    response.headers["Content-Disposition"] = content_disposition(filename)
    return response


def sheet_title(title, taken=()):
    """A worksheet name Excel accepts: no []:*?/\\, at most 31 characters, unique in the book."""
    base = SHEET_TITLE_FORBIDDEN.sub(" ", str(title)).strip().strip("'")[:SHEET_TITLE_MAX] or "Sheet"
    candidate, number = base, 2
    while candidate.lower() in {t.lower() for t in taken}:
        suffix = f" ({number})"
        candidate, number = base[: SHEET_TITLE_MAX - len(suffix)] + suffix, number + 1
    return candidate


def _xlsx_value(value):
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    if value is None or isinstance(value, int | float | date):
        return value
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))


def _shown(value):
    """Roughly how the value appears in a cell, to size the column."""
    if isinstance(value, datetime):
        return "00.00.0000 00:00"
    if isinstance(value, date):
        return "00.00.0000"
    return "" if value is None else str(value)


def _write_sheet(sheet, header, rows):
    widths = [len(str(value)) for value in header]
    sheet.append([_xlsx_value(value) for value in header])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        values = [_xlsx_value(value) for value in row]
        sheet.append(values)
        widths.extend([0] * (len(values) - len(widths)))
        for index, value in enumerate(values):
            widths[index] = max(widths[index], len(_shown(value)))
    _keep_text_as_text(sheet)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, MIN_WIDTH), MAX_WIDTH)
    sheet.freeze_panes = "A2"


def _keep_text_as_text(sheet):
    """openpyxl stores text starting with «=» as a formula; user text must stay text."""
    for row in sheet.iter_rows():
        for cell in row:
            if cell.data_type == "f":
                cell.data_type = "s"
            elif isinstance(cell.value, datetime):
                cell.number_format = "DD.MM.YYYY HH:MM"
            elif isinstance(cell.value, date):
                cell.number_format = "DD.MM.YYYY"


def xlsx_bytes(sheets):
    """A workbook with one sheet per (title, header, rows); header bold, columns sized, numbers as numbers."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    taken = []
    for title, header, rows in sheets:
        taken.append(sheet_title(title, taken))
        _write_sheet(workbook.create_sheet(taken[-1]), header, rows)
    if not taken:
        workbook.create_sheet("Sheet")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(filename, sheets):
    """A download of the sheets as an Excel workbook."""
    response = Response(xlsx_bytes(sheets), mimetype=XLSX_MIMETYPE)
    response.headers["Content-Disposition"] = content_disposition(filename)
    return response
