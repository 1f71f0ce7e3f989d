"""Dates are stored in UTC and shown in Europe/Moscow."""

from datetime import date, datetime

from flask import render_template_string


def test_datetimes_are_shown_in_moscow_time(app):
    with app.test_request_context("/"):
        shown = render_template_string("{{ value|datetime }}", value=datetime(2026, 11, 28, 21, 30))
    assert "29.11.2026" in shown and "00:30" in shown


def test_dates_use_the_russian_format_and_missing_values_a_dash(app):
    with app.test_request_context("/"):
        assert render_template_string("{{ value|date }}", value=date(2010, 11, 8)) == "08.11.2010"
        assert render_template_string("{{ value|date }}", value=None) == "—"
