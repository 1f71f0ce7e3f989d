"""Marks, kinds of work, attendance codes, periods and the school settings' defaults of the sandbox."""

from datetime import date

from flask_babel import lazy_gettext as _l

# --- marks --------------------------------------------------------------------------------
SCALE_2_5 = "2-5"
SCALE_1_5 = "1-5"
SCALES = {SCALE_2_5: (2, 3, 4, 5), SCALE_1_5: (1, 2, 3, 4, 5)}
SCALE_LABELS = {SCALE_2_5: _l("2 to 5"), SCALE_1_5: _l("1 to 5")}

CLASSWORK = "classwork"
HOMEWORK = "homework"
TEST = "test"
CONTROL = "control"
WORK_KINDS = (CLASSWORK, HOMEWORK, TEST, CONTROL)
WORK_KIND_LABELS = {
    CLASSWORK: _l("Classwork"),
    HOMEWORK: _l("Homework"),
    TEST: _l("Test"),
    CONTROL: _l("Control work"),
}
DEFAULT_WEIGHTS = {CLASSWORK: 1, HOMEWORK: 1, TEST: 2, CONTROL: 3}

# --- attendance ---------------------------------------------------------------------------
ABSENT = "н"
ILL = "б"
EXCUSED = "п"
LATE = "о"
ATTENDANCE_CODES = (ABSENT, ILL, EXCUSED, LATE)
ATTENDANCE_LABELS = {
    ABSENT: _l("absent"),
    ILL: _l("ill"),
    EXCUSED: _l("excused"),
    LATE: _l("late"),
}
# Latin keys a keyboard may produce for the codes (a teacher forgot to switch the layout).
ATTENDANCE_ALIASES = {"y": ABSENT, ",": ILL, "g": EXCUSED, "j": LATE, "n": ABSENT, "b": ILL, "p": EXCUSED}

# --- school settings defaults -------------------------------------------------------------
DEFAULT_ROUNDING_THRESHOLD = 0.5  # 2.5 / 3.5 / 4.5 round up; some schools use 0.6 (4.6)
DEFAULT_EDIT_WINDOW_DAYS = 7
DEFAULT_MIN_MARKS = 3

# --- periods ------------------------------------------------------------------------------
# Dates the journal accepts in URLs and forms (a year-1 date would break the school-year arithmetic).
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)


def school_day_from(text):
    """A YYYY-MM-DD date within FIRST_DAY..LAST_DAY, or None."""
    try:
        day = date.fromisoformat(str(text or "").strip())
    except ValueError:
        return None
    return day if FIRST_DAY <= day <= LAST_DAY else None


Q1, Q2, Q3, Q4, YEAR = "q1", "q2", "q3", "q4", "year"
PERIODS = (Q1, Q2, Q3, Q4, YEAR)
PERIOD_LABELS = {Q1: _l("1st quarter"), Q2: _l("2nd quarter"), Q3: _l("3rd quarter"), Q4: _l("4th quarter"),
                 YEAR: _l("Year")}


def school_year_start(day):
    """The 1 September that opens the school year the day belongs to."""
    return date(day.year if day.month >= 9 else day.year - 1, 9, 1)


def period_bounds(period, year_start):
    """First and last day of a quarter (or of the year) of the school year starting on `year_start`."""
    y = year_start.year
    bounds = {
        Q1: (date(y, 9, 1), date(y, 10, 27)),
        Q2: (date(y, 11, 5), date(y, 12, 28)),
        Q3: (date(y + 1, 1, 9), date(y + 1, 3, 22)),
        Q4: (date(y + 1, 4, 1), date(y + 1, 5, 26)),
        YEAR: (date(y, 9, 1), date(y + 1, 5, 26)),
    }
    return bounds[period]


def period_of(day):
    """The quarter a school day falls in (None in the holidays)."""
    start = school_year_start(day)
    for period in (Q1, Q2, Q3, Q4):
        first, last = period_bounds(period, start)
        if first <= day <= last:
            return period
    return None
