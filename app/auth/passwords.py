"""Argon2id password hashing with parameters from the app config."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import current_app

# A hash to verify against when the account does not exist, so timing does not reveal it.
_DUMMY_PASSWORD = "opora-timing-equalizer"


def _hasher():
    config = current_app.config
    return PasswordHasher(
        time_cost=config["ARGON2_TIME_COST"],
        memory_cost=config["ARGON2_MEMORY_COST"],
        parallelism=config["ARGON2_PARALLELISM"],
    )


def hash_password(password):
    """Return an argon2id hash of the password."""
    return _hasher().hash(password)


def verify_password(password_hash, password):
    """Check a password against a stored hash; False on any mismatch or bad hash."""
    try:
        return _hasher().verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash):
    """Whether the hash was made with other parameters than the current ones."""
    return _hasher().check_needs_rehash(password_hash)


def burn_time():
    """Spend the time of one verification, for unknown accounts."""
    verify_password(hash_password(_DUMMY_PASSWORD), _DUMMY_PASSWORD + "x")
