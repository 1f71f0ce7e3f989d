"""The figures of a quarterly report (plan item 2.6), computed from the data as plain JSON-able dicts.

The same dict is shown live while a report is prepared and frozen into QuarterlyReport.figures at
submission. The regional summary computes every municipality at once with a fixed number of
statements (one progress read, one completion, one attendance and one hotline breakdown), then
splits the rows by municipality in Python.
"""

from datetime import date

from app.directory import kinds
from app.rollout import clock
from app.rollout import constants as c
from app.rollout.milestones import progress_rows
from tickets import municipal_stats
from training import reports as training

# Figures counted per school (milestones done by the «as of» day).
SCHOOL_COUNTS = ("appointed", "activated", "info_space", "daily_entry")
SEMINAR_COUNTS = ("registered", "attended", "partial", "no_show")


def as_of_day(year, quarter):
    """The day the figures describe: the quarter's last day, or today while the quarter runs."""
    _start, end = c.quarter_bounds(year, quarter)
    return min(end, clock.today())


def _iso(day):
    return day.isoformat() if day else None


def _empty(municipality_id, name, year, quarter, as_of):
    start, end = c.quarter_bounds(year, quarter)
    return {
        "municipality_id": municipality_id, "municipality": name, "year": year, "quarter": quarter,
        "start": _iso(start), "end": _iso(end), "as_of": _iso(as_of), "office_appointed_on": None,
        "schools": dict.fromkeys(("total", *SCHOOL_COUNTS), 0),
        "staff": 0, "trained": 0, "trained_share": None,
        "seminars": dict.fromkeys(SEMINAR_COUNTS, 0),
        "hotline": _hotline(municipal_stats.HotlineFigures()),
        "school_rows": [],
    }


def _hotline(figures):
    return {
        "by_queue": dict(figures.by_queue), "total": figures.total, "open": figures.open,
        "resolved": figures.resolved, "median_resolution_hours": figures.median_resolution_hours,
        "rating_count": figures.rating_count, "rating_average": figures.rating_average,
    }


def _add_progress(result, rows):
    """Milestone counts and the per-school table from progress rows (offices give their own appointment)."""
    for row in rows:
        figures = result.get(row.municipality_id)
        if figures is None:
            continue
        if row.kind != kinds.SCHOOL:
            figures["municipality"] = row.name
            figures["office_appointed_on"] = _iso(row.done_on(c.APPOINTED))
            continue
        figures["schools"]["total"] += 1
        for key in SCHOOL_COUNTS:
            figures["schools"][key] += row.is_done(key)
        figures["school_rows"].append({
            "id": row.id, "code": row.code, "name": row.name,
            **{f"{key}_on": _iso(row.done_on(key)) for key in SCHOOL_COUNTS},
            "staff": 0, "trained": 0,
        })


def _add_completion(result, completion, municipality_of):
    """Staff with accounts and those who finished a course by the day, per school and in total."""
    by_school = {row.organization_id: row for row in completion}
    for figures in result.values():
        for school in figures["school_rows"]:
            row = by_school.get(school["id"])
            if row is not None:
                school["staff"], school["trained"] = row.staff, row.finished
    for row in completion:
        figures = result.get(municipality_of.get(row.organization_id))
        if figures is not None:
            figures["staff"] += row.staff
            figures["trained"] += row.finished
    for figures in result.values():
        staff = figures["staff"]
        figures["trained_share"] = round(100 * figures["trained"] / staff, 1) if staff else None


def _add_attendance(result, attendance, municipality_of):
    for row in attendance:
        figures = result.get(municipality_of.get(row.organization_id, row.organization_id))
        if figures is not None:
            for key in SEMINAR_COUNTS:
                figures["seminars"][key] += getattr(row, key)


def _compute(year, quarter, municipality_id=None):
    """{municipality id: figures} of one municipality or of the whole region; a fixed statement count."""
    start, end = c.quarter_bounds(year, quarter)
    as_of = as_of_day(year, quarter)
    rows = progress_rows(as_of, municipality_id=municipality_id)
    result = {row.id: _empty(row.id, row.name, year, quarter, as_of)
              for row in rows if row.kind == kinds.MUNICIPALITY}
    _add_progress(result, rows)
    municipality_of = {row.id: row.municipality_id for row in rows}
    completion = training.completion_by_organization(
        group_by=training.SCHOOL, municipality_id=municipality_id, period=training.Period(None, as_of))
    _add_completion(result, completion, municipality_of)
    if municipality_id is None:
        attendance = training.attendance_by_organization(
            group_by=training.MUNICIPALITY, period=training.Period(start, end), offices=True)
    else:
        attendance = training.attendance_by_organization(
            group_by=training.SCHOOL, municipality_id=municipality_id, period=training.Period(start, end),
            offices=True)
    _add_attendance(result, attendance, municipality_of)
    hotline = municipal_stats.hotline_by_municipality(start, end, municipality_id)
    for muni_id, figures in result.items():
        if muni_id in hotline.by_municipality:
            figures["hotline"] = _hotline(hotline.by_municipality[muni_id])
    return result


def municipality_figures(municipality_id, year, quarter):
    """The figures of one municipality for a quarter (empty counts if it has no schools)."""
    return _compute(year, quarter, municipality_id).get(municipality_id) or _empty(
        municipality_id, "", year, quarter, as_of_day(year, quarter))


def all_municipality_figures(year, quarter):
    """{municipality id: figures} of every municipality of the region for a quarter."""
    return _compute(year, quarter)


def figures_date(figures):
    """The «as of» day of a figures dict."""
    return date.fromisoformat(figures["as_of"]) if figures and figures.get("as_of") else None


def key_figures(figures):
    """The summary's columns of one municipality, in SUMMARY_COLUMNS order."""
    schools, seminars, hotline = figures["schools"], figures["seminars"], figures["hotline"]
    return [schools["total"], schools["appointed"], schools["activated"], schools["info_space"],
            schools["daily_entry"], figures["staff"], figures["trained"], figures["trained_share"],
            seminars["registered"], seminars["attended"], hotline["total"],
            hotline["median_resolution_hours"], hotline["rating_average"]]


def total_figures(all_figures):
    """Totals of the summary's columns: sums, the share from the sums, a weighted rating, no median."""
    rows = list(all_figures)
    if not rows:
        return None
    columns = [key_figures(figures) for figures in rows]
    sums = [sum(values[index] or 0 for values in columns) for index in range(len(columns[0]))]
    staff, trained = sums[5], sums[6]
    sums[7] = round(100 * trained / staff, 1) if staff else None
    sums[11] = None  # a median of medians would mislead
    rated = sum(figures["hotline"]["rating_count"] for figures in rows)
    weighted = sum((figures["hotline"]["rating_average"] or 0) * figures["hotline"]["rating_count"]
                   for figures in rows)
    sums[12] = round(weighted / rated, 2) if rated else None
    return sums
