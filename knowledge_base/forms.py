"""Forms of the knowledge base: the article editor, votes, workflow buttons, categories and tags."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, MultipleFileField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import HiddenInput

from knowledge_base import constants as c

REQUIRED = _l("This field is required.")
FILES_HELP = _l("Images (PNG, JPG, GIF) are shown in the guide; other files (PDF, DOC(X), XLS(X), ODT, ODS, "
                "TXT, CSV, ZIP) are offered for download. Up to 10 files at once.")
BODY_HELP = _l("Markdown: ## headings, **bold**, *italic*, lists, tables, `code`, [links](https://…).")


class ArticleForm(FlaskForm):
    """A guide: its text, place in the catalog, readers, the revision comment and new files."""

    title = StringField(_l("Title"), validators=[DataRequired(REQUIRED), Length(max=200)])
    slug = StringField(_l("Address"), validators=[Optional(), Length(max=120)],
                       description=_l("Latin letters, digits and hyphens; made from the title when empty."))
    summary = TextAreaField(_l("Summary"), validators=[Optional(), Length(max=1000)],
                            description=_l("One or two sentences shown in lists and search results."))
    body = TextAreaField(_l("Text"), validators=[DataRequired(REQUIRED), Length(max=200_000)],
                         description=BODY_HELP)
    category_id = SelectField(_l("Category"), coerce=int, default=0,
                              invalid_value_message=_l("Choose a category from the list."))
    tags = StringField(_l("Tags"), validators=[Optional(), Length(max=1500)],
                       description=_l("Comma-separated, e.g.: электронный журнал, отметки"))
    audience = SelectField(_l("Who may read"), choices=[(a, c.AUDIENCE_LABELS[a]) for a in c.AUDIENCES],
                           default=c.STAFF)
    comment = StringField(_l("What changed"), validators=[Optional(), Length(max=300)],
                          description=_l("A short note for the history, e.g. «added screenshots»."))
    files = MultipleFileField(_l("Images and files"), description=FILES_HELP)
    revision = IntegerField(widget=HiddenInput(), validators=[Optional()])

    def set_categories(self, choices):
        """Offer the two-level category list."""
        self.category_id.choices = choices

    def data_for_service(self):
        """The values the services take."""
        return {"title": self.title.data, "slug": self.slug.data, "summary": self.summary.data,
                "body": self.body.data, "category_id": self.category_id.data, "tags": self.tags.data or "",
                "audience": self.audience.data}


class PreviewForm(FlaskForm):
    """The body text to preview as the reader will see it."""

    body = TextAreaField(validators=[Optional(), Length(max=200_000)])


class VoteForm(FlaskForm):
    """«Was this helpful?» with an optional comment; the pressed button says yes or no."""

    helpful = SelectField(choices=[("yes", _l("Yes")), ("no", _l("No"))],
                          validators=[InputRequired(_l("Choose yes or no."))])
    comment = TextAreaField(_l("Comment (optional)"), validators=[Optional(), Length(max=2000)])


class StatusForm(FlaskForm):
    """A workflow button: the status to move the guide to."""

    status = SelectField(choices=[(s, c.STATUS_LABELS[s]) for s in c.STATUSES],
                         validators=[InputRequired()])


class ConfirmForm(FlaskForm):
    """A button that only needs the CSRF token (restore, delete)."""


class CategoryForm(FlaskForm):
    """A category of the two-level tree."""

    name = StringField(_l("Name"), validators=[DataRequired(REQUIRED), Length(max=120)])
    slug = StringField(_l("Address"), validators=[Optional(), Length(max=80)],
                       description=_l("Latin letters, digits and hyphens; made from the name when empty."))
    parent_id = SelectField(_l("Parent category"), coerce=int, default=0,
                            invalid_value_message=_l("Choose a category from the list."))
    position = IntegerField(_l("Position"), default=0, validators=[Optional()])

    def set_parents(self, choices):
        """Offer the top-level categories as parents."""
        self.parent_id.choices = choices


class TagForm(FlaskForm):
    """A tag's new name."""

    name = StringField(_l("Name"), validators=[DataRequired(REQUIRED), Length(max=60)])
