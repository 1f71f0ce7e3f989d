"""Jinja filters: dates in Europe/Moscow, time spans, names of audited actions; the templates' gettext."""

from flask_babel import format_date, format_datetime, get_translations
from jinja2 import pass_context
from markupsafe import Markup

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


def _template_gettext(translate):
    """Jinja's «newstyle» gettext over a catalog's own method: the text is always a %-format (with the
    keyword arguments), and Markup when the template autoescapes."""

    @pass_context
    def gettext(context, string, **variables):
        text = translate(string)
        return (Markup(text) if context.eval_ctx.autoescape else text) % variables

    return gettext


def _template_ngettext(translate):
    """The plural form, as _template_gettext; `num` is available to the text as %(num)d."""

    @pass_context
    def ngettext(context, singular, plural, num, **variables):
        variables.setdefault("num", num)
        text = translate(singular, plural, num)
        return (Markup(text) if context.eval_ctx.autoescape else text) % variables

    return ngettext


def register_request_translations(app):
    """Give each rendered template gettext and ngettext bound to the current catalog.

    Flask-Babel's template functions look the catalog up again for every string (three context
    lookups each; a ticket page has some 350 strings). Templates imported without context (macros) keep
    Flask-Babel's own, which give the same texts.
    """

    @app.context_processor
    def request_translations():
        translations = get_translations()
        return {"gettext": _template_gettext(translations.ugettext),
                "ngettext": _template_ngettext(translations.ungettext)}
