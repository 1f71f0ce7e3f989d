"""Forms of the quarterly report pages: the quarter picker, the report's texts and the review."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, TextAreaField
from wtforms.validators import Length

from app.rollout import constants as c


class QuarterForm(FlaskForm):
    """The quarter of the summary (a GET form: it changes nothing, so no CSRF token)."""

    class Meta:
        csrf = False

    year = SelectField(_l("Year"), validate_choice=False)
    quarter = SelectField(_l("Quarter"), validate_choice=False,
                          choices=[("1", "I"), ("2", "II"), ("3", "III"), ("4", "IV")])

    def offer(self, quarters, chosen):
        """The years that have quarters to report on, and the chosen quarter selected."""
        years = sorted({year for year, _quarter in quarters}, reverse=True)
        self.year.choices = [(str(year), str(year)) for year in years]
        self.year.data, self.quarter.data = str(chosen[0]), str(chosen[1])


TEXT_BOX = {"rows": 5}


class ReportTextForm(FlaskForm):
    """The free-text sections a municipal specialist writes; the version guards against lost edits."""

    problems = TextAreaField(c.REPORT_SECTION_LABELS["problems"], validators=[Length(max=c.REPORT_TEXT_MAX)],
                             description=_l("What held the rollout back in the quarter."), render_kw=TEXT_BOX)
    measures = TextAreaField(c.REPORT_SECTION_LABELS["measures"], validators=[Length(max=c.REPORT_TEXT_MAX)],
                             description=_l("What the education office and the schools did about it."),
                             render_kw=TEXT_BOX)
    proposals = TextAreaField(c.REPORT_SECTION_LABELS["proposals"],
                              validators=[Length(max=c.REPORT_TEXT_MAX)],
                              description=_l("What the region could do."), render_kw=TEXT_BOX)
    version = HiddenField()

    def texts(self):
        """The three sections as the service takes them."""
        return {section: getattr(self, section).data or "" for section in c.REPORT_SECTIONS}


class ReviewForm(FlaskForm):
    """The regional coordinator's decision: accept, or return with a comment."""

    comment = TextAreaField(_l("Comment for the municipality"), validators=[Length(max=c.REPORT_TEXT_MAX)],
                            description=_l("Required when you return the report: say what to correct."))
    version = HiddenField()
