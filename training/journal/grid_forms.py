"""Forms of the class journal: one lesson's marks for the whole class (no JavaScript needed), one mark."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import Length, Optional

from training.journal import constants as c

KIND_CHOICES = [(kind, c.WORK_KIND_LABELS[kind]) for kind in c.WORK_KINDS]
CELL_MAX = 40


class LessonMarksForm(FlaskForm):
    """The kind of work new marks get; a text field per pupil is added by `lesson_marks_form`."""

    kind = SelectField(_l("Kind of work of new marks"), choices=KIND_CHOICES, validate_choice=False)

    def pupil_fields(self, pupils):
        """(pupil, field) in register order."""
        return [(pupil, self[f"pupil_{pupil.id}"]) for pupil in pupils]

    def values(self, pupils):
        """{pupil id: typed text} for the service."""
        return {pupil.id: self[f"pupil_{pupil.id}"].data or "" for pupil in pupils}


def lesson_marks_form(pupils, cells, kind):
    """A form with one text field per pupil, prefilled with the pupil's cell («5 4», «н»)."""

    class Form(LessonMarksForm):
        pass

    for pupil in pupils:
        setattr(Form, f"pupil_{pupil.id}", StringField(pupil.short_name, default=cells[pupil.id].text,
                                                        validators=[Optional(), Length(max=CELL_MAX)]))
    return Form(kind=kind)


class MarkForm(FlaskForm):
    """One mark: its value (none while work is owed), kind of work, weight and comment."""

    value = SelectField(_l("Mark"), validate_choice=False)
    kind = SelectField(_l("Kind of work"), choices=KIND_CHOICES, validate_choice=False)
    weight = StringField(_l("Weight"), validators=[Optional(), Length(max=3)],
                         description=_l("Empty: the school's weight for the kind of work."))
    comment = StringField(_l("Comment"), validators=[Optional(), Length(max=300)],
                          description=_l("The pupil and the parent see it in the diary."))
    is_debt = BooleanField(_l("Work owed («долг»): no mark yet"))

    def set_scale(self, marks):
        """Offer the marks of the school's scale, and «—» for work owed."""
        self.value.choices = [("", "—")] + [(str(mark), str(mark)) for mark in marks]
