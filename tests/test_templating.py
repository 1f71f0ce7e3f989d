"""Dates are stored in UTC and shown in Europe/Moscow."""

from datetime import date, datetime

import pytest
from flask import render_template_string
from flask_babel import force_locale


def test_datetimes_are_shown_in_moscow_time(app):
    with app.test_request_context("/"):
        shown = render_template_string("{{ value|datetime }}", value=datetime(2026, 11, 28, 21, 30))
    assert "29.11.2026" in shown and "00:30" in shown


def test_dates_use_the_russian_format_and_missing_values_a_dash(app):
    with app.test_request_context("/"):
        assert render_template_string("{{ value|date }}", value=date(2010, 11, 8)) == "08.11.2010"
        assert render_template_string("{{ value|date }}", value=None) == "—"


TRANSLATED = ('{{ _("Hotline") }}|{{ _("class %(name)s", name=name) }}|'
              '{% for n in (1, 3, 5) %}{{ ngettext("%(num)d pupil", "%(num)d pupils", n) }};{% endfor %}|'
              '{% trans %}Hotline{% endtrans %}')


@pytest.mark.parametrize(("locale", "expected"), [
    ("ru", "Горячая линия|класс 5&lt;б&gt;|1 ученик;3 ученика;5 учеников;|Горячая линия"),
    ("en", "Hotline|class 5&lt;б&gt;|1 pupil;3 pupils;5 pupils;|Hotline"),
])
def test_templates_translate_with_the_request_catalog_as_flask_babel_does(app, locale, expected):
    with app.test_request_context("/"), force_locale(locale):
        shown = render_template_string(TRANSLATED, name="5<б>")
        assert shown == expected
        processors = app.template_context_processors[None]
        ours = next(p for p in processors if p.__name__ == "request_translations")
        processors.remove(ours)
        try:
            assert render_template_string(TRANSLATED, name="5<б>") == shown  # Flask-Babel's own functions
        finally:
            processors.append(ours)
