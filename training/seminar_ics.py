"""An iCalendar file (RFC 5545) with one event, to add a seminar to a calendar.

Written by hand, it is short: CRLF line ends, TEXT values escaped, lines folded at 75 octets
without splitting a UTF-8 character, times in UTC. UID stays the same for a seminar and SEQUENCE
grows with every change of its time, place or status, so calendars update the event they have.
"""

import re
from urllib.parse import urlsplit

from flask_babel import gettext as _

from app.timeutil import utcnow

PRODID = "-//Opora//Seminars//RU"
LINE_OCTETS = 75
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # not allowed in TEXT (tab and line breaks are kept)


def escape_text(value):
    """A TEXT value: \\ ; , escaped, line breaks as \\n, control characters dropped."""
    text = CONTROL.sub("", str(value or "").replace("\r\n", "\n").replace("\r", "\n"))
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\n", "\\n")


def fold(line):
    """The content line folded into pieces of at most 75 octets, joined by CRLF and a space."""
    pieces, current, size = [], [], 0
    for char in line:
        octets = len(char.encode("utf-8"))
        limit = LINE_OCTETS if not pieces else LINE_OCTETS - 1  # continuation lines start with a space
        if size + octets > limit:
            pieces.append("".join(current))
            current, size = [], 0
        current.append(char)
        size += octets
    pieces.append("".join(current))
    return "\r\n ".join(pieces)


def _utc(moment):
    return moment.strftime("%Y%m%dT%H%M%SZ")


def _uri(value):
    """A URI value: no escaping, but nothing that could break the line."""
    return re.sub(r"[\s\x00-\x1f\x7f]", "", value)


def event_lines(seminar, page_url, now):
    """The VEVENT's content lines (unfolded)."""
    description = seminar.description.strip()
    if seminar.online_url:
        description += "\n\n" + _("Online: %(url)s", url=seminar.online_url)
    description += "\n\n" + _("Seminar page: %(url)s", url=page_url)
    lines = [
        "BEGIN:VEVENT",
        f"UID:seminar-{seminar.id}@{urlsplit(page_url).hostname or 'opora'}",
        f"DTSTAMP:{_utc(now)}",
        f"DTSTART:{_utc(seminar.starts_at)}",
        f"DTEND:{_utc(seminar.ends_at)}",
        f"SEQUENCE:{seminar.sequence}",
        f"STATUS:{'CANCELLED' if seminar.is_cancelled else 'CONFIRMED'}",
        f"SUMMARY:{escape_text(seminar.title)}",
        f"LOCATION:{escape_text(seminar.place or seminar.online_url)}",
        f"URL:{_uri(seminar.online_url or page_url)}",
        f"DESCRIPTION:{escape_text(description.strip())}",
        "END:VEVENT",
    ]
    return lines


def calendar_bytes(seminar, page_url, now=None):
    """The whole .ics file for the seminar, UTF-8."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
             *event_lines(seminar, page_url, now or utcnow()), "END:VCALENDAR"]
    return "".join(fold(line) + "\r\n" for line in lines).encode("utf-8")
