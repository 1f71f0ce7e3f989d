"""Random secrets handed to users; only their SHA-256 is ever stored."""

import hashlib
import secrets


def new_token():
    """A fresh URL-safe random token (256 bits)."""
    return secrets.token_urlsafe(32)


def token_hash(token):
    """The stored form of a token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
