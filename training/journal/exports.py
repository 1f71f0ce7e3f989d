"""The class journal of a quarter as an Excel workbook: the marks grid and the lessons' topics."""

import io

from flask import Response
from flask_babel import format_date
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from app.exports import XLSX_MIMETYPE, content_disposition, sheet_title
from training.journal import constants as c

FIXED = 2  # number and pupil columns before the lessons
HEADER_ROW = 3  # the title, an empty line, then the header
BOLD = Font(bold=True)
CENTER = Alignment(horizontal="center", vertical="center")
HEADER = Alignment(horizontal="center", vertical="center", wrap_text=True)
MUTED_FILL = PatternFill("solid", fgColor="EEEEEE")
TOO_FEW_FILL = PatternFill("solid", fgColor="FFF3CD")
AVERAGE_FORMAT = "0.00"


def _clean(value):
    """Text without the control characters a workbook cannot hold; other values as they are."""
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def _average(value):
    """A Decimal average as a float rounded to hundredths (a number Excel can sum), or empty."""
    return None if value is None else round(float(value), 2)


def _header(grid):
    lessons = [f"{format_date(column.day, 'dd.MM')}\n№ {column.number}" for column in grid.columns]
    return ["№", _("Pupil"), *lessons, _("Number of marks"), _("Average"), _("Weighted average"),
            _("Proposed mark"), _("Quarter mark")]


def _pupil_row(number, row):
    summary = row.summary
    return [number, row.pupil.full_name, *[cell.text or None for cell in row.cells], summary.count,
            _average(summary.simple), _average(summary.weighted), summary.proposal, summary.saved]


def _write_grid(sheet, grid):
    title = _("%(class)s, %(subject)s: %(period)s (%(first)s – %(last)s)", **{
        "class": grid.school_class.name, "subject": grid.subject.name, "period": c.PERIOD_LABELS[grid.period],
        "first": format_date(grid.first_day, "dd.MM.yyyy"), "last": format_date(grid.last_day, "dd.MM.yyyy")})
    sheet.append([_clean(title)])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([])
    sheet.append(_header(grid))
    for number, row in enumerate(grid.rows, start=1):
        sheet.append([_clean(value) for value in _pupil_row(number, row)])
    _style_grid(sheet, grid)


def _style_grid(sheet, grid):
    lessons = len(grid.columns)
    for cell in sheet[HEADER_ROW]:
        cell.font, cell.alignment = BOLD, HEADER
    for index, column in enumerate(grid.columns, start=FIXED + 1):
        if column.topic:
            sheet.cell(HEADER_ROW, index).comment = Comment(_clean(column.topic), "Opora")
        sheet.column_dimensions[get_column_letter(index)].width = 7
    for offset, row in enumerate(grid.rows, start=HEADER_ROW + 1):
        for index in range(FIXED + 1, FIXED + lessons + 6):
            sheet.cell(offset, index).alignment = CENTER
        for index in (FIXED + lessons + 2, FIXED + lessons + 3):
            sheet.cell(offset, index).number_format = AVERAGE_FORMAT
        if row.summary.too_few:
            sheet.cell(offset, FIXED + lessons + 1).fill = TOO_FEW_FILL
    for index in range(FIXED + lessons + 1, FIXED + lessons + 6):
        sheet.column_dimensions[get_column_letter(index)].width = 12
        sheet.cell(HEADER_ROW, index).fill = MUTED_FILL
    sheet.column_dimensions["A"].width = 4
    sheet.column_dimensions["B"].width = max([len(row.pupil.full_name) for row in grid.rows] + [20]) + 2
    sheet.row_dimensions[HEADER_ROW].height = 30
    sheet.freeze_panes = sheet.cell(HEADER_ROW + 1, FIXED + 1)


def _write_lessons(sheet, grid):
    sheet.append([_("Date"), _("Lesson"), _("Topic"), _("Homework")])
    for cell in sheet[1]:
        cell.font = BOLD
    for column in grid.columns:
        lesson = column.lesson
        sheet.append([column.day, column.number, _clean(column.topic),
                      _clean(lesson.homework if lesson is not None else "")])
        sheet.cell(sheet.max_row, 1).number_format = "DD.MM.YYYY"
    for letter, width in (("A", 12), ("B", 8), ("C", 50), ("D", 60)):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"


def _keep_text_as_text(workbook):
    """User text starting with «=» stays text, never a formula."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"


def journal_workbook(grid):
    """The workbook's bytes: the grid sheet (marks, attendance codes, averages) and the lessons sheet."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title(f"{grid.subject.name} {grid.school_class.name}")
    _write_grid(sheet, grid)
    _write_lessons(workbook.create_sheet(sheet_title(_("Lessons of the quarter"), [sheet.title])), grid)
    _keep_text_as_text(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def journal_response(grid):
    """A download of the quarter's journal as XLSX."""
    filename = f"{grid.school_class.name} {grid.subject.name} {c.PERIOD_LABELS[grid.period]}.xlsx"
    response = Response(journal_workbook(grid), mimetype=XLSX_MIMETYPE)
    response.headers["Content-Disposition"] = content_disposition(filename)
    return response
