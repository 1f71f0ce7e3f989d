"""Charts drawn on the server as inline SVG: no scripts, no external fonts, no style attributes.

Every piece of text is escaped here, so a page may embed the result with |safe. Colours and
fonts are SVG presentation attributes (fill="…"), which the Content-Security-Policy allows.
"""

import math

from markupsafe import Markup, escape

PALETTE = ("#1f4e79", "#d9822b", "#2e8b57", "#8e44ad", "#c0392b", "#16a085", "#7f8c8d")
FONT = 'font-family="system-ui, -apple-system, Segoe UI, Roboto, Arial, sans-serif"'
WIDTH = 720
TITLE_HEIGHT = 28
BAR_ROW, BAR_THICKNESS = 26, 18
CHAR_WIDTH = 7.8  # width of a 12px Cyrillic character (capitals are wide: «МБОУ»), to size the labels
LABEL_MAX_CHARS = 40
LINE_HEIGHT, PLOT_TOP, PLOT_BOTTOM, PLOT_LEFT, PLOT_RIGHT = 300, 56, 40, 48, 24
GRID_LINES = 4


def format_number(value):
    """A value as a chart shows it: whole numbers plainly, others with one decimal."""
    if value is None:
        return "—"
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", "\u202f")
    return f"{value:.1f}"


def _text(value):
    return escape(str(value))


def _shorten(label, limit=LABEL_MAX_CHARS):
    label = str(label)
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _svg(width, height, title, body, show_title):
    # Natural size on wide screens, shrunk to fit narrow ones (mw-100 h-auto: Bootstrap classes).
    caption = (f'<text x="0" y="18" font-size="14" font-weight="bold" fill="#212529">{_text(title)}</text>'
               if show_title else "")
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" class="chart mw-100 h-auto" role="img" aria-label="{_text(title)}" {FONT} '
        f'font-size="12"><title>{_text(title)}</title>{caption}{"".join(body)}</svg>'
    )


def nice_step(value):
    """The smallest of 1, 2, 5 × 10ⁿ at or above the value (1 for zero or less)."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 2, 5, 10) if step * power >= value)


def bar_chart(labels, values, title, unit="", color=PALETTE[0], value_format=format_number, width=WIDTH,
              show_title=True):
    """Horizontal bars, one row per label, with a tooltip (<title>) on each bar."""
    labels, values = [str(label) for label in labels], [value or 0 for value in values]
    label_width = min(max((len(_shorten(label)) for label in labels), default=4), LABEL_MAX_CHARS)
    left = int(label_width * CHAR_WIDTH) + 12
    plot = width - left - 70
    top = TITLE_HEIGHT + 6 if show_title else 4
    height = top + max(len(labels), 1) * BAR_ROW + 8
    peak = max(values, default=0) or 1
    suffix = f" {unit}" if unit else ""
    body = []
    for row, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = top + row * BAR_ROW
        length = round(plot * value / peak, 1)
        shown = f"{value_format(value)}{suffix}"
        body.append(
            f"<g><title>{_text(label)}: {_text(shown)}</title>"
            f'<text x="{left - 8}" y="{y + 13}" text-anchor="end" fill="#212529">'
            f"{_text(_shorten(label))}</text>"
            f'<rect x="{left}" y="{y}" width="{max(length, 1)}" height="{BAR_THICKNESS}" rx="2" '
            f'fill="{color}"/><text x="{left + length + 6}" y="{y + 13}" fill="#495057">'
            f"{_text(shown)}</text></g>"
        )
    if not labels:
        body.append(f'<text x="0" y="{top + 14}" fill="#6c757d">—</text>')
    return _svg(width, height, title, body, show_title)


def _grid(peak, plot_height, plot_width, value_format):
    lines = []
    for step in range(GRID_LINES + 1):
        value = peak * step / GRID_LINES
        y = round(PLOT_TOP + plot_height - plot_height * step / GRID_LINES, 1)
        lines.append(
            f'<line x1="{PLOT_LEFT}" y1="{y}" x2="{PLOT_LEFT + plot_width}" y2="{y}" stroke="#dee2e6"/>'
            f'<text x="{PLOT_LEFT - 6}" y="{y + 4}" text-anchor="end" fill="#6c757d">'
            f"{_text(value_format(value))}</text>"
        )
    return lines


def _x_labels(labels, x_of, plot_bottom):
    every = max(1, math.ceil(len(labels) / 12))  # at most about a dozen labels fit under the axis
    return [
        f'<text x="{x_of(index)}" y="{plot_bottom + 18}" text-anchor="middle" fill="#495057">'
        f"{_text(label)}</text>"
        for index, label in enumerate(labels) if index % every == 0 or index == len(labels) - 1
    ]


def _legend(series, top):
    items, x = [], 0
    for index, (name, _values) in enumerate(series):
        color = PALETTE[index % len(PALETTE)]
        items.append(f'<rect x="{x}" y="{top}" width="12" height="12" fill="{color}"/>'
                     f'<text x="{x + 16}" y="{top + 10}" fill="#212529">{_text(name)}</text>')
        x += 28 + int(len(str(name)) * CHAR_WIDTH)
    return items


def _line(name, values, labels, x_of, y_of, color, value_format):
    points = " ".join(f"{x_of(i)},{y_of(v or 0)}" for i, v in enumerate(values))
    dots = "".join(
        f'<circle cx="{x_of(i)}" cy="{y_of(v or 0)}" r="4" fill="{color}">'
        f"<title>{_text(labels[i])} · {_text(name)}: {_text(value_format(v))}</title></circle>"
        for i, v in enumerate(values)
    )
    return f'<g><polyline points="{points}" fill="none" stroke="{color}" stroke-width="2"/>{dots}</g>'


def line_chart(labels, series, title="", value_format=format_number, show_title=True):
    """Lines over shared x labels; series is a sequence of (name, values); each point has a tooltip."""
    labels, series = [str(label) for label in labels], [(str(n), list(v)) for n, v in series]
    plot_width = WIDTH - PLOT_LEFT - PLOT_RIGHT
    plot_height = LINE_HEIGHT - PLOT_TOP - PLOT_BOTTOM
    highest = max((v or 0 for _n, values in series for v in values), default=0)
    peak = nice_step(highest / GRID_LINES) * GRID_LINES  # grid lines at round values
    gap = plot_width / max(len(labels) - 1, 1)

    def x_of(index):
        return round(PLOT_LEFT + (gap * index if len(labels) > 1 else plot_width / 2), 1)

    def y_of(value):
        return round(PLOT_TOP + plot_height - plot_height * value / peak, 1)

    body = _grid(peak, plot_height, plot_width, value_format) + _legend(series, TITLE_HEIGHT + 4)
    body += _x_labels(labels, x_of, PLOT_TOP + plot_height)
    for index, (name, values) in enumerate(series):
        color = PALETTE[index % len(PALETTE)]
        body.append(_line(name, values, labels, x_of, y_of, color, value_format))
    if show_title:
        return _svg(WIDTH, LINE_HEIGHT, title, body, show_title)
    # Without the caption, move everything up into the room it leaves.
    shifted = [f'<g transform="translate(0 -{TITLE_HEIGHT})">', *body, "</g>"]
    return _svg(WIDTH, LINE_HEIGHT - TITLE_HEIGHT, title, shifted, show_title)
