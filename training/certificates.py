"""Certificates of completion: a hard-to-guess number, a PDF in Russian and public verification."""

import secrets

from flask_babel import gettext as _
from sqlalchemy import select

from app import pdf
from app.audit import services as audit
from app.auth import permissions
from app.directory import kinds
from app.directory.models import Organization
from app.errors import NotFound, PermissionDenied
from app.extensions import db
from app.timeutil import utcnow
from training.models import Certificate

# No 0/O, 1/I/L: a number read over the phone or retyped from paper should survive.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
# Cyrillic letters that look like Latin ones, as people type them from a printed certificate.
LOOKALIKES = str.maketrans("АВЕКМНОРСТУХ", "ABEKMHOPCTYX")
DEFAULT_ISSUER = "Институт повышения квалификации работников образования"


def _new_number(year):
    block = lambda: "".join(secrets.choice(ALPHABET) for _ in range(4))  # noqa: E731
    return f"{year}-{block()}-{block()}"


def normalize_number(text):
    """A number as typed (any case, spaces, Cyrillic look-alikes) in its canonical form."""
    cleaned = "".join(str(text or "").split()).upper().translate(LOOKALIKES)
    return cleaned.replace("—", "-").replace("–", "-")[:20]


def certificate_by_number(number):
    """The certificate with this number, or None."""
    query = select(Certificate).where(Certificate.number == normalize_number(number))
    return db.session.scalars(query).first()


def issue(enrollment, now=None):
    """Issue the certificate of a completed enrolment once (no commit); names are frozen as printed."""
    if enrollment.certificate is not None:
        return enrollment.certificate
    now = now or utcnow()
    number = _new_number(now.year)
    while certificate_by_number(number) is not None:
        number = _new_number(now.year)
    course = enrollment.course
    certificate = Certificate(number=number, enrollment=enrollment, full_name=enrollment.user.full_name,
                              course_title=course.title, hours=course.hours, issued_at=now)
    db.session.add(certificate)
    return certificate


def certificate_for_download(user, number):
    """The certificate for its holder or whoever may view the holder's progress."""
    certificate = certificate_by_number(number)
    if certificate is None or not permissions.can_view_enrollment(user, certificate.enrollment):
        raise NotFound(_("No such certificate."))
    return certificate


def revoke(user, number, reason):
    """Revoke a certificate issued in error; verification then says so."""
    if not permissions.can_revoke_certificate(user):
        raise PermissionDenied(_("You may not revoke certificates."))
    certificate = certificate_by_number(number)
    if certificate is None:
        raise NotFound(_("No such certificate."))
    if certificate.revoked_at is None:
        certificate.revoked_at = utcnow()
        audit.record("training.certificate_revoked", actor=user, target=certificate,
                     number=certificate.number, reason=reason)
        db.session.commit()
    return certificate


def issuer_name():
    """The teacher-training institute of the directory, which issues the certificates."""
    name = db.session.scalars(select(Organization.name).where(Organization.kind == kinds.INSTITUTE)).first()
    return name or DEFAULT_ISSUER


def _hours_phrase(hours):
    last, tens = hours % 10, hours % 100
    if last == 1 and tens != 11:
        word = "час"
    elif 2 <= last <= 4 and not 12 <= tens <= 14:
        word = "часа"
    else:
        word = "часов"
    return f"в объёме {hours} {word}"


def render_pdf(certificate, verify_url, issued_on):
    """The certificate as an A4 landscape PDF in Russian; `issued_on` is the date as printed."""
    document = pdf.new_document("landscape", title=f"Сертификат № {certificate.number}", author=issuer_name())
    document.add_page()
    document.set_line_width(1.2)
    document.rect(10, 10, 277, 190)
    document.set_line_width(0.3)
    document.rect(14, 14, 269, 182)
    _centered(document, issuer_name(), size=12, top=24)
    _centered(document, "СЕРТИФИКАТ", size=34, style="B", top=46)
    _centered(document, "о прохождении курса повышения квалификации", size=14, top=66)
    _centered(document, "Настоящим подтверждается, что", size=12, top=84)
    _centered(document, certificate.full_name, size=22, style="B", top=96)
    _centered(document, "успешно освоил(а) программу курса", size=12, top=114)
    _centered(document, f"«{certificate.course_title}»", size=16, style="B", top=124)
    _centered(document, _hours_phrase(certificate.hours), size=12, top=146)
    document.set_font(pdf.FONT, size=11)
    document.set_xy(24, 168)
    document.cell(120, 8, f"Регистрационный номер: {certificate.number}")
    document.set_xy(153, 168)
    document.cell(120, 8, f"Дата выдачи: {issued_on}", align="R")
    document.set_font(pdf.FONT, size=9)
    document.set_xy(24, 180)
    document.cell(249, 6, f"Проверить подлинность: {verify_url}", align="C", link=verify_url)
    return pdf.to_bytes(document)


def _centered(document, text, size, top, style=""):
    document.set_font(pdf.FONT, style=style, size=size)
    document.set_xy(20, top)
    document.multi_cell(257, size * 0.5, text, align="C")
