"""WTForms' own messages follow the request's language, read from disk once per process."""

from flask import request
from flask_babel import refresh
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired

from app.formtools import WTFORMS_TRANSLATIONS, WtformsTranslations


class NameForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired()])


def _required_message(app, cookie):
    headers = {"Cookie": f"opora_lang={cookie}"} if cookie else {}
    with app.test_request_context("/", method="POST", data={}, headers=headers):
        refresh()  # the locale is kept on the app context, which the fixture shares between requests
        app.preprocess_request()
        assert request.wtforms_translations is WTFORMS_TRANSLATIONS
        form = NameForm(meta={"csrf": False})
        assert not form.validate()
        return form.name.errors[0]


def test_wtforms_messages_are_russian_by_default_and_english_on_request(app):
    assert _required_message(app, None) == "Обязательное поле."
    assert _required_message(app, "en") == "This field is required."


def test_each_language_is_read_once():
    WtformsTranslations.catalog.cache_clear()
    first = WtformsTranslations.catalog("ru")
    assert WtformsTranslations.catalog("ru") is first
    assert WtformsTranslations.catalog.cache_info().misses == 1
