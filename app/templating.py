"""Jinja filters: dates in Europe/Moscow, time spans, names of audited actions."""

from flask_babel import format_date, format_datetime

from app.audit.actions import action_label
from app.formatting import duration, short_datetime
from app.markup import render_markdown


def register_filters(app):
    """Make the formatting helpers available in templates."""
    app.jinja_env.filters["datetime"] = lambda value, fmt="short": (
        short_datetime(value) if fmt == "short" else format_datetime(value, fmt) if value else "—"
    )
    app.jinja_env.filters["duration"] = duration
    app.jinja_env.filters["action_label"] = action_label
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.filters["date"] = lambda value, fmt="dd.MM.yyyy": (
        format_date(value, fmt) if value else "—"
    )
