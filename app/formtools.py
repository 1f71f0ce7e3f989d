"""Helpers shared by form-handling views."""

from functools import cache

from babel import support
from flask import flash, request
from flask_babel import get_locale
from wtforms.i18n import messages_path


def attach_errors(form, error):
    """Show a service's ValidationFailed next to the form's fields (or as a flash message)."""
    shown = False
    for name, messages in error.field_errors.items():
        field = getattr(form, name, None)
        if field is not None:
            field.errors = list(messages)
            shown = True
    if error.message and not shown:
        flash(error.message, "danger")


def form_status(form):
    """HTTP status for re-rendering a form: 200 when first shown, 400 after a failed submit."""
    return 400 if form.is_submitted() else 200


class WtformsTranslations:
    """WTForms' own messages in the request's language, each catalog read from disk once per process.

    Flask-WTF reads the catalog anew for every request that shows a form; it looks for a ready one on
    `request.wtforms_translations`, which `share_wtforms_translations` puts there.
    """

    @staticmethod
    @cache
    def catalog(locale_name):
        """The parsed WTForms catalog of one language."""
        return support.Translations.load(messages_path(), [locale_name], domain="wtforms")

    def ugettext(self, string):
        """The message in the request's language."""
        return self.catalog(str(get_locale())).ugettext(string)

    def ungettext(self, singular, plural, n):
        """The plural message in the request's language."""
        return self.catalog(str(get_locale())).ungettext(singular, plural, n)


WTFORMS_TRANSLATIONS = WtformsTranslations()


def share_wtforms_translations():
    """before_request: hand Flask-WTF the per-process catalogs instead of a fresh read from disk."""
    request.wtforms_translations = WTFORMS_TRANSLATIONS
