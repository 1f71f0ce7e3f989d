"""The API's frame: token authentication, the error shape, and the document built from the models."""

from datetime import timedelta

from app.api import constants as c
from app.timeutil import utcnow


def error_of(response):
    body = response.get_json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}
    return body["error"]


def test_me_answers_as_the_token_s_owner(client, make, tokens):
    user = make.user("teacher", email="teacher@school.test")
    response = tokens.client_for(user, c.READ).get("/api/v1/me")
    assert response.status_code == 200
    body = response.get_json()
    assert body["email"] == "teacher@school.test" and body["role"] == "teacher"
    assert body["token_scope"] == "read" and body["organization"]["kind"] == "school"
    assert "Set-Cookie" not in response.headers  # a token call makes no session


def test_missing_unknown_expired_and_revoked_tokens_are_401(client, make, tokens):
    user = make.user("teacher")
    assert error_of(client.get("/api/v1/me"))["code"] == "unauthorized"
    response = client.get("/api/v1/me", headers={"Authorization": "Bearer opora_nope"})
    assert response.status_code == 401 and response.headers["WWW-Authenticate"].startswith("Bearer")
    expired, _token = tokens.token(user, expires_at=utcnow() - timedelta(seconds=1))
    revoked, _token = tokens.token(user, revoked_at=utcnow())
    for raw in (expired, revoked):
        assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 401


def test_a_disabled_account_s_token_stops_working(client, make, tokens, db):
    user = make.user("teacher")
    api = tokens.client_for(user)
    user.is_enabled = False
    db.session.commit()
    assert api.get("/api/v1/me").status_code == 401


def test_unknown_api_paths_and_methods_answer_in_json(client, make, tokens):
    api = tokens.client_for(make.user("teacher"))
    assert error_of(api.get("/api/v1/nothing-here"))["code"] == "not_found"
    assert error_of(api.post("/api/v1/me"))["code"] == "method_not_allowed"


def test_the_document_is_openapi_3_1_with_the_operations(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"] == "3.1.0"
    me = document["paths"]["/api/v1/me"]["get"]
    assert me["security"] == [{"bearer": []}]
    schema = me["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/Me"}
    assert "ErrorResponse" in document["components"]["schemas"]
