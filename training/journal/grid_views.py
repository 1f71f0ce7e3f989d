"""The class journal: the marks grid with fast keyboard entry, one lesson's marks, one mark, XLSX export."""

from flask import Blueprint, Response, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from markupsafe import Markup, escape

from app.errors import ServiceError, ValidationFailed
from app.formtools import attach_errors, form_status
from training.journal import averages, cells, grid, grid_cache, marks
from training.journal import constants as c
from training.journal import exports as journal_exports
from training.journal.grid_forms import MarkForm, lesson_marks_form

bp = Blueprint("journal_grid", __name__, url_prefix="/journal/classes", template_folder="templates")

JOURNAL_URL = "/<id:class_id>/<id:subject_id>"  # ids within the database integer range
SLOT_PROBE = ("1111-11-11", 1111)  # a lesson date and number no page has: marks their place in an address
TABLE_MARK = "<!--journal-grid-table-->"  # where the table goes; escaped text can never contain it


@bp.before_request
@login_required
def require_login():
    """Every journal page is for signed-in users."""


def _grid_url(class_id, subject_id, period=None):
    return url_for(".journal", class_id=class_id, subject_id=subject_id, period=period)


def _mark_html(mark):
    if mark.weight == 1 and not mark.comment and mark.value is not None:  # the usual mark
        return f'<span class="jg-m" data-mark="{mark.id}">{mark.value}</span>'
    css = "jg-m" + (" jg-heavy" if mark.weight > 1 else "") + (" jg-note" if mark.comment else "")
    title = f' title="{escape(mark.comment)}"' if mark.comment else ""
    value = grid.DEBT_SHOWN if mark.value is None else mark.value
    weight = f"<sup>{mark.weight}</sup>" if mark.weight > 1 else ""
    return f'<span class="{css}" data-mark="{mark.id}"{title}>{value}{weight}</span>'


def _cell_html(head, cell):
    # Keys, texts and codes are made of dates, digits, «д» and the known codes (grid.py drops any
    # other code): nothing to escape there; comments are the users' text and are escaped.
    if cell is grid.EMPTY:
        return f'{head}"></td>'
    marks = cell.marks
    inner = _mark_html(marks[0]) if len(marks) == 1 else "".join(map(_mark_html, marks))
    if cell.attendance:
        inner += f'<span class="jg-a">{cell.attendance}</span>'
    return f'{head}{cell.text}">{inner}</td>'


def cell_writer(columns):
    """cells_html(row): a pupil's cells as table markup (the same as grid.js draws after a save).

    Built here rather than in the template: a quarter holds 2,500 cells, and Jinja's attribute
    lookups for each of them cost more than the rest of the page together. Each column's part of
    a cell's opening tag is made once, not once per pupil.
    """
    starts = [f'<td class="jg-c{column.css}" data-key="{column.key}/' for column in columns]

    def cells_html(row):
        rest = f'{row.pupil.id}" data-value="'
        return Markup("".join([_cell_html(start + rest, cell)
                               for start, cell in zip(starts, row.cells, strict=True)]))

    return cells_html


def slot_url(endpoint, class_id, subject_id):
    """(head, tail) of a lesson slot's address, head + «2024-11-05/2» + tail: one url_for for all columns."""
    probe = f"{SLOT_PROBE[0]}/{SLOT_PROBE[1]}"
    head, tail = url_for(endpoint, class_id=class_id, subject_id=subject_id, day=SLOT_PROBE[0],
                         number=SLOT_PROBE[1]).split(probe)
    return head, tail


def _render_table(page):
    ids = page.school_class.id, page.subject.id
    return render_template("journal/_grid_table.html", grid=page, c=c, shown=averages.round_shown,
                           cells_html=cell_writer(page.columns), lesson_url=slot_url("journal.lesson", *ids),
                           marks_url=slot_url("journal_grid.lesson_marks", *ids))


def _table_html(frame):
    """The grid's head and rows as markup ("" when the quarter has no lessons of the subject)."""
    with grid.collector_paused():  # until the grid is dropped: its objects are freed, never scanned
        page = grid.fill_grid(frame)
        html = _render_table(page) if page.columns else ""
        del page
    return html


@bp.route(JOURNAL_URL)
def journal(class_id, subject_id):
    """The marks grid of a quarter: lessons by date, pupils, their marks, attendance and averages."""
    frame = grid.grid_frame(current_user, class_id, subject_id, request.args.get("period"))
    table = grid_cache.cached_table(frame, lambda: _table_html(frame))
    html = render_template("journal/grid.html", grid=frame, table=Markup(TABLE_MARK) if table else "", c=c,
                           quarters=grid.QUARTERS)
    if not table:
        return html
    # The page around the table is rendered afresh (its CSRF token is the session's); the table's
    # bytes go in as they are.
    head, tail = html.encode().split(TABLE_MARK.encode())
    return Response(b"".join((head, table, tail)), mimetype="text/html")


