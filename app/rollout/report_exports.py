"""A quarterly report and the regional summary as printable XLSX workbooks and PDF documents.

Both formats are written from the same Document (titled sections of columns and rows), so the sheet
of a workbook and the table of the PDF always hold the same figures. Sections are built in
report_sections.py; here they are only laid out.
"""

import io
import zipfile
from copy import copy
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from flask_babel import format_decimal
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.xml.constants import ARC_CORE
from openpyxl.xml.functions import tostring

from app import exports, pdf

TEXT, NUMBER, LONG_TEXT = "text", "number", "long_text"
TABLE, TEXTS = "table", "texts"
HEADER_ROW = 4  # title, subtitle, an empty line, then the header (repeated on every printed page)
THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
FORMATS = {int: "#,##0", float: "#,##0.0#", date: "DD.MM.YYYY", datetime: "DD.MM.YYYY HH:MM"}
PDF_MARGIN = 12


@dataclass
class Column:
    """A column: its title, kind (text, number, long text) and width in characters."""

    label: str
    kind: str = NUMBER
    width: int = 12


@dataclass
class Section:
    """One sheet of the workbook and one part of the PDF: a table, or texts under headings."""

    title: str
    heading: str
    columns: list
    rows: list
    total: list | None = None
    layout: str = TABLE


@dataclass
class Document:
    """What is exported: a title, a line saying «as of» and status, and the sections."""

    title: str
    subtitle: str
    running_head: str
    sections: list = field(default_factory=list)
    # The figures' «as of» day: the files' inner timestamps, so the same data gives the same bytes.
    as_of: date | None = None

    @property
    def stamp(self):
        """Midnight of the «as of» day (UTC), or 1 January 2010 without one."""
        day = self.as_of or date(2010, 1, 1)
        return datetime(day.year, day.month, day.day)


def display(value):
    """A value as text, the Russian way: decimal comma, dd.mm.yyyy, «—» for nothing."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime):
        return value.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, int):
        return format_decimal(value, format="#,##0")
    if isinstance(value, float):
        return format_decimal(value, format="#,##0.0#")
    return str(value)


# --- XLSX ---------------------------------------------------------------------------------------


def _cell_value(value):
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    if value is None or isinstance(value, int | float | date):
        return value
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))


def _style_cell(cell, column, styles, bold=False, fill=None):
    if cell.data_type == "f":  # user text starting with «=» stays text, never a formula
        cell.data_type = "s"
    # Setting a style hashes it into the workbook's tables, per cell; a style met before is copied
    # whole instead (openpyxl's own worksheet copier does the same with _style).
    key = (type(cell.value), column.kind, bold, fill)
    if key in styles:
        cell._style = copy(styles[key])
        return
    cell.border = BORDER
    cell.number_format = FORMATS.get(type(cell.value), "General")
    horizontal = "right" if column.kind == NUMBER and not isinstance(cell.value, str) else "left"
    cell.alignment = Alignment(wrap_text=column.kind != NUMBER, vertical="top", horizontal=horizontal)
    if bold:
        cell.font = Font(bold=True)
    if fill is not None:
        cell.fill = fill
    styles[key] = copy(cell._style)


def _page_setup(sheet, document, columns):
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.page_setup.orientation = "landscape" if len(columns) > 3 else "portrait"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.gridLines = False
    sheet.oddHeader.center.text = document.running_head
    sheet.oddFooter.left.text = _("Opora")
    sheet.oddFooter.right.text = _("Page &P of &N")
    sheet.freeze_panes = sheet.cell(row=HEADER_ROW + 1, column=2).coordinate


def _write_section(sheet, document, section, styles):
    sheet.append([_cell_value(document.title)])
    sheet.append([_cell_value(f"{section.heading}. {document.subtitle}")])
    sheet.append([])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A2"].font = Font(italic=True)
    sheet.append([column.label for column in section.columns])
    for cell, column in zip(sheet[HEADER_ROW], section.columns, strict=True):
        _style_cell(cell, column, styles, bold=True, fill=HEADER_FILL)
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    rows = [(row, False) for row in section.rows]
    if section.total is not None:
        rows.append((section.total, True))
    for values, is_total in rows:
        sheet.append([_cell_value(value) for value in values])
        for cell, column in zip(sheet[sheet.max_row], section.columns, strict=True):
            _style_cell(cell, column, styles, bold=is_total, fill=TOTAL_FILL if is_total else None)
    for index, column in enumerate(section.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    _page_setup(sheet, document, section.columns)


def xlsx_bytes(document):
    """The document as a workbook, one sheet per section, ready to print."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    taken, styles = [], {}
    for section in document.sections:
        taken.append(exports.sheet_title(section.title, taken))
        _write_section(workbook.create_sheet(taken[-1]), document, section, styles)
    workbook.properties.title = document.title
    workbook.properties.creator = _("Opora")
    workbook.properties.created = workbook.properties.modified = document.stamp
    buffer = io.BytesIO()
    workbook.save(buffer)
    # save() stamps the core properties with «now»; the file's time is the figures' time.
    workbook.properties.modified = document.stamp
    core = tostring(workbook.properties.to_tree())
    return _stable_zip(buffer.getvalue(), document.stamp, {ARC_CORE: core})


