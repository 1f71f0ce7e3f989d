"""Jinja filters: dates in Europe/Moscow, names of audited actions."""

from flask_babel import format_date, format_datetime

from app.audit.actions import action_label
from app.markup import render_markdown


def register_filters(app):
    """Make the formatting helpers available in templates."""
    app.jinja_env.filters["datetime"] = lambda value, fmt="short": (
        format_datetime(value, fmt) if value else "—"
    )
    app.jinja_env.filters["action_label"] = action_label
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.filters["date"] = lambda value, fmt="dd.MM.yyyy": (
        format_date(value, fmt) if value else "—"
    )
