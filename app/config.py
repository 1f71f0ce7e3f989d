"""Settings: config classes filled from OPORA_* environment variables."""

import os
import secrets
from datetime import timedelta
from pathlib import Path

DEFAULT_SECRET_KEYS = {"", "change-me", "dev", "secret", "opora"}


def env(name, default=None):
    """Return the OPORA_<name> environment variable, or the default."""
    return os.environ.get(f"OPORA_{name}", default)


def env_bool(name, default=False):
    """Read a yes/no environment variable."""
    value = env(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class BaseConfig:
    """Defaults shared by every environment."""

    ENV_NAME = "development"
    SECRET_KEY = None
    SQLALCHEMY_DATABASE_URI = None
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SQLALCHEMY_RECORD_QUERIES = False

    BABEL_DEFAULT_LOCALE = "ru"
    BABEL_DEFAULT_TIMEZONE = "Europe/Moscow"
    BABEL_TRANSLATION_DIRECTORIES = "translations"
    LANGUAGES = ("ru", "en")

    SESSION_COOKIE_NAME = "opora_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_NAME = "opora_remember"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False
    REMEMBER_COOKIE_DURATION = timedelta(days=14)
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    LOGIN_SESSION_DAYS = 14
    PASSWORD_RESET_MINUTES = 60
    PASSWORD_MIN_LENGTH = 10
    # OWASP's argon2id setting for servers (19 MiB, 2 passes, 1 lane): every sign-in holds this much memory
    # in one worker, and a school's morning brings all workers a sign-in at once. Hashes made with other
    # settings still verify and are rehashed at the next sign-in.
    ARGON2_TIME_COST = 2
    ARGON2_MEMORY_COST = 19456
    ARGON2_PARALLELISM = 1

    WTF_CSRF_TIME_LIMIT = None
    MAX_CONTENT_LENGTH = 20 * 1024 * 1024

    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_LIMIT_PER_ACCOUNT = "5 per minute;20 per hour"
    LOGIN_LIMIT_PER_ADDRESS = "20 per minute;200 per hour"
    API_LIMIT_PER_TOKEN = "300 per minute"

    SMTP_HOST = None
    SMTP_PORT = 25
    SMTP_USER = None
    SMTP_PASSWORD = None
    SMTP_STARTTLS = False
    SMTP_SSL = False
    SMTP_TIMEOUT = 20
    MAIL_FROM = "Опора <noreply@opora.local>"
    # Inbound addresses of the hotlines (filled into an empty queue address by `opora init`).
    MAIL_TECHNICAL_ADDRESS = "support@opora.local"
    MAIL_METHODOLOGICAL_ADDRESS = "metod@opora.local"
    BASE_URL = "http://127.0.0.1:5000"

    SEARCH_BACKEND = "whoosh"
    PROXY_FIX = 0
    PAGE_SIZE = 25

    @classmethod
    def from_environment(cls, instance_path):
        """Return a dict of settings: class defaults overridden by OPORA_* variables."""
        settings = {key: getattr(cls, key) for key in dir(cls) if key.isupper()}
        default_db = "sqlite:///" + str(Path(instance_path) / "opora.db")
        settings["SQLALCHEMY_DATABASE_URI"] = env("DATABASE_URL", default_db)
        settings["SECRET_KEY"] = env("SECRET_KEY", settings["SECRET_KEY"])
        settings["RATELIMIT_STORAGE_URI"] = env("RATELIMIT_STORAGE", cls.RATELIMIT_STORAGE_URI)
        settings["SEARCH_BACKEND"] = env("SEARCH_BACKEND", cls.SEARCH_BACKEND)
        settings["BASE_URL"] = env("BASE_URL", cls.BASE_URL).rstrip("/")
        settings["MAIL_FROM"] = env("MAIL_FROM", cls.MAIL_FROM)
        for key in ("MAIL_TECHNICAL_ADDRESS", "MAIL_METHODOLOGICAL_ADDRESS"):
            settings[key] = env(key, getattr(cls, key)).strip().lower()
        settings["PROXY_FIX"] = int(env("PROXY_FIX", cls.PROXY_FIX))
        settings["SMTP_HOST"] = env("SMTP_HOST", cls.SMTP_HOST)
        settings["SMTP_PORT"] = int(env("SMTP_PORT", cls.SMTP_PORT))
        settings["SMTP_USER"] = env("SMTP_USER", cls.SMTP_USER)
        settings["SMTP_PASSWORD"] = env("SMTP_PASSWORD", cls.SMTP_PASSWORD)
        settings["SMTP_STARTTLS"] = env_bool("SMTP_STARTTLS", cls.SMTP_STARTTLS)
        settings["SMTP_SSL"] = env_bool("SMTP_SSL", cls.SMTP_SSL)
        settings["LOGIN_LIMIT_PER_ACCOUNT"] = env("LOGIN_LIMIT_PER_ACCOUNT", cls.LOGIN_LIMIT_PER_ACCOUNT)
        settings["LOGIN_LIMIT_PER_ADDRESS"] = env("LOGIN_LIMIT_PER_ADDRESS", cls.LOGIN_LIMIT_PER_ADDRESS)
        settings["API_LIMIT_PER_TOKEN"] = env("API_LIMIT_PER_TOKEN", cls.API_LIMIT_PER_TOKEN)
        return settings

    @classmethod
    def ensure_secret_key(cls, settings, instance_path):
        """Development: keep a generated secret key in the instance folder."""
        if settings["SECRET_KEY"]:
            return
        key_file = Path(instance_path) / "secret_key"
        if not key_file.exists():
            key_file.write_text(secrets.token_hex(32), encoding="ascii")
            key_file.chmod(0o600)
        settings["SECRET_KEY"] = key_file.read_text(encoding="ascii").strip()


class DevelopmentConfig(BaseConfig):
    """Local use: SQLite in instance/, mail written to a log file."""


class ProductionConfig(BaseConfig):
    """Behind gunicorn: secure cookies, a real secret key is required."""

    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True

    @classmethod
    def ensure_secret_key(cls, settings, instance_path):
        """Refuse to start without a real secret key."""
        key = settings["SECRET_KEY"] or ""
        if key.strip().lower() in DEFAULT_SECRET_KEYS or len(key) < 32:
            raise RuntimeError(
                "OPORA_SECRET_KEY must be set to a random value of at least 32 characters "
                "in production (for example: python -c 'import secrets; print(secrets.token_hex(32))')"
            )


class TestingConfig(BaseConfig):
    """Tests: fast password hashing, real CSRF and throttling, no real mail unless set."""

    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "testing-secret-key-that-is-long-enough-0123456789"
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 1024
    ARGON2_PARALLELISM = 1
    SERVER_NAME = None


CONFIGS = {
    "development": DevelopmentConfig,
    "production": ProductionConfig,
    "testing": TestingConfig,
}


def config_class(name=None):
    """Pick the config class by name or by OPORA_ENV."""
    name = name or env("ENV", "development")
    try:
        return CONFIGS[name]
    except KeyError as exc:
        raise RuntimeError(f"OPORA_ENV must be one of {sorted(CONFIGS)}, got {name!r}") from exc
