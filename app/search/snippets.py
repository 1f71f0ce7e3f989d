"""Plain text from Markdown, and highlighted snippets: text HTML-escaped, then matches in <mark>."""

import re
from collections import Counter

from markupsafe import Markup, escape

from app.search.analyzer import matching_spans

SNIPPET_LENGTH = 240
LEAD = 50  # context shown before the first match of the passage
MAX_SCAN = 30_000  # characters of a long text searched for the passage
MAX_MATCHES = 100

_MARKDOWN_RULES = (
    (re.compile(r"^\s*(```|~~~).*$", re.M), " "),  # code fences (the code itself stays)
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),  # images → alt text
    (re.compile(r"\[([^\]]*)\]\([^)]*\)"), r"\1"),  # links → their text
    (re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), r"\1"),  # reference links
    (re.compile(r"^\s*\[[^\]]+\]:\s*\S+.*$", re.M), " "),  # link definitions
    (re.compile(r"^\s{0,3}#{1,6}\s*", re.M), ""),  # headings
    (re.compile(r"^\s{0,3}>\s?", re.M), ""),  # quotes
    (re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+", re.M), ""),  # list markers
    (re.compile(r"^\s*(?:[-*_]\s*){3,}$", re.M), " "),  # rules
    (re.compile(r"\*\*|__|~~|[*`|]"), ""),  # emphasis, code spans, table pipes
    (re.compile(r"\s+"), " "),
)


def plain_text(markdown_text):
    """Markdown reduced to its readable text on one line (raw HTML stays as text: it is escaped later)."""
    text = markdown_text or ""
    for pattern, replacement in _MARKDOWN_RULES:
        text = pattern.sub(replacement, text)
    return text.strip()


def find_matches(text, terms):
    """(start, end, matched terms) of the words of text whose lemmas are among terms."""
    matches = []
    for match in matching_spans(text[:MAX_SCAN], terms):
        matches.append(match)
        if len(matches) >= MAX_MATCHES:
            break
    return matches


def _best_window(matches):
    """Index of the match that starts the passage with the most distinct (then most) matched terms."""
    best, best_key = 0, (0, 0)
    counts = Counter()
    last = 0  # the window is matches[first:last]
    for first, (start, _end, _terms) in enumerate(matches):
        limit = start + SNIPPET_LENGTH - LEAD
        while last <= first or (last < len(matches) and matches[last][1] <= limit):
            counts.update(matches[last][2])
            last += 1
        key = (len(counts), last - first)
        if key > best_key:
            best, best_key = first, key
        counts.subtract(matches[first][2])
        counts = +counts  # drop the terms no longer inside
    return best


def _bounds(text, match_start):
    start = max(0, match_start - LEAD)
    if start > 0:
        space = text.find(" ", start, match_start)
        start = space + 1 if space >= 0 else match_start
    end = min(len(text), start + SNIPPET_LENGTH)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > match_start else end
    return start, end


def _render(text, start, end, matches):
    pieces = ["…"] if start > 0 else []
    position = start
    for match_start, match_end, _terms in matches:
        if match_start < start or match_end > end:
            continue
        pieces.append(str(escape(text[position:match_start])))
        pieces.append("<mark>" + str(escape(text[match_start:match_end])) + "</mark>")
        position = match_end
    pieces.append(str(escape(text[position:end])))
    if end < len(text):
        pieces.append("…")
    return Markup("".join(pieces))


def make_snippet(body, summary, terms):
    """The best passage of the body (or the summary) with matched word forms in <mark>, as safe HTML."""
    for text in (body or "", summary or ""):
        matches = find_matches(text, terms) if terms else []
        if matches:
            start, end = _bounds(text, matches[_best_window(matches)][0])
            return _render(text, start, end, matches)
    text = summary or body or ""
    start, end = _bounds(text, 0)
    return _render(text, start, end, [])
