"""What the downloads of a quarterly report and of the regional summary contain, section by section.

report_document(page) and summary_document(summary) turn the figures dicts into report_exports
Documents; the web downloads and `opora reports quarterly` both go through them, so they give the
same bytes.
"""

from datetime import date

from flask_babel import gettext as _

from app.rollout import constants as c
from app.rollout.report_exports import LONG_TEXT, TEXT, TEXTS, Column, Document, Section
from tickets import constants as ticket_constants


def _day(text):
    return date.fromisoformat(text) if text else None


def display_day(text):
    """An ISO date of a figures dict as dd.mm.yyyy («—» for none)."""
    return _day(text).strftime("%d.%m.%Y") if text else "—"


def figures_note(figures, is_live, status_label):
    """«Figures as of 20.12.2010 (preliminary). Status: …» for titles."""
    as_of = _day(figures["as_of"])
    note = _("Figures as of %(day)s", day=as_of.strftime("%d.%m.%Y") if as_of else "—")
    if is_live:
        note += " " + _("(preliminary)")
    return f"{note}. {_('Report status')}: {status_label}."


# --- one municipality's report ------------------------------------------------------------------


def _value_section(title, rows):
    return Section(title, title, [Column(_("Indicator"), TEXT, 60), Column(_("Value"), width=16)], rows)


def indicator_rows(figures):
    """(label, value) of the report's main figures, as the page and the «Figures» sheet show them."""
    schools = figures["schools"]
    return [
        (_("Schools in total"), schools["total"]),
        (_("Schools with a responsible person appointed (2.1)"), schools["appointed"]),
        (_("Schools activated on the e-journal platform (2.2)"), schools["activated"]),
        (_("Schools with the information space organized (2.3)"), schools["info_space"]),
        (_("Schools that started daily entry of marks (2.4)"), schools["daily_entry"]),
        (_("Responsible person of the education office appointed on"), _day(figures["office_appointed_on"])),
    ]


def training_rows(figures):
    """(label, value) of course completion and seminar attendance."""
    seminars = figures["seminars"]
    return [
        (_("School staff with accounts"), figures["staff"]),
        (_("Trained: finished the course"), figures["trained"]),
        (_("Trained of the staff, %"), figures["trained_share"]),
        (_("Seminar places taken in the quarter"), seminars["registered"]),
        (_("Were present at seminars"), seminars["attended"]),
        (_("Were partly present"), seminars["partial"]),
        (_("Did not come to seminars"), seminars["no_show"]),
    ]


def hotline_rows(figures):
    """(label, value) of the hotline's tickets of the quarter."""
    hotline = figures["hotline"]
    by_queue = [(str(ticket_constants.QUEUE_LABELS[key]), hotline["by_queue"].get(key, 0))
                for key in ticket_constants.QUEUES]
    return [
        *((_("Tickets: %(queue)s", queue=label), count) for label, count in by_queue),
        (_("Tickets in total"), hotline["total"]),
        (_("Still open"), hotline["open"]),
        (_("Resolved"), hotline["resolved"]),
        (_("Median resolution time, hours"), hotline["median_resolution_hours"]),
        (_("Ratings given"), hotline["rating_count"]),
        (_("Average rating (1–5)"), hotline["rating_average"]),
    ]


def _schools_section(figures):
    columns = [Column(_("Code"), TEXT, 12), Column(_("School"), TEXT, 44),
               *(Column(str(c.MILESTONE_SHORT_LABELS[key]), TEXT, 14) for key in c.MILESTONES),
               Column(_("Staff with accounts"), width=12), Column(_("Trained"), width=12)]
    rows = [[row["code"], row["name"], *(_day(row[f"{key}_on"]) for key in c.MILESTONES), row["staff"],
             row["trained"]] for row in figures["school_rows"]]
    done = [sum(1 for row in rows if row[2 + index]) for index in range(len(c.MILESTONES))]
    total = [_("Total"), "", *done, sum(row[-2] for row in rows), sum(row[-1] for row in rows)]
    return Section(_("Schools"), _("Schools: milestones done by the day"), columns, rows, total)


def _texts_section(page):
    rows = [[str(c.REPORT_SECTION_LABELS[section]), page.text(section)] for section in c.REPORT_SECTIONS]
    if page.report is not None and page.status == c.RETURNED:
        rows.append([_("Returned with the comment"), page.report.review_comment])
    columns = [Column(_("Section"), TEXT, 24), Column(_("Text"), LONG_TEXT, 100)]
    return Section(_("Problems and measures"), _("Problems, measures taken, proposals"), columns, rows,
                   layout=TEXTS)


