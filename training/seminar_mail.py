"""E-mail about seminars, queued in the outbox within the caller's transaction (sent after the commit)."""

from flask import current_app
from flask_babel import gettext as _

from app.mail import services as mail

# template → subject; every template lives in training/templates/mail/<template>.txt
SUBJECTS = {
    "seminar_promoted": lambda title: _("A place at the seminar «%(title)s» is yours", title=title),
    "seminar_cancelled": lambda title: _("The seminar «%(title)s» is cancelled", title=title),
    "seminar_changed": lambda title: _("The seminar «%(title)s» has changed", title=title),
    "seminar_reminder": lambda title: _("Reminder: the seminar «%(title)s» is coming", title=title),
}


def seminar_url(seminar):
    """The seminar page's address for a letter."""
    return f"{current_app.config['BASE_URL']}/training/seminars/{seminar.id}"


def send(seminar, registrations, template):
    """Queue one letter per enabled person of the registrations; return the outbox rows."""
    outgoing, seen = [], set()
    subject = SUBJECTS[template](seminar.title)
    for registration in registrations:
        user = registration.user
        if not user.is_enabled or user.email in seen:
            continue
        seen.add(user.email)
        outgoing.append(mail.queue(
            user.email, subject, template, seminar=seminar, registration=registration, reader=user,
            url=seminar_url(seminar), ics_url=f"{seminar_url(seminar)}.ics",
            schedule_url=f"{current_app.config['BASE_URL']}/training/seminars/",
        ))
    return outgoing


def deliver(messages):
    """Try to send the committed letters now; failures stay queued for `opora mail send`."""
    return mail.deliver_soon([message.id for message in messages])
