"""Jinja filters: dates in Europe/Moscow, Russian plural-aware numbers."""

from flask_babel import format_date, format_datetime


def register_filters(app):
    """Make the formatting helpers available in templates."""
    app.jinja_env.filters["datetime"] = lambda value, fmt="short": (
        format_datetime(value, fmt) if value else "—"
    )
    app.jinja_env.filters["date"] = lambda value, fmt="dd.MM.yyyy": (
        format_date(value, fmt) if value else "—"
    )