def _stable_zip(data, stamp, replaced):
    """The archive rewritten with a fixed time on every member (zipfile stamps them with «now»)."""
    source, target = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for member in source.infolist():
            info = zipfile.ZipInfo(member.filename, date_time=stamp.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, replaced.get(member.filename) or source.read(member.filename))
    return target.getvalue()


# --- PDF ----------------------------------------------------------------------------------------


def _pdf_table(document, section):
    widths = [column.width for column in section.columns]
    align = ["RIGHT" if column.kind == NUMBER else "LEFT" for column in section.columns]
    rows = [*section.rows, *([section.total] if section.total is not None else [])]
    with document.table(col_widths=widths, text_align=align, line_height=document.font_size * 1.5,
                        headings_style=pdf.font_face(emphasis="BOLD", fill_color=(217, 225, 242))) as table:
        header = table.row()
        for column in section.columns:
            header.cell(column.label, align="CENTER")
        last = len(rows) - 1 if section.total is not None else None
        for index, values in enumerate(rows):
            style = pdf.font_face(emphasis="BOLD") if index == last else None
            row = table.row()
            for value in values:
                row.cell(display(value), style=style)


def _pdf_texts(document, section):
    """Long texts under headings: a table row taller than a page cannot be printed."""
    heading_columns = [column for column in section.columns if column.kind != LONG_TEXT]
    for values in section.rows:
        pairs = list(zip(section.columns, values, strict=True))
        document.set_font(pdf.FONT, "B", 10)
        title = " — ".join(display(value) for column, value in pairs if column in heading_columns)
        document.multi_cell(0, 6, title, new_x="LMARGIN", new_y="NEXT")
        for column, value in pairs:
            if column.kind == LONG_TEXT:
                document.set_font(pdf.FONT, "B", 9)
                document.multi_cell(0, 5, column.label, new_x="LMARGIN", new_y="NEXT")
                document.set_font(pdf.FONT, "", 9)
                document.multi_cell(0, 5, str(value).strip() or "—", new_x="LMARGIN", new_y="NEXT")
        document.ln(3)


def pdf_bytes(document):
    """The document as a landscape A4 PDF in Russian: a heading and a table (or texts) per section."""
    out = pdf.new_document("landscape", title=document.title, author=_("Opora"))
    out.set_creation_date(document.stamp.replace(tzinfo=UTC))
    out.set_margins(PDF_MARGIN, PDF_MARGIN, PDF_MARGIN)
    out.set_auto_page_break(True, margin=PDF_MARGIN + 4)
    running_head = document.running_head

    def footer():
        out.set_y(-PDF_MARGIN)
        out.set_font(pdf.FONT, "", 8)
        page = _("Page %(number)s", number=out.page_no())
        out.cell(0, 5, f"{running_head} · {page}", align="R")

    out.footer = footer
    out.add_page()
    out.set_font(pdf.FONT, "B", 14)
    out.multi_cell(0, 8, document.title, new_x="LMARGIN", new_y="NEXT")
    out.set_font(pdf.FONT, "", 10)
    out.multi_cell(0, 6, document.subtitle, new_x="LMARGIN", new_y="NEXT")
    for section in document.sections:
        out.ln(4)
        out.set_font(pdf.FONT, "B", 12)
        out.multi_cell(0, 7, section.heading, new_x="LMARGIN", new_y="NEXT")
        out.set_font(pdf.FONT, "", 9)
        (_pdf_texts if section.layout == TEXTS else _pdf_table)(out, section)
    return pdf.to_bytes(out)


def filename(document, extension):
    """A Russian download name from the title (characters file systems refuse are dropped)."""
    stem = "".join(char for char in document.title if char not in '\\/:*?"<>|«»').strip()
    return f"{stem}.{extension}"
