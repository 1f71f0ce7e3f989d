"""Delivery of one outbox message: SMTP when configured, else a log file in the instance folder."""

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path


class DeliveryError(Exception):
    """The message could not be handed over; it stays queued."""


def build_email(config, message):
    """The RFC 5322 message for an outbox row, in UTF-8."""
    email = EmailMessage()
    email["From"] = config["MAIL_FROM"]
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Date"] = formatdate(localtime=False)
    email["Message-ID"] = message.message_id or make_msgid(domain="opora.local")
    if message.reply_to:
        email["Reply-To"] = message.reply_to
    if message.in_reply_to:
        email["In-Reply-To"] = message.in_reply_to
        email["References"] = message.in_reply_to
    email.set_content(message.body, charset="utf-8")
    return email


def send(config, message):
    """Send the message; return its Message-ID or raise DeliveryError."""
    email = build_email(config, message)
    if not config.get("SMTP_HOST"):
        _append_to_log(config, email)
        return email["Message-ID"]
    try:
        _send_smtp(config, email)
    except (OSError, smtplib.SMTPException) as exc:
        raise DeliveryError(f"{type(exc).__name__}: {exc}") from exc
    return email["Message-ID"]


def _send_smtp(config, email):
    host, port, timeout = config["SMTP_HOST"], config["SMTP_PORT"], config["SMTP_TIMEOUT"]
    if config.get("SMTP_SSL"):
        client = smtplib.SMTP_SSL(host, port, timeout=timeout, context=ssl.create_default_context())
    else:
        client = smtplib.SMTP(host, port, timeout=timeout)
    with client:
        if config.get("SMTP_STARTTLS"):
            client.starttls(context=ssl.create_default_context())
        if config.get("SMTP_USER"):
            client.login(config["SMTP_USER"], config.get("SMTP_PASSWORD") or "")
        client.send_message(email)


def _append_to_log(config, email):
    path = Path(config["MAIL_LOG_PATH"])
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as log:
        for header in ("Message-ID", "Date", "From", "To", "Subject"):
            log.write(f"{header}: {email[header]}\n")
        log.write("\n" + email.get_content() + "\n" + "=" * 72 + "\n")
