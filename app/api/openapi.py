"""The OpenAPI 3.1 document, built from the registered operations and their pydantic models."""

from app.api import constants as c
from app.api.errors import ErrorResponse
from app.api.framework import PATH_PARAMETER, PATH_SCHEMAS

REF = "#/components/schemas/{model}"
DEFAULT_ERRORS = (400, 401, 403, 422, 429)


class _Schemas:
    """components.schemas, filled as models are referenced."""

    def __init__(self):
        self.schemas = {}

    def ref(self, model, mode):
        """A $ref to the model, adding it (and the models it uses) to the components."""
        schema = model.model_json_schema(ref_template=REF, mode=mode)
        self.schemas.update(schema.pop("$defs", {}))
        self.schemas[model.__name__] = schema
        return {"$ref": REF.format(model=model.__name__)}

    def properties(self, model):
        """(name, schema, required, description) of a flat model's fields, for parameters."""
        schema = model.model_json_schema(ref_template=REF, mode="validation")
        self.schemas.update(schema.pop("$defs", {}))
        required = set(schema.get("required", ()))
        for name, prop in schema.get("properties", {}).items():
            yield name, prop, name in required, prop.pop("description", "")


def _path(rule):
    return PATH_PARAMETER.sub(lambda match: "{" + match.group("name") + "}", rule)


def _path_parameters(rule):
    return [{"name": match.group("name"), "in": "path", "required": True,
             "schema": dict(PATH_SCHEMAS.get(match.group("converter") or "default", PATH_SCHEMAS["default"]))}
            for match in PATH_PARAMETER.finditer(rule)]


def _query_parameters(schemas, model):
    parameters = []
    for name, schema, required, description in schemas.properties(model):
        parameter = {"name": name, "in": "query", "required": required, "schema": schema}
        if description:
            parameter["description"] = description
        if schema.get("type") == "array":
            parameter.update(style="form", explode=True)
        parameters.append(parameter)
    return parameters


def _request_body(schemas, op):
    if op.body is not None:
        schema = schemas.ref(op.body, "validation")
        return {"required": True, "content": {"application/json": {"schema": schema}}}
    if op.form is None:
        return None
    schema = op.form.model_json_schema(ref_template=REF, mode="validation")
    schemas.schemas.update(schema.pop("$defs", {}))
    if op.files:
        schema.setdefault("properties", {})[op.files] = {
            "type": "array", "items": {"type": "string", "format": "binary"},
            "description": "Files to attach."}
    return {"required": True, "content": {"multipart/form-data": {"schema": schema}}}


def _responses(schemas, op):
    error = {"content": {"application/json": {"schema": schemas.ref(ErrorResponse, "serialization")}}}
    if op.status == 204:
        responses = {"204": {"description": "Done."}}
    elif op.binary:
        content = {op.binary: {"schema": {"type": "string", "format": "binary"}}}
        responses = {str(op.status): {"description": "The file.", "content": content}}
    else:
        content = {"application/json": {"schema": schemas.ref(op.response, "serialization")}}
        responses = {str(op.status): {"description": "OK.", "content": content}}
    codes = set(op.errors) | (set(DEFAULT_ERRORS) if op.scope else set())
    if "{" in _path(op.rule):
        codes.add(404)
    for code in sorted(codes):
        responses[str(code)] = {"description": c.ERROR_CODES.get(code, "error"), **error}
    return responses


def _operation(schemas, op):
    description = {"summary": op.summary, "operationId": op.endpoint, "tags": [op.tag]}
    if op.description:
        description["description"] = op.description
    parameters = _path_parameters(op.rule) + (_query_parameters(schemas, op.query) if op.query else [])
    if parameters:
        description["parameters"] = parameters
    body = _request_body(schemas, op)
    if body:
        description["requestBody"] = body
    description["responses"] = _responses(schemas, op)
    description["security"] = [{"bearer": []}] if op.scope else []
    if op.scope == c.WRITE:
        description["description"] = (op.description + "\n\n" if op.description else "") + \
            "Needs a token with the «write» scope."
    return description


def build_document(api, prefix, title, version):
    """The OpenAPI 3.1 document of every registered operation."""
    schemas = _Schemas()
    paths = {}
    for op in api.operations:
        paths.setdefault(prefix + _path(op.rule), {})[op.method.lower()] = _operation(schemas, op)
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": version,
                 "description": "Personal API tokens are created in the profile (Profile → API tokens) or "
                                "with `opora user token EMAIL`. Every call acts as the token's owner."},
        "paths": paths,
        "components": {"schemas": schemas.schemas,
                       "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
    }
