"""The `opora` group itself, `opora init`, `opora user create` and `opora backup`."""

import gc
import sqlite3
import tarfile

import click
import pytest
from click.testing import CliRunner
from sqlalchemy import inspect

import app as app_package
from app import cli
from app.auth.models import User
from app.extensions import db as _db


def test_init_upgrades_an_existing_database_without_losing_data(runner, make, db):
    school = make.school(name="Школа, которая останется")
    result = runner.invoke(args=["init"])
    assert result.exit_code == 0, result.output
    assert "обновлена" in result.output
    db.session.expire_all()
    assert db.session.get(type(school), school.id).name == "Школа, которая останется"


def test_init_creates_the_schema_on_an_empty_database(tmp_path, monkeypatch):
    from app import create_app

    monkeypatch.setenv("OPORA_INSTANCE_PATH", str(tmp_path))
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/fresh.db"})
    result = app.test_cli_runner().invoke(args=["init"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        tables = set(inspect(_db.engine).get_table_names())
        _db.engine.dispose()
    assert {"users", "organizations", "appointments", "audit_events", "alembic_version"} <= tables


def test_user_create_prints_a_generated_password(runner, make, db):
    region = make.region()
    result = runner.invoke(args=["user", "create", "--email", "New.Admin@Opora.test", "--role", "admin",
                                 "--organization", region.code, "--last-name", "Петрова",
                                 "--first-name", "Анна"])
    assert result.exit_code == 0, result.output
    assert "Пароль:" in result.output
    user = db.session.query(User).filter_by(email="new.admin@opora.test").one()
    assert user.role == "admin" and user.person.organization_id == region.id


def test_user_create_refuses_a_role_in_the_wrong_organization(runner, make):
    school = make.school()
    result = runner.invoke(args=["user", "create", "--email", "x@opora.test", "--role", "operator",
                                 "--organization", school.code, "--last-name", "Х", "--first-name", "Y",
                                 "--password", "long-enough-password"])
    assert result.exit_code != 0
    assert "другого типа" in result.output


def test_backup_writes_an_archive_with_the_database(runner, make, tmp_path, db):
    make.school(name="Школа в копии")
    result = runner.invoke(args=["backup", str(tmp_path / "backups")])
    assert result.exit_code == 0, result.output
    archives = list((tmp_path / "backups").glob("opora-*.tar.gz"))
    assert len(archives) == 1
    with tarfile.open(archives[0]) as tar:
        names = tar.getnames()
        assert any(name in ("opora.db", "opora.pgdump") for name in names)
        if "opora.db" in names:
            tar.extract("opora.db", tmp_path, filter="data")
            copy = sqlite3.connect(tmp_path / "opora.db")
            names = [row[0] for row in copy.execute("select name from organizations")]
            copy.close()
            assert "Школа в копии" in names


@pytest.fixture
def built_apps(monkeypatch, database_url):
    """The apps `opora` builds in this test, recorded (as testing apps on the test database)."""
    built, create_app = [], app_package.create_app

    def recording_create_app(*, batch=False):
        built.append(create_app("testing", {"SQLALCHEMY_DATABASE_URI": database_url}, batch=batch))
        return built[-1]

    monkeypatch.setattr(app_package, "create_app", recording_create_app)
    yield built
    gc.unfreeze()  # `opora` freezes what it loaded (app.cli._create_app); this process goes on


def test_opora_finds_its_own_commands_without_building_the_app(built_apps):
    result = CliRunner().invoke(cli.main, ["reports", "quarterly", "--help"])
    assert result.exit_code == 0, result.output
    assert "--municipality" in result.output
    assert built_apps == []


@pytest.mark.parametrize("command", ["reports quarterly", "backup"])
def test_a_batch_command_gets_an_app_without_the_web_layer_and_alembic(built_apps, command):
    target, context = cli.main, click.Context(cli.main)
    for name in command.split():
        target = target.get_command(context, name)
    with click.Context(target):
        batch_app = cli._create_app()
    with click.Context(cli.init_command):
        full_app = cli._create_app()
    assert batch_app.blueprints == {} and "migrate" not in batch_app.extensions
    assert "tickets" in full_app.blueprints and "migrate" in full_app.extensions
    assert {"reports", "init"} <= set(batch_app.cli.commands)


def test_other_packages_commands_load_when_asked_for(built_apps):
    listing = CliRunner().invoke(cli.main, ["--help"])
    assert "limiter" in listing.output and "db " in listing.output and "reports" in listing.output
    migrations = CliRunner().invoke(cli.main, ["db", "--help"])
    assert migrations.exit_code == 0 and "upgrade" in migrations.output
    assert CliRunner().invoke(cli.main, ["limiter", "--help"]).exit_code == 0
