"""Opora: the regional portal for the rollout of electronic gradebooks and diaries."""

import logging
import os
import sqlite3

from flask import Flask, has_request_context, request
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix

from app.config import config_class, env
from app.extensions import babel, csrf, db, limiter, login_manager

MIGRATIONS_DIR = os.path.join(os.path.dirname(__file__), "migrations")


def create_app(config_name=None, overrides=None, *, batch=False):
    """Build the Flask application: a chain of small configure steps.

    A batch app serves a command that only reads and writes data (no pages, links, templates or
    migrations, see app.cli.batch_command): it skips the web layer and Alembic, which are most of
    such a command's start-up.
    """
    instance_path = env("INSTANCE_PATH")
    app = Flask(
        __name__,
        instance_path=os.path.abspath(instance_path) if instance_path else None,
        instance_relative_config=True,
    )
    configure_settings(app, config_name, overrides or {})
    configure_logging(app)
    configure_database(app)
    configure_extensions(app)
    configure_login(app)
    configure_i18n(app)
    if not batch:
        configure_migrations(app)
        configure_security(app)
        configure_blueprints(app)
        configure_templates(app)
        configure_error_pages(app)
    configure_cli(app)
    return app


def configure_settings(app, config_name, overrides):
    """Load the config class, OPORA_* variables and explicit overrides."""
    os.makedirs(app.instance_path, exist_ok=True)
    cls = config_class(config_name)
    settings = cls.from_environment(app.instance_path)
    settings.update(overrides)
    cls.ensure_secret_key(settings, app.instance_path)
    settings.setdefault("MAIL_LOG_PATH", os.path.join(app.instance_path, "mail.log"))
    app.config.from_mapping(settings)
    app.config["ENV_NAME"] = cls.ENV_NAME
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # A local file does not drop connections: no ping before each request's first statement.
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {**app.config["SQLALCHEMY_ENGINE_OPTIONS"],
                                                   "pool_pre_ping": False}


def configure_logging(app):
    """Log to stderr at INFO; gunicorn collects it in production."""
    if not app.debug and not app.testing:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # pymorphy3 announces every dictionary load at INFO; only its problems matter here.
    logging.getLogger("pymorphy3").setLevel(logging.WARNING)
    # Alembic announces each of its plugins at INFO when first imported; fontTools, under fpdf, every
    # table of every font it subsets for a PDF (some 70 lines per report).
    for chatty in ("alembic.runtime.plugins", "fontTools"):
        logging.getLogger(chatty).setLevel(logging.WARNING)


