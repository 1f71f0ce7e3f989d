"""Certificates: the PDF for its holder and the public verification page."""

from flask import Blueprint

bp = Blueprint("training_certificates", __name__, url_prefix="/training/certificates",
               template_folder="templates")
