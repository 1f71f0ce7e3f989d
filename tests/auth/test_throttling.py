"""Sign-in throttling per account and per address (Flask-Limiter)."""

import os

import pytest

from tests.fixtures.factories import PASSWORD

# The limiter runs on memory in development and on Redis in production: test both where Redis is.
LIMITER_STORAGES = ["memory://"] + [
    url for url in [os.environ.get("OPORA_TEST_REDIS_URL")] if url
]


@pytest.fixture(params=LIMITER_STORAGES)
def app_settings(request):
    return {
        "LOGIN_LIMIT_PER_ACCOUNT": "3 per minute",
        "LOGIN_LIMIT_PER_ADDRESS": "6 per minute",
        "RATELIMIT_STORAGE_URI": request.param,
    }


def test_failed_logins_are_throttled_per_account(auth, make):
    user = make.user("teacher")
    for _attempt in range(3):
        assert auth.post("/login", {"email": user.email, "password": "wrong"}).status_code == 401
    blocked = auth.post("/login", {"email": user.email, "password": PASSWORD})
    assert blocked.status_code == 429
    assert "Слишком много попыток" in blocked.get_data(as_text=True)
    other = make.user("teacher")
    assert auth.post("/login", {"email": other.email, "password": PASSWORD}).status_code == 302


def test_failed_logins_are_throttled_per_address(auth, make):
    for _attempt in range(6):
        target = make.user("teacher")
        auth.post("/login", {"email": target.email, "password": "wrong"})
    fresh = make.user("teacher")
    assert auth.post("/login", {"email": fresh.email, "password": PASSWORD}).status_code == 429


def test_successful_logins_do_not_count(auth, make):
    user = make.user("teacher")
    for _attempt in range(4):
        assert auth.post("/login", {"email": user.email, "password": PASSWORD}).status_code == 302
        auth.logout()
