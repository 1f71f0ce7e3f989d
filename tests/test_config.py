"""Settings from OPORA_* variables and the production safety checks."""

import pytest

from app import create_app


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    for name in ("OPORA_SECRET_KEY", "OPORA_DATABASE_URL", "OPORA_ENV"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("OPORA_INSTANCE_PATH", str(tmp_path))
    return monkeypatch


@pytest.mark.parametrize("key", [None, "", "change-me", "short-but-not-default"])
def test_production_refuses_a_missing_or_default_secret_key(clean_env, key):
    if key is not None:
        clean_env.setenv("OPORA_SECRET_KEY", key)
    with pytest.raises(RuntimeError, match="OPORA_SECRET_KEY"):
        create_app("production")


def test_production_with_a_real_key_sets_secure_cookies(clean_env):
    clean_env.setenv("OPORA_SECRET_KEY", "x" * 16 + "0123456789abcdef0123")
    app = create_app("production")
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    assert app.config["SESSION_COOKIE_HTTPONLY"] and app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_development_generates_and_keeps_a_secret_key(clean_env, tmp_path):
    first = create_app("development").config["SECRET_KEY"]
    second = create_app("development").config["SECRET_KEY"]
    assert first == second and len(first) >= 32
    assert (tmp_path / "secret_key").read_text().strip() == first


def test_database_defaults_to_sqlite_in_the_instance_folder(clean_env, tmp_path):
    app = create_app("development")
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/opora.db"


def test_database_url_comes_from_the_environment(clean_env):
    clean_env.setenv("OPORA_DATABASE_URL", "postgresql+psycopg://u@db.example/opora")
    app = create_app("development")
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db.example/opora"


def test_unknown_environment_name_is_a_clear_error(clean_env):
    clean_env.setenv("OPORA_ENV", "staging")
    with pytest.raises(RuntimeError, match="OPORA_ENV"):
        create_app()
