"""API operations declared once: the route, its input and output models, and its OpenAPI description.

`api.operation(...)` registers a Flask route that authenticates the token, validates the query, JSON body
or multipart form with pydantic models, calls the handler with plain values and shapes its result with
the response model. The OpenAPI document is built from the same registry and models, so it cannot drift
from what the code accepts and returns.
"""

import functools
import re
from dataclasses import dataclass, field
from typing import get_origin

from flask import jsonify, request
from flask_babel import gettext as _
from pydantic import BaseModel, ValidationError

from app.api import auth
from app.api import constants as c
from app.api.errors import ApiError

PATH_PARAMETER = re.compile(r"<(?:(?P<converter>[a-z]+):)?(?P<name>\w+)>")
PATH_SCHEMAS = {"int": {"type": "integer", "minimum": 0, "maximum": 2**31 - 1}, "default": {"type": "string"}}


@dataclass
class Operation:
    """One endpoint: how it is called and what it answers."""

    endpoint: str
    rule: str
    method: str
    summary: str
    tag: str
    scope: str | None = c.READ  # None: public, no token needed
    query: type[BaseModel] | None = None
    body: type[BaseModel] | None = None
    form: type[BaseModel] | None = None
    files: str | None = None  # the multipart field carrying files, if any
    response: type[BaseModel] | None = None
    status: int = 200
    errors: tuple = ()
    description: str = ""
    binary: str | None = None  # the media type of a file answer (the handler returns a Flask Response)


@dataclass
class Api:
    """The blueprint's registry of operations."""

    blueprint: object
    operations: list = field(default_factory=list)

    def operation(self, rule, method="GET", **options):
        """Decorator: register `handler(user, **path, query=…, body=…, form=…, files=…)` as an operation."""

        def decorate(handler):
            op = Operation(endpoint=handler.__name__, rule=rule, method=method, **options)
            self.operations.append(op)

            @functools.wraps(handler)
            def view(**path):
                return _run(op, handler, path)

            self.blueprint.add_url_rule(rule, endpoint=op.endpoint, view_func=view, methods=[method])
            return handler

        return decorate


def _run(op, handler, path):
    user = auth.authenticate(op.scope) if op.scope else None
    kwargs = dict(path)
    if op.query is not None:
        kwargs["query"] = validate(op.query, _field_values(op.query, request.args), "query")
    if op.body is not None:
        kwargs["body"] = validate(op.body, _json_body(), "body")
    if op.form is not None:
        kwargs["form"] = validate(op.form, _field_values(op.form, request.form), "form")
    if op.files:
        kwargs["files"] = request.files.getlist(op.files)
    result = handler(user, **kwargs) if op.scope else handler(**kwargs)
    if op.status == 204:
        return "", 204
    if op.binary:
        return result
    payload = result.model_dump(mode="json", by_alias=True) if isinstance(result, BaseModel) else result
    response = jsonify(payload)
    response.status_code = op.status
    return response


def _is_list(model, name):
    return get_origin(model.model_fields[name].annotation) is list


def _field_values(model, source):
    """A query string or form as the model's fields: lists for list fields, single values otherwise."""
    values = {}
    for name, info in model.model_fields.items():
        key = info.alias or name
        if key in source:
            values[key] = source.getlist(key) if _is_list(model, name) else source.get(key)
    return values


def _json_body():
    if not request.is_json:
        raise ApiError(415, _("Send the body as JSON with «Content-Type: application/json»."))
    data = request.get_json(silent=True)
    if data is None:
        raise ApiError(400, _("The body is not valid JSON."))
    return data


def validate(model, data, where):
    """The data as the model, or ApiError 422 naming each bad field."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        details = {}
        for problem in error.errors(include_url=False, include_input=False):
            name = ".".join(str(part) for part in problem["loc"]) or where
            details.setdefault(name, []).append(problem["msg"])
        raise ApiError(422, _("Check the fields of the request: %(names)s.", names=", ".join(details)),
                       details) from error
