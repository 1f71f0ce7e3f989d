"""Throttling of the API, like sign-in: failed token checks per address, and requests per token."""

from flask import current_app, request

from app.api.auth import bearer_token, token_hash
from app.extensions import limiter


def _failed_auth(response):
    return response.status_code == 401


def _address_limit():
    return current_app.config["LOGIN_LIMIT_PER_ADDRESS"]


def _token_limit():
    return current_app.config["API_LIMIT_PER_TOKEN"]


def _token_key():
    # Keyed by the token's hash: a raw token never reaches the limiter's storage.
    raw = bearer_token()
    return "api-token:" + (token_hash(raw) if raw else request.remote_addr or "unknown")


def throttle(blueprint):
    """Limit failed authentications per client address and requests per token on the blueprint."""
    limiter.limit(_address_limit, deduct_when=_failed_auth)(blueprint)
    limiter.limit(_token_limit, key_func=_token_key)(blueprint)