def _unicode_lower(value):
    return value.lower() if isinstance(value, str) else value


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    """SQLite: foreign keys, write-ahead log, lock waits, and lower() that knows Cyrillic."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        # SQLite's built-in lower() folds ASCII only; PostgreSQL's folds «Ф» too. Make them agree.
        dbapi_connection.create_function("lower", 1, _unicode_lower, deterministic=True)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # Sorts and temporary indexes of list queries stay in memory instead of a temporary file.
        cursor.execute("PRAGMA temp_store=MEMORY")
        cursor.close()


def configure_database(app):
    """SQLAlchemy with every model registered."""
    from app import models  # noqa: F401  (registers every table)

    db.init_app(app)


def configure_migrations(app):
    """Alembic through Flask-Migrate (batch mode, so SQLite can alter tables): `opora db …`, upgrade()."""
    from flask_migrate import Migrate

    Migrate(app, db, directory=MIGRATIONS_DIR, render_as_batch=True, compare_type=True)


def configure_extensions(app):
    """CSRF protection on every state-changing request and the rate limiter."""
    csrf.init_app(app)
    limiter.init_app(app)


def configure_login(app):
    """Flask-Login keyed by server-side session tokens, so logout revokes cookies."""
    from flask_babel import lazy_gettext as _l

    from app.auth.services import user_for_session

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to open this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    login_manager.user_loader(user_for_session)


def _select_locale():
    languages = app_languages()
    if not has_request_context():
        return languages[0]
    user_locale = getattr(current_user, "locale", None) if current_user else None
    if user_locale in languages:
        return user_locale
    cookie = request.cookies.get("opora_lang")
    return cookie if cookie in languages else languages[0]


def app_languages():
    """Languages the UI offers, the default first."""
    from flask import current_app

    return current_app.config["LANGUAGES"]


def configure_i18n(app):
    """Russian by default, English selectable; times shown in Europe/Moscow."""
    from app.formtools import share_wtforms_translations

    babel.init_app(app, locale_selector=_select_locale, timezone_selector=lambda: "Europe/Moscow")
    app.before_request(share_wtforms_translations)


def configure_security(app):
    """Security headers, request guards, and the real client address when behind a proxy."""
    from app.request_guards import register_request_guards
    from app.security import register_security_headers

    register_request_guards(app)
    if app.config["PROXY_FIX"]:
        count = app.config["PROXY_FIX"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)
    register_security_headers(app)


def configure_blueprints(app):
    """Register every feature's blueprint."""
    from app.api.token_views import bp as api_tokens_bp
    from app.api.views import bp as api_bp
    from app.audit.views import bp as audit_bp
    from app.auth.admin_views import bp as users_bp
    from app.auth.views import bp as auth_bp
    from app.directory.views import bp as directory_bp
    from app.main.views import bp as main_bp
    from app.rollout.milestone_views import bp as rollout_milestones_bp
    from app.rollout.plan_views import bp as rollout_plan_bp
    from app.rollout.report_views import bp as rollout_reports_bp
    from app.rollout.views import bp as rollout_bp
    from knowledge_base.suggest_views import bp as kb_suggest_bp
    from knowledge_base.views import bp as kb_bp
    from tickets.agent_views import bp as ticket_agent_bp
    from tickets.quarantine_views import bp as ticket_mail_bp
    from tickets.stats_views import bp as ticket_stats_bp
    from tickets.views import bp as tickets_bp
    from training.assignment_views import bp as training_assign_bp
    from training.author_views import bp as training_author_bp
    from training.certificate_views import bp as training_certificates_bp
    from training.journal.diary_views import bp as journal_diary_bp
    from training.journal.grid_views import bp as journal_grid_bp
    from training.journal.views import bp as journal_bp
    from training.report_views import bp as training_reports_bp
    from training.seminar_views import bp as training_seminars_bp
    from training.views import bp as training_bp

    blueprints = (main_bp, auth_bp, users_bp, directory_bp, audit_bp, tickets_bp, ticket_stats_bp,
                  ticket_agent_bp, ticket_mail_bp, kb_bp, kb_suggest_bp, training_bp,
                  training_certificates_bp, training_author_bp, training_assign_bp, training_seminars_bp,
                  training_reports_bp, journal_bp, journal_grid_bp, journal_diary_bp, rollout_bp,
                  rollout_plan_bp, rollout_milestones_bp, rollout_reports_bp, api_bp, api_tokens_bp)
    for blueprint in blueprints:
        app.register_blueprint(blueprint)
    configure_api(app, api_bp)


def configure_api(app, api_bp):
    """The JSON API authenticates by token, not by session: no CSRF; throttled per token and address."""
    from app.api.throttle import throttle

    csrf.exempt(api_bp)
    throttle(api_bp)
    app.json.ensure_ascii = False  # Russian text stays readable in JSON (UTF-8), not \u-escaped


def configure_templates(app):
    """Jinja filters and the navigation every page shows."""
    from flask_babel import get_locale

    from app.main.navigation import navigation_items, site_header
    from app.rollout.links import rollout_links
    from app.templating import register_filters, register_request_translations

    register_filters(app)
    register_request_translations(app)
    app.jinja_env.globals.update(
        get_locale=get_locale,
        # The user object itself, not the proxy: the menus ask a dozen permission questions per page.
        navigation_items=lambda: navigation_items(current_user._get_current_object()),
        site_header=site_header,
        rollout_links=lambda: rollout_links(current_user._get_current_object()),
        languages=app.config["LANGUAGES"],
    )


def configure_error_pages(app):
    """Generic Russian error pages, never a traceback."""
    from app.error_pages import register_error_pages

    register_error_pages(app)


def configure_cli(app):
    """The `opora` commands."""
    from app.cli import register_commands

    register_commands(app.cli)
