"""Helpers shared by form-handling views."""

from flask import flash


def attach_errors(form, error):
    """Show a service's ValidationFailed next to the form's fields (or as a flash message)."""
    shown = False
    for name, messages in error.field_errors.items():
        field = getattr(form, name, None)
        if field is not None:
            field.errors = list(messages)
            shown = True
    if error.message and not shown:
        flash(error.message, "danger")


def form_status(form):
    """HTTP status for re-rendering a form: 200 when first shown, 400 after a failed submit."""
    return 400 if form.is_submitted() else 200
