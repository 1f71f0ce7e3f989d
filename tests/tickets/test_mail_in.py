"""E-mail into the hotline: new tickets, threaded replies, quarantine, and the `opora mail ingest` pipe."""

from email.message import EmailMessage
from pathlib import Path

import pytest
from flask_babel import gettext
from sqlalchemy import event, func, select

from app import create_app
from app.errors import ValidationFailed
from app.search import services as search
from tickets import constants as c
from tickets import mail_in, services
from tickets.models import MailReference, QuarantinedMail, Ticket, TicketMessage, ticket_watchers

EML = Path(__file__).resolve().parents[1] / "mail" / "eml"
REPLY_ID = "<171234567890.4242.1@opora.local>"  # In-Reply-To of reply-outlook-in-reply-to.eml


def eml(name):
    return (EML / name).read_bytes()


@pytest.fixture
def ivanova(make, queues):
    """The school coordinator who writes the sample letters."""
    return make.user("school", email="ivanova@school.test")


def count(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


def file_ticket(requester, subject="Не входит в журнал", queue=c.TECHNICAL):
    return services.open_ticket(requester, queue, subject, "После ввода пароля снова просит логин.")


# --- new tickets --------------------------------------------------------------------------


def test_outlook_letter_becomes_a_technical_ticket(db, ivanova):
    result = mail_in.ingest(eml("outlook-cp1251-qp.eml"))
    assert (result.outcome, result.reference) == (mail_in.TICKET_CREATED, "Т-000001")
    ticket = db.session.get(Ticket, result.ticket_id)
    assert ticket.requester_id == ivanova.id and ticket.queue.key == c.TECHNICAL
    assert ticket.source == c.EMAIL and ticket.subject == "Не входит в журнал"
    assert ticket.body.startswith("Здравствуйте!\n\nНе удаётся войти в электронный журнал")
    reference = db.session.scalar(select(MailReference).where(MailReference.ticket_id == ticket.id))
    assert reference.message_id == "<000001cbf8e1$6a2b1c40$3e8154c0$@school.test>"


def test_letter_to_the_institute_address_goes_to_the_methodological_queue(db, make, queues):
    make.user("teacher", email="petrov@gimn2.test")
    result = mail_in.ingest(eml("koi8r-base64.eml"))
    assert result.reference == "М-000001"
    assert db.session.get(Ticket, result.ticket_id).subject == "Отметка за четверть"


def test_refused_attachment_keeps_the_mail_and_is_noted_in_one_commit(db, ivanova, monkeypatch):
    commits = []

    def counted(session):
        commits.append(session)

    # The search index is brought up to date after the commit, in a transaction of its own.
    monkeypatch.setattr(search, "apply_pending", lambda limit=None: commits.append("index"))
    event.listen(db.session(), "after_commit", counted)
    result = mail_in.ingest(eml("attachments-rfc2231.eml"))
    event.remove(db.session(), "after_commit", counted)
    ticket = db.session.get(Ticket, result.ticket_id)
    assert result.outcome == mail_in.TICKET_CREATED and commits == [db.session(), "index"]
    assert [a.filename for a in ticket.attachments] == ["Скрин.png", "Акт активации.pdf"]
    notes = [m for m in ticket.messages if m.is_internal]
    assert len(notes) == 1 and "setup.exe" in notes[0].body and "Скрин.png" not in notes[0].body


def test_message_with_only_an_attachment_gets_a_placeholder_text(db, ivanova):
    raw = eml("attachments-rfc2231.eml").replace(b"Content-Type: text/plain; charset=utf-8",
                                                 b"Content-Type: text/plain; charset=utf-8; name=note.txt\n"
                                                 b"Content-Disposition: attachment")
    result = mail_in.ingest(raw)
    ticket = db.session.get(Ticket, result.ticket_id)
    assert ticket.body == gettext("(empty message)")
    assert "note.txt" in [a.filename for a in ticket.attachments]


def test_tag_of_a_ticket_that_does_not_exist_opens_a_new_ticket(db, ivanova):
    result = mail_in.ingest(eml("reply-gmail-wrote.eml"))
    assert result.outcome == mail_in.TICKET_CREATED
    assert db.session.get(Ticket, result.ticket_id).subject == "Re: [T-000001] Password"


# --- quarantine and ignored mail ----------------------------------------------------------


def test_unknown_sender_is_quarantined_with_the_raw_message_byte_for_byte(db, queues):
    raw = eml("unknown-sender.eml")
    result = mail_in.ingest(raw)
    assert (result.outcome, result.reason_code) == (mail_in.QUARANTINED, mail_in.UNKNOWN_SENDER)
    row = db.session.get(QuarantinedMail, result.quarantine_id)
    assert row.raw == raw and isinstance(row.raw, bytes)
    assert (row.sender, row.recipient, row.subject) == ("vasya1987@example.org", "support@opora.local",
                                                        "Программа для журнала")
    assert row.status == "new" and count(db, Ticket) == 0


def test_disabled_account_is_treated_as_unknown(db, ivanova):
    ivanova.is_enabled = False
    db.session.commit()
    result = mail_in.ingest(eml("outlook-cp1251-qp.eml"))
    assert result.reason_code == mail_in.UNKNOWN_SENDER and count(db, Ticket) == 0


def test_garbage_is_quarantined_as_unparseable(db, queues):
    raw = eml("garbage.eml")
    result = mail_in.ingest(raw)
    assert (result.outcome, result.reason_code) == (mail_in.QUARANTINED, mail_in.UNPARSEABLE)
    assert db.session.get(QuarantinedMail, result.quarantine_id).raw == raw


def test_auto_reply_creates_no_ticket_and_is_kept_as_discarded(db, ivanova):
    result = mail_in.ingest(eml("auto-reply.eml"))
    assert (result.outcome, result.reason_code) == (mail_in.IGNORED, mail_in.AUTO_REPLY)
    assert count(db, Ticket) == 0
    row = db.session.get(QuarantinedMail, result.quarantine_id)
    assert row.status == "discarded" and row.reason == mail_in.AUTO_REPLY


def test_mail_from_the_hotline_address_itself_is_a_loop(db, queues):
    raw = eml("unknown-sender.eml").replace(b"vasya1987@example.org", b"support@opora.local")
    result = mail_in.ingest(raw)
    assert result.outcome == mail_in.IGNORED and count(db, Ticket) == 0


def test_letter_to_an_address_that_is_not_a_hotline_is_quarantined(db, ivanova):
    raw = eml("outlook-cp1251-qp.eml").replace(b"support@opora.local", b"info@school.test")
    result = mail_in.ingest(raw)
    assert result.reason_code == mail_in.NO_QUEUE and count(db, Ticket) == 0


def test_duplicate_delivery_is_ignored(db, ivanova):
    first = mail_in.ingest(eml("outlook-cp1251-qp.eml"))
    second = mail_in.ingest(eml("outlook-cp1251-qp.eml"))
    assert (second.outcome, second.reason_code, second.ticket_id) == (mail_in.IGNORED, mail_in.DUPLICATE,
                                                                      first.ticket_id)
    assert count(db, Ticket) == 1


def test_duplicate_delivery_of_a_quarantined_message_is_ignored(db, queues):
    mail_in.ingest(eml("unknown-sender.eml"))
    again = mail_in.ingest(eml("unknown-sender.eml"))
    assert again.outcome == mail_in.IGNORED and count(db, QuarantinedMail) == 1


def test_service_refusal_quarantines_instead_of_losing_the_mail(db, ivanova, monkeypatch):
    def refuse(*_args, **_kwargs):
        raise ValidationFailed("refused for the test")

    monkeypatch.setattr(services, "file_ticket", refuse)
    result = mail_in.ingest(eml("outlook-cp1251-qp.eml"))
    assert (result.outcome, result.reason) == (mail_in.QUARANTINED, "rejected: refused for the test")


def test_unexpected_error_quarantines_the_mail(db, ivanova, monkeypatch):
    def crash(*_args, **_kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr(services, "file_ticket", crash)
    result = mail_in.ingest(eml("outlook-cp1251-qp.eml"))
    assert result.reason_code == mail_in.PROCESSING_ERROR
    assert db.session.get(QuarantinedMail, result.quarantine_id).raw == eml("outlook-cp1251-qp.eml")


# --- threading ----------------------------------------------------------------------------


def _remember(db, ticket, message_id=REPLY_ID):
    db.session.add(MailReference(ticket_id=ticket.id, message_id=message_id))
    db.session.commit()


def test_reply_by_in_reply_to_threads_into_the_ticket_and_reopens_it(db, make, ivanova):
    ticket = file_ticket(ivanova)
    services.change_status(make.user("operator"), ticket, c.WAITING)
    _remember(db, ticket)
    result = mail_in.ingest(eml("reply-outlook-in-reply-to.eml"))
    assert (result.outcome, result.ticket_id) == (mail_in.REPLY_ADDED, ticket.id)
    reply = ticket.messages[-1]
    assert reply.body == "Спасибо, пароль сбросили, вход работает."
    assert reply.author_id == ivanova.id and reply.source == c.EMAIL and not reply.is_internal
    assert ticket.status == c.IN_PROGRESS and count(db, Ticket) == 1


def test_reply_to_a_merged_ticket_goes_to_the_ticket_it_was_merged_into(db, ivanova):
    old, kept = file_ticket(ivanova), file_ticket(ivanova, subject="Повтор")
    old.merged_into_id = kept.id
    db.session.commit()
    _remember(db, old)
    result = mail_in.ingest(eml("reply-outlook-in-reply-to.eml"))
    assert result.ticket_id == kept.id and kept.messages[-1].body.startswith("Спасибо")


def test_reply_to_a_closed_ticket_is_quarantined(db, make, ivanova):
    ticket = file_ticket(ivanova)
    services.change_status(make.user("operator"), ticket, c.CLOSED)
    _remember(db, ticket)
    result = mail_in.ingest(eml("reply-outlook-in-reply-to.eml"))
    assert (result.outcome, result.reason) == (mail_in.QUARANTINED, "reply-not-allowed: Т-000001")
    assert count(db, TicketMessage) == 0


def test_subject_tag_threads_a_reply_from_the_requester(db, ivanova):
    ticket = file_ticket(ivanova)
    result = mail_in.ingest(eml("reply-gmail-wrote.eml"))  # «[T-000001]» with a Latin T
    assert (result.outcome, result.ticket_id) == (mail_in.REPLY_ADDED, ticket.id)
    assert ticket.messages[-1].body == "Yes, the marks are there now. Thank you!"


def test_subject_tag_threads_for_a_watcher_and_an_agent(db, make, ivanova):
    ticket = file_ticket(ivanova)
    watcher = make.user("teacher", email="sidorova@school.test")
    db.session.execute(ticket_watchers.insert().values(ticket_id=ticket.id, user_id=watcher.id))
    db.session.commit()
    assert mail_in.ingest(eml("reply-thunderbird-ru.eml")).ticket_id == ticket.id
    make.user("operator", email="operator@opora.local")
    raw = eml("reply-gmail-wrote.eml").replace(b"ivanova@school.test", b"operator@opora.local")
    assert mail_in.ingest(raw).outcome == mail_in.REPLY_ADDED
    assert [m.author.email for m in ticket.messages] == ["sidorova@school.test", "operator@opora.local"]


def test_subject_tag_from_a_known_user_who_is_not_a_participant_is_quarantined(db, make, ivanova):
    file_ticket(ivanova)
    make.user("school", email="stranger@other-school.test")
    raw = eml("reply-gmail-wrote.eml").replace(b"ivanova@school.test", b"stranger@other-school.test")
    result = mail_in.ingest(raw)
    assert (result.outcome, result.reason) == (mail_in.QUARANTINED, "not-participant: Т-000001")
    assert count(db, TicketMessage) == 0 and count(db, Ticket) == 1


def test_methodological_tag_threads_into_the_methodological_ticket(db, make, queues):
    petrov = make.user("teacher", email="petrov@gimn2.test")
    ticket = file_ticket(petrov, subject="Отметка за четверть", queue=c.METHODOLOGICAL)
    result = mail_in.ingest(eml("reply-mailru-pishet.eml"))
    assert result.ticket_id == ticket.id and result.reference == "М-000001"
    assert ticket.messages[-1].body == "Спасибо, разобрались: отметку выставили по результатам зачёта."


# --- the command-line pipe ----------------------------------------------------------------


def test_cli_creates_a_ticket_from_standard_input(runner, db, ivanova):
    result = runner.invoke(args=["mail", "ingest"], input=eml("outlook-cp1251-qp.eml"))
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Создано обращение Т-000001"
    assert count(db, Ticket) == 1


def test_cli_reports_a_reply_and_a_quarantine(runner, db, ivanova):
    file_ticket(ivanova)
    reply = runner.invoke(args=["mail", "ingest"], input=eml("reply-gmail-wrote.eml"))
    assert (reply.exit_code, reply.output.strip()) == (0, "Ответ добавлен в Т-000001")
    unknown = runner.invoke(args=["mail", "ingest"], input=eml("unknown-sender.eml"))
    assert unknown.exit_code == 0
    assert unknown.output.strip() == "Письмо помещено в карантин: неизвестный отправитель"
    garbage = runner.invoke(args=["mail", "ingest"], input=eml("garbage.eml"))
    assert garbage.exit_code == 0 and "карантин" in garbage.output
    assert count(db, QuarantinedMail) == 2


def test_cli_asks_the_mta_to_retry_when_the_database_is_unavailable(tmp_path, monkeypatch):
    monkeypatch.setenv("OPORA_INSTANCE_PATH", str(tmp_path))
    broken = create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/missing/opora.db"})
    result = broken.test_cli_runner().invoke(args=["mail", "ingest"], input=eml("outlook-cp1251-qp.eml"))
    assert result.exit_code == 75
    assert "База данных недоступна" in result.output


# --- end to end through a real SMTP server ------------------------------------------------


class TestRoundTripBySmtp:
    @pytest.fixture
    def app_settings(self, mail_settings):
        return mail_settings

    def _answer_by_mail(self, make, mailbox, requester):
        """File a ticket, let an operator answer and wait; return (ticket, the e-mail the requester got)."""
        operator = make.user("operator", email="operator@opora.local")
        ticket = file_ticket(requester)
        services.add_message(operator, ticket, "Пароль сброшен, попробуйте войти снова.")
        services.change_status(operator, ticket, c.WAITING)
        received = [m for m in mailbox.messages if m["To"] == requester.email]
        assert "Пароль сброшен" in received[0].get_body(("plain",)).get_content()
        return ticket, received[0]

    @staticmethod
    def _reply(received, text, thread=True):
        reply = EmailMessage()
        reply["From"] = "Иванова Мария <ivanova@school.test>"
        reply["To"] = received["Reply-To"]
        reply["Subject"] = f"Re: {received['Subject']}"
        reply["Message-ID"] = f"<{abs(hash(text))}@school.test>"
        if thread:
            reply["In-Reply-To"] = reply["References"] = received["Message-ID"]
        quoted = "\n".join(f"> {line}" for line in received.get_body(("plain",)).get_content().splitlines())
        reply.set_content(f"{text}\n\nOn Tue, 12 Apr 2011, Опора wrote:\n{quoted}\n")
        return reply.as_bytes()

    def test_reply_by_in_reply_to(self, db, make, mailbox, ivanova):
        ticket, received = self._answer_by_mail(make, mailbox, ivanova)
        assert received["Reply-To"] == "support@opora.local"
        result = mail_in.ingest(self._reply(received, "Спасибо, теперь всё работает."))
        assert (result.outcome, result.ticket_id) == (mail_in.REPLY_ADDED, ticket.id)
        db.session.refresh(ticket)
        assert ticket.messages[-1].body == "Спасибо, теперь всё работает."
        assert ticket.status == c.IN_PROGRESS
        to_operator = mailbox.bodies_to("operator@opora.local")
        assert any("Спасибо, теперь всё работает." in body for body in to_operator)

    def test_reply_by_subject_tag_only(self, db, make, mailbox, ivanova):
        ticket, received = self._answer_by_mail(make, mailbox, ivanova)
        assert received["Subject"].startswith("[Т-000001]")
        result = mail_in.ingest(self._reply(received, "Всё равно не входит.", thread=False))
        assert (result.outcome, result.ticket_id) == (mail_in.REPLY_ADDED, ticket.id)
        db.session.refresh(ticket)
        assert ticket.messages[-1].body == "Всё равно не входит." and ticket.status == c.IN_PROGRESS


# --- configuration ------------------------------------------------------------------------


def test_queues_get_their_inbound_address_from_the_config_once(db, app):
    app.config["MAIL_TECHNICAL_ADDRESS"] = "help@rcoi.test"
    queues = services.ensure_queues()
    assert queues[c.TECHNICAL].inbound_address == "help@rcoi.test"
    assert queues[c.METHODOLOGICAL].inbound_address == "metod@opora.local"
    app.config["MAIL_TECHNICAL_ADDRESS"] = "changed@rcoi.test"
    assert services.ensure_queues()[c.TECHNICAL].inbound_address == "help@rcoi.test"
