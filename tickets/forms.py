"""Forms of the hotline pages: a new ticket, a reply, a status change and the rating."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    MultipleFileField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import HiddenInput

from tickets import constants as c

REQUIRED = _l("This field is required.")
SUBJECT_MAX = 200
TEXT_MAX = 20000
NOTE_MAX = 2000
MARKDOWN_HELP = _l("Markdown is supported: **bold**, *italic*, lists, `code`, links.")
FILES_HELP = _l("Screenshots, documents or logs: PDF, PNG, JPG, GIF, TXT, CSV, LOG, DOC(X), XLS(X), "
                "ODT, ODS, ZIP; up to 10 files.")
QUEUE_CHOICES = (
    (c.TECHNICAL, _l("Technical: access, passwords, the platform")),
    (c.METHODOLOGICAL, _l("Methodological: how to keep the journal and the diary")),
)
REQUESTER_PRIORITIES = (c.LOW, c.NORMAL, c.HIGH)


def _version_field():
    # The version the page showed: the service refuses a change made on an outdated page.
    # The label WTForms would make ("Version"), given: making it loads WTForms' catalog on each request.
    return IntegerField("Version", widget=HiddenInput(), validators=[InputRequired()])


class TicketForm(FlaskForm):
    """A new ticket: the hotline, topic, priority, text and files."""

    queue = RadioField(_l("Hotline"), choices=QUEUE_CHOICES, default=c.TECHNICAL,
                       validators=[InputRequired(_l("Choose the hotline."))])
    category_id = SelectField(_l("Category"), coerce=int, default=0,
                              invalid_value_message=_l("Choose a category from the list."))
    priority = SelectField(_l("Priority"), default=c.NORMAL)
    subject = StringField(_l("Subject"), validators=[DataRequired(REQUIRED), Length(max=SUBJECT_MAX)],
                          description=_l("What is the problem, in a few words."))
    body = TextAreaField(_l("Description"), validators=[DataRequired(REQUIRED), Length(max=TEXT_MAX)],
                         description=MARKDOWN_HELP)
    files = MultipleFileField(_l("Attachments"), description=FILES_HELP)
    # Guides: the ones the suggestion script showed (comma-separated slugs), and the one asked about.
    seen_articles = HiddenField()
    article = HiddenField()

    def set_choices(self, categories, may_choose_urgent):
        """Offer the categories grouped by hotline key, and the priorities the user may choose."""
        groups = {"": [(0, _l("— not sure —"))]}
        for category in categories:
            groups.setdefault(category.queue.key, []).append((category.id, category.name))
        self.category_id.choices = groups
        allowed = c.PRIORITIES if may_choose_urgent else REQUESTER_PRIORITIES
        self.priority.choices = [(p, c.PRIORITY_LABELS[p]) for p in allowed]


class ReplyForm(FlaskForm):
    """A reply (or, for agents, an internal note) with files."""

    # Ids of their own: the agent panel's canned replies insert their text into #reply-body.
    body = TextAreaField(_l("Reply"), validators=[DataRequired(REQUIRED), Length(max=TEXT_MAX)],
                         description=MARKDOWN_HELP, id="reply-body")
    files = MultipleFileField(_l("Attachments"), description=FILES_HELP, id="reply-files")
    is_internal = BooleanField(_l("Internal note (not shown or mailed to the requester)"))
    version = _version_field()


class StatusForm(FlaskForm):
    """An agent moves the ticket to another status."""

    status = SelectField(_l("New status"), choices=[(s, c.STATUS_LABELS[s]) for s in c.STATUSES],
                         validators=[InputRequired(REQUIRED)])
    note = TextAreaField(_l("Note for the history (agents only)"),
                         validators=[Optional(), Length(max=NOTE_MAX)])
    version = _version_field()

    def offer(self, statuses):
        """Show only the statuses the ticket may go to next."""
        self.status.choices = [(s, c.STATUS_LABELS[s]) for s in statuses]


class RatingForm(FlaskForm):
    """The requester rates the answer."""

    rating = RadioField(_l("Rating"), coerce=int, choices=[(n, str(n)) for n in range(1, 6)],
                        validators=[InputRequired(_l("Choose a rating from 1 to 5."))])
    comment = TextAreaField(_l("Comment"), validators=[Optional(), Length(max=NOTE_MAX)])


class DraftGuideForm(FlaskForm):
    """«Make a guide draft» of an answer: nothing to fill in, the CSRF token only."""