def report_document(page):
    """A municipality's report (a reports.ReportPage) as a Document of five sections."""
    figures, status = page.figures, page.report.status_label if page.report else _("Not started")
    return Document(
        title=_("Report on the rollout of electronic journals: %(municipality)s, %(quarter)s",
                municipality=page.municipality.display_name, quarter=page.label),
        subtitle=figures_note(figures, page.is_live, status),
        running_head=f"{page.municipality.display_name} · {page.label}",
        as_of=_day(figures["as_of"]),
        sections=[
            _value_section(_("Figures"), indicator_rows(figures)),
            _schools_section(figures),
            _value_section(_("Training and seminars"), training_rows(figures)),
            _value_section(_("Hotline"), hotline_rows(figures)),
            _texts_section(page),
        ],
    )


# --- the regional summary -----------------------------------------------------------------------


def _sums(rows, first, total_label):
    """A total row: the label, blanks for the text columns, sums of the numbers from column `first`."""
    if not rows:
        return None
    sums = [sum(row[index] or 0 for row in rows) for index in range(first, len(rows[0]))]
    return [total_label, *([""] * (first - 1)), *sums]


def _summary_rollout(summary):
    columns = [Column(_("Municipality"), TEXT, 36), Column(_("Report status"), TEXT, 22),
               Column(_("Submitted"), TEXT, 12), Column(_("Figures"), TEXT, 16),
               Column(_("Schools"), width=10),
               *(Column(str(c.MILESTONE_SHORT_LABELS[key]), width=12) for key in c.MILESTONES)]
    rows = [[row.name, str(row.status_label), row.submitted_on,
             _("preliminary") if row.is_live else _("frozen"), row.figures["schools"]["total"],
             *(row.figures["schools"][key] for key in c.MILESTONES)] for row in summary.rows]
    return Section(_("Rollout"), _("Milestones of the schools (plan items 2.1–2.4)"), columns, rows,
                   _sums(rows, 4, _("Total")))


def _summary_training(summary):
    columns = [Column(_("Municipality"), TEXT, 36), Column(_("Staff with accounts"), width=12),
               Column(_("Trained"), width=12), Column(_("Trained of the staff, %"), width=12),
               Column(_("Seminar places taken"), width=12), Column(_("Were present"), width=12),
               Column(_("Were partly present"), width=12), Column(_("Did not come to seminars"), width=12)]
    rows = [[row.name, row.figures["staff"], row.figures["trained"], row.figures["trained_share"],
             *(row.figures["seminars"][key] for key in ("registered", "attended", "partial", "no_show"))]
            for row in summary.rows]
    total = _sums(rows, 1, _("Total"))
    if total is not None:
        total[3] = round(100 * total[2] / total[1], 1) if total[1] else None
    return Section(_("Training and seminars"), _("Course completion and seminar attendance"), columns, rows,
                   total)


def _summary_hotline(summary):
    columns = [Column(_("Municipality"), TEXT, 36),
               *(Column(str(ticket_constants.QUEUE_LABELS[key]), width=14)
                 for key in ticket_constants.QUEUES),
               Column(_("Tickets in total"), width=12), Column(_("Still open"), width=12),
               Column(_("Resolved"), width=12), Column(_("Median resolution time, hours"), width=14),
               Column(_("Ratings given"), width=12), Column(_("Average rating (1–5)"), width=12)]
    rows = []
    for row in summary.rows:
        hotline = row.figures["hotline"]
        rows.append([row.name, *(hotline["by_queue"].get(key, 0) for key in ticket_constants.QUEUES),
                     hotline["total"], hotline["open"], hotline["resolved"],
                     hotline["median_resolution_hours"], hotline["rating_count"], hotline["rating_average"]])
    total = _sums(rows, 1, _("Total"))
    if total is not None:
        total[-3] = None  # a median of medians would mislead
        weighted = sum((row[-1] or 0) * row[-2] for row in rows)
        total[-1] = round(weighted / total[-2], 2) if total[-2] else None
    return Section(_("Hotline"), _("Hotline tickets of the quarter"), columns, rows, total)


def _summary_texts(summary):
    columns = [Column(_("Municipality"), TEXT, 24), Column(_("Report status"), TEXT, 16),
               *(Column(str(c.REPORT_SECTION_LABELS[section]), LONG_TEXT, 48)
                 for section in c.REPORT_SECTIONS)]
    rows = [[row.name, str(row.status_label), *(row.text(section) for section in c.REPORT_SECTIONS)]
            for row in summary.rows if row.report is not None]
    return Section(_("Problems and measures"), _("Problems, measures taken, proposals"), columns, rows,
                   layout=TEXTS)


def summary_document(summary):
    """The regional summary of a quarter (a reports.Summary) as a Document, a row per municipality."""
    as_of = summary.as_of.strftime("%d.%m.%Y")
    return Document(
        title=_("Summary of the quarterly reports on the rollout, %(quarter)s", quarter=summary.label),
        subtitle=_("Figures as of %(day)s; «preliminary» marks figures of reports not yet submitted.",
                   day=as_of),
        running_head=summary.label,
        as_of=summary.as_of,
        sections=[_summary_rollout(summary), _summary_training(summary), _summary_hotline(summary),
                  _summary_texts(summary)],
    )
