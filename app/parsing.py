"""Lenient parsing of query-string and form values shared by list filters and reports."""

from datetime import date

from flask_babel import gettext as _

from app.errors import ValidationFailed


def positive_int(value):
    """The value as a positive whole number, or None (filters ignore anything else)."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def parse_iso_date(text, name):
    """A YYYY-MM-DD date, None when empty; a clear field error for anything else."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        message = _("Enter the date as YYYY-MM-DD, for example 2024-09-01.")
        raise ValidationFailed(message, {name: [message]}) from None


def apply_filters(target, args, converters):
    """Set each filter of `args` its converter understands on `target`; name the rest in `target.ignored`.

    `converters` maps a parameter name to `convert` (sets the attribute of the same name) or to
    `(attribute, convert)`; a converter returns None for a value it does not understand.
    """
    for name, spec in converters.items():
        attribute, convert = spec if isinstance(spec, tuple) else (name, spec)
        raw = str(args.get(name) or "").strip()
        if not raw:
            continue
        value = convert(raw)
        if value is None:
            target.ignored.append(name)
        else:
            setattr(target, attribute, value)
    return target
