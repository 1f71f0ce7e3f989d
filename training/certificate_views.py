"""Certificates: the PDF for its holder and the public verification page by number."""

from flask import Blueprint, Response, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_login import current_user, login_required

from app.exports import content_disposition
from app.extensions import limiter
from training import certificates

bp = Blueprint("training_certificates", __name__, url_prefix="/training/certificates",
               template_folder="templates")

# Verification is public: a limit keeps anyone from walking through the number space.
VERIFY_LIMIT = "60 per minute"


@bp.route("/")
@limiter.limit(VERIFY_LIMIT)
def lookup():
    """A form to type a certificate number; a filled one leads to its verification page."""
    number = certificates.normalize_number(request.args.get("number", ""))
    if number:
        return redirect(url_for(".show", number=number))
    return render_template("training/certificate_lookup.html")


@bp.route("/<number>")
@limiter.limit(VERIFY_LIMIT)
def show(number):
    """Confirms or denies a certificate; shows only what is printed on it."""
    certificate = certificates.certificate_by_number(number)
    status = 200 if certificate is not None else 404
    return render_template("training/certificate.html", certificate=certificate,
                           number=certificates.normalize_number(number)), status


@bp.route("/<number>.pdf")
@login_required
def download(number):
    """The certificate as a PDF, for its holder and those who follow the holder's progress."""
    certificate = certificates.certificate_for_download(current_user, number)
    verify_url = url_for(".show", number=certificate.number, _external=True)
    body = certificates.render_pdf(certificate, verify_url, format_date(certificate.issued_at, "dd.MM.yyyy"))
    response = Response(body, mimetype="application/pdf")
    response.headers["Content-Disposition"] = content_disposition(f"Сертификат {certificate.number}.pdf")
    return response
