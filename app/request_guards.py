"""Requests no database column can take are refused at the door with a 4xx, before any view runs.

PostgreSQL refuses a NUL character in text and an integer beyond its 4-byte columns, where SQLite
takes both; without these guards one malformed request would be a 4xx on SQLite and a 500 on
PostgreSQL, wherever a view forgot to check.
"""

from flask import request
from flask_babel import lazy_gettext as _l
from werkzeug.routing import IntegerConverter

from app.error_pages import render_error

DATABASE_INT_MAX = 2**31 - 1  # PostgreSQL `integer`, the type of every id column
NUL = "\x00"


class DatabaseIntegerConverter(IntegerConverter):
    """`<int:…>` that matches only numbers an id column can hold; a larger one is simply not found."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", DATABASE_INT_MAX)
        super().__init__(url_map, *args, **kwargs)


def _has_nul(value):
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(_has_nul(key) or _has_nul(item) for key, item in value.items())
    if isinstance(value, list | tuple):
        return any(_has_nul(item) for item in value)
    return False


def _request_texts():
    """Every text the request carries: query and form fields, file names and JSON values."""
    yield from request.args.items(multi=True)
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        yield from request.form.items(multi=True)
        yield from (upload.filename or "" for upload in request.files.values())
        if request.is_json:
            yield request.get_json(silent=True)


def refuse_nul_characters():
    """400 for a request with a NUL character anywhere a view could store or look up."""
    if any(_has_nul(text) for text in _request_texts()):
        return render_error(400, _l("The request contains a NUL character (code 0), which no field may hold. "
                                    "Remove it and try again."))
    return None


def register_request_guards(app):
    """Bound `<int:…>` URL parts to the id columns' range and refuse NUL characters."""
    app.url_map.converters["int"] = DatabaseIntegerConverter
    app.before_request(refuse_nul_characters)
