"""`opora init`, `opora user create` and `opora backup`."""

import sqlite3
import tarfile

from sqlalchemy import inspect

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
