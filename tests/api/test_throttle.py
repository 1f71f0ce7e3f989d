"""API throttling: failed authentications per client address, and requests per token; 429 answers in JSON."""

import os

import pytest

from app.api import constants as c

# As for sign-in: memory in development, Redis in production; test both where Redis is.
LIMITER_STORAGES = ["memory://"] + [url for url in [os.environ.get("OPORA_TEST_REDIS_URL")] if url]


@pytest.fixture(params=LIMITER_STORAGES)
def app_settings(request):
    return {"API_LIMIT_PER_TOKEN": "3 per minute", "LOGIN_LIMIT_PER_ADDRESS": "20 per minute",
            "RATELIMIT_STORAGE_URI": request.param}


def error_of(response):
    body = response.get_json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}
    return body["error"]


def test_bad_tokens_from_one_address_are_throttled(client, make, tokens):
    statuses = [client.get("/api/v1/me", headers={"Authorization": f"Bearer opora_wrong{n}"}).status_code
                for n in range(21)]
    assert statuses[:20] == [401] * 20
    blocked = client.get("/api/v1/me", headers={"Authorization": "Bearer opora_wrong-again"})
    assert statuses[20] == 429 and blocked.status_code == 429
    assert blocked.mimetype == "application/json"
    assert error_of(blocked)["code"] == "too_many_requests"
    assert "Retry-After" in blocked.headers
    other_address = client.get("/api/v1/me", headers={"Authorization": "Bearer opora_wrong"},
                               environ_base={"REMOTE_ADDR": "10.0.0.2"})
    assert other_address.status_code == 401


def test_good_calls_do_not_count_as_failures(client, make, tokens, app):
    app.config["API_LIMIT_PER_TOKEN"] = "100 per minute"
    api = tokens.client_for(make.user("teacher"), c.READ)
    for _call in range(25):
        assert api.get("/api/v1/me").status_code == 200


def test_calls_per_token_are_limited_and_other_tokens_still_work(client, make, tokens):
    user = make.user("teacher")
    api = tokens.client_for(user, c.READ)
    assert [api.get("/api/v1/me").status_code for _call in range(3)] == [200, 200, 200]
    blocked = api.get("/api/v1/me")
    assert blocked.status_code == 429 and error_of(blocked)["code"] == "too_many_requests"
    assert "Слишком много запросов" in error_of(blocked)["message"]
    assert tokens.client_for(user, c.READ).get("/api/v1/me").status_code == 200
