"""The outbox: messages are queued in the transaction and delivered by SMTP or to a log file."""

import pytest
from sqlalchemy import select

from app.extensions import db as _db
from app.mail import services as mail
from app.mail.models import FAILED, PENDING, SENT, OutboundMessage


def _queue_one(recipient="ivanova@school.test"):
    message = mail.queue(recipient, "Проверка связи", "reset_password",
                         name="Мария", link="http://127.0.0.1:5000/reset/abc", minutes=60)
    _db.session.commit()
    return message


class TestWithSmtp:
    @pytest.fixture
    def app_settings(self, mail_settings):
        return mail_settings

    def test_queued_message_is_delivered_in_utf8(self, app, mailbox):
        message = _queue_one()
        assert mail.deliver_soon([message.id]) == 1
        received = mailbox.messages[0]
        assert received["Subject"] == "Проверка связи"
        assert "Здравствуйте, Мария!" in received.get_body(("plain",)).get_content()
        assert _db.session.get(OutboundMessage, message.id).status == SENT

    def test_sent_messages_are_not_sent_again(self, app, mailbox):
        _queue_one()
        assert mail.deliver_pending() == 1
        assert mail.deliver_pending() == 0
        assert len(mailbox.messages) == 1


@pytest.fixture
def unreachable_smtp():
    return {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": 9, "SMTP_TIMEOUT": 2}


class TestWhenSmtpIsDown:
    @pytest.fixture
    def app_settings(self, unreachable_smtp):
        return unreachable_smtp

    def test_failure_keeps_the_message_queued_then_gives_up(self, app):
        message = _queue_one()
        for _attempt in range(mail.MAX_ATTEMPTS - 1):
            assert mail.deliver_pending() == 0
            assert _db.session.get(OutboundMessage, message.id).status == PENDING
        mail.deliver_pending()
        stored = _db.session.get(OutboundMessage, message.id)
        assert stored.status == FAILED and stored.attempts == mail.MAX_ATTEMPTS
        assert "ConnectionRefused" in stored.last_error


def test_without_smtp_mail_goes_to_the_log_file(app, tmp_path):
    app.config["MAIL_LOG_PATH"] = str(tmp_path / "mail.log")
    _queue_one("petrov@school.test")
    assert mail.deliver_pending() == 1
    log = (tmp_path / "mail.log").read_text(encoding="utf-8")
    assert "To: petrov@school.test" in log and "Здравствуйте, Мария!" in log


def test_mail_send_command_reports_the_count(app, runner, tmp_path):
    app.config["MAIL_LOG_PATH"] = str(tmp_path / "mail.log")
    _queue_one()
    _queue_one("second@school.test")
    result = runner.invoke(args=["mail", "send"])
    assert result.exit_code == 0 and "Отправлено писем: 2" in result.output
    assert _db.session.scalars(select(OutboundMessage.status)).all() == [SENT, SENT]
