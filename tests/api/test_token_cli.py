"""`opora user token EMAIL`: prints a working token, refuses unknown and disabled accounts."""

from sqlalchemy import select

from app.api import constants as c
from app.api.models import ApiToken
from app.audit.models import AuditEvent


def test_the_command_prints_a_working_token(runner, client, make, db):
    user = make.user("operator", email="operator@opora.test")
    result = runner.invoke(args=["user", "token", "Operator@Opora.test", "--scope", "write", "--days", "7",
                                 "--name", "Мониторинг"])
    assert result.exit_code == 0, result.output
    raw = result.stdout.strip().splitlines()[-1]
    assert raw.startswith(c.TOKEN_PREFIX)
    assert "действует до" in result.output
    token = db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    assert token.scope == c.WRITE and token.name == "Мониторинг" and token.prefix == raw[:12]
    assert (token.expires_at - token.created_at).days == 7
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 200 and response.get_json()["token_scope"] == "write"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "api.token_created"))
    assert event.actor_id == user.id and event.ip_address == "cli"


def test_defaults_are_a_read_token_for_ninety_days(runner, make, db):
    user = make.user("teacher")
    result = runner.invoke(args=["user", "token", user.email])
    assert result.exit_code == 0, result.output
    token = db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    assert token.scope == c.READ and (token.expires_at - token.created_at).days == c.TOKEN_DAYS_DEFAULT


def test_an_unknown_e_mail_is_a_clear_error(runner, db):
    result = runner.invoke(args=["user", "token", "nobody@opora.test"])
    assert result.exit_code == 1
    assert "nobody@opora.test" in result.output and "не найден" in result.output
    assert db.session.scalar(select(ApiToken.id)) is None


def test_bad_options_and_disabled_accounts_are_refused(runner, make, db):
    user = make.user("teacher")
    assert runner.invoke(args=["user", "token", user.email, "--scope", "admin"]).exit_code == 2
    assert runner.invoke(args=["user", "token", user.email, "--days", "0"]).exit_code == 2
    assert runner.invoke(args=["user", "token", user.email, "--name", "  "]).exit_code == 1
    user.is_enabled = False
    db.session.commit()
    result = runner.invoke(args=["user", "token", user.email])
    assert result.exit_code == 1 and "учётной записи" in result.output
    assert db.session.scalar(select(ApiToken.id)) is None