@bp.route(JOURNAL_URL + "/cells", methods=["POST"])
def save_cells(class_id, subject_id):
    """Save the cells typed in the grid (JSON); a result per cell and the touched pupils' new averages."""
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        return jsonify({"error": _("The request is not understood: reload the page.")}), 400
    try:
        results = cells.save_cells(current_user, class_id, subject_id, payload.get("cells"))
        pupil_ids = {result.key.rsplit("/", 1)[-1] for result in results if result.ok}
        summaries = grid.pupil_summaries(current_user, class_id, subject_id, payload.get("period"), pupil_ids)
    except ServiceError as error:
        message = error.message or _("The cells could not be saved: reload the page.")
        return jsonify({"error": message}), error.status_code
    body = {"cells": [result.as_json() for result in results],
            "averages": {str(pupil_id): summary.as_json() for pupil_id, summary in summaries.items()}}
    return jsonify(body), 200 if all(result.ok for result in results) else 422


def _day(text):
    day = cells.read_day(text)
    if day is None:
        abort(404)
    return day


def _lesson_form_page(page, form, status=200):
    return render_template("journal/lesson_marks.html", page=page, form=form, c=c), status


@bp.route(JOURNAL_URL + "/lessons/<day>/<int:number>/marks", methods=["GET", "POST"])
def lesson_marks(class_id, subject_id, day, number):
    """One lesson's marks and attendance for the whole class: a text field per pupil (works without JS)."""
    day = _day(day)
    page = marks.lesson_marks(current_user, class_id, subject_id, day, number)
    form = lesson_marks_form(page.pupils, page.cells, page.column.kind)
    if not form.validate_on_submit():
        return _lesson_form_page(page, form, form_status(form))
    try:
        results = cells.save_lesson_marks(current_user, class_id, subject_id, day, number,
                                          form.values(page.pupils), form.kind.data)
    except ValidationFailed as error:
        attach_errors(form, error)
        return _lesson_form_page(page, form, 422)
    failed = {pupil_id: result for pupil_id, result in results.items() if not result.ok}
    saved = len(results) - len(failed)
    if failed:
        for pupil_id, result in failed.items():
            form[f"pupil_{pupil_id}"].errors = [result.error]
        if saved:
            flash(ngettext("%(num)d cell is saved; correct the cells marked below.",
                           "%(num)d cells are saved; correct the cells marked below.", saved), "warning")
        return _lesson_form_page(page, form, 422)
    flash(ngettext("%(num)d cell is saved.", "%(num)d cells are saved.", saved) if saved
          else _("Nothing has changed."), "success")
    return redirect(_grid_url(class_id, subject_id, page.period))


def _mark_page(page, form, status=200):
    return render_template("journal/mark.html", page=page, form=form, c=c), status


@bp.route(JOURNAL_URL + "/marks/<id:mark_id>", methods=["GET", "POST"])
def mark(class_id, subject_id, mark_id):
    """One mark: kind of work, weight, comment and «долг» (work owed)."""
    page = marks.mark_page(current_user, class_id, subject_id, mark_id)
    current = page.mark
    form = MarkForm(value="" if current.value is None else str(current.value), kind=current.kind,
                    weight=str(current.weight), comment=current.comment, is_debt=current.is_debt)
    form.set_scale(c.SCALES[page.school.mark_scale])
    if not form.validate_on_submit():
        return _mark_page(page, form, form_status(form))
    try:
        marks.update_mark(current_user, class_id, subject_id, mark_id, form.value.data, form.kind.data,
                          form.weight.data, form.comment.data, form.is_debt.data)
    except ValidationFailed as error:
        attach_errors(form, error)
        return _mark_page(page, form, 422)
    except ServiceError as error:  # the lesson's edit window has passed
        flash(error.message, "danger")
        return _mark_page(page, form, error.status_code)
    flash(_("The mark is saved."), "success")
    return redirect(_grid_url(class_id, subject_id, page.period))


@bp.route(JOURNAL_URL + "/export.xlsx")
def export(class_id, subject_id):
    """The quarter's journal of the class in the subject as an Excel workbook."""
    page = grid.journal_grid(current_user, class_id, subject_id, request.args.get("period"))
    return journal_exports.journal_response(page)
