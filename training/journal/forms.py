"""Forms of the sandbox: the school settings, a lesson's topic and homework, buttons."""

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, FileField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from training.journal import constants as c
from training.journal import sandbox
from training.journal.lessons import MAX_HOMEWORK, MAX_TOPIC


def _comma(number):
    return f"{number:.2f}".replace(".", ",")


def threshold_choices():
    """(value, label) of every rounding threshold, with what 4,xx turns into: «0,60 — 4,60 → 5, 4,59 → 4»."""
    return [(f"{threshold:.2f}", f"{_comma(threshold)} — {_comma(4 + threshold)} → 5, "
                                 f"{_comma(4 + threshold - Decimal('0.01'))} → 4")
            for threshold in sandbox.THRESHOLDS]


def _weight_field(kind):
    low, high = sandbox.WEIGHT_RANGE
    return IntegerField(c.WORK_KIND_LABELS[kind], validators=[
        InputRequired(_l("Enter the weight.")),
        NumberRange(min=low, max=high,
                    message=_l("The weight must be a whole number from %(min)s to %(max)s."))])


class ConfirmForm(FlaskForm):
    """A button that only needs the CSRF token (fill, reset, confirm period marks)."""


class SettingsForm(FlaskForm):
    """The practice school's settings: scale, weights, rounding, edit window, minimum of marks."""

    mark_scale = SelectField(_l("Mark scale"), choices=list(c.SCALE_LABELS.items()),
                             description=_l("Many schools do not give a «1»: then the scale is 2 to 5."))
    weight_classwork = _weight_field(c.CLASSWORK)
    weight_homework = _weight_field(c.HOMEWORK)
    weight_test = _weight_field(c.TEST)
    weight_control = _weight_field(c.CONTROL)
    rounding_threshold = SelectField(
        _l("Rounding threshold of quarter and year marks"), choices=threshold_choices,
        description=_l("The proposed mark goes up when the fraction of the weighted average reaches the "
                       "threshold: with 0,50 an average of 4,50 gives 5, with 0,60 it gives 4."))
    edit_window_days = IntegerField(
        _l("Edit window, days after the lesson"), validators=[
            InputRequired(_l("Enter the number of days.")),
            NumberRange(min=sandbox.EDIT_WINDOW_RANGE[0], max=sandbox.EDIT_WINDOW_RANGE[1],
                        message=_l("The edit window must be from %(min)s to %(max)s days."))],
        description=_l("After the lesson day plus this many days the teacher can no longer change the "
                       "lesson's marks, topic and homework. 0: only on the lesson day."))
    min_marks = IntegerField(
        _l("Minimum of marks for a quarter mark"), validators=[
            InputRequired(_l("Enter the minimum.")),
            NumberRange(min=sandbox.MIN_MARKS_RANGE[0], max=sandbox.MIN_MARKS_RANGE[1],
                        message=_l("The minimum must be a whole number from %(min)s to %(max)s."))],
        description=_l("With fewer marks the journal warns that the quarter mark rests on too little."))

    @classmethod
    def from_settings(cls, settings):
        """The form filled with the school's current settings."""
        data = {"mark_scale": settings["mark_scale"],
                "rounding_threshold": f"{settings['rounding_threshold']:.2f}",
                "edit_window_days": settings["edit_window_days"], "min_marks": settings["min_marks"]}
        data.update({f"weight_{kind}": weight for kind, weight in settings["weights"].items()})
        return cls(data=data)

    def data_for_service(self):
        """The values update_settings takes."""
        return {"mark_scale": self.mark_scale.data, "rounding_threshold": self.rounding_threshold.data,
                "edit_window_days": self.edit_window_days.data, "min_marks": self.min_marks.data,
                "weights": {kind: getattr(self, f"weight_{kind}").data for kind in c.WORK_KINDS}}


class LessonForm(FlaskForm):
    """A lesson's topic, homework and homework attachment."""

    topic = StringField(_l("Topic of the lesson"), validators=[Optional(), Length(max=MAX_TOPIC)])
    homework = TextAreaField(_l("Homework"), validators=[Optional(), Length(max=MAX_HOMEWORK)],
                             description=_l("What to do, with page and exercise numbers."))
    file = FileField(_l("Attachment to the homework"),
                     description=_l("A worksheet or a picture: PDF, Word, Excel, an image or a text file."))
    remove_file = BooleanField(_l("Remove the attached file"))
