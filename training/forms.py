"""Forms of the training package: course authoring (courses, modules, quiz questions)."""

import json

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from training import constants as c

REQUIRED = _l("This field is required.")
MARKDOWN_HELP = _l("Markdown: ## headings, **bold**, *italic*, lists, tables, `code`, [links](https://…).")
SLUG_HELP = _l("Latin letters, digits and hyphens; made from the title when empty.")
OPTION_ROWS = 6


class CourseForm(FlaskForm):
    """A course: its title, address, texts, hours and whether modules open one after another."""

    title = StringField(_l("Title"), validators=[DataRequired(REQUIRED), Length(max=250)])
    slug = StringField(_l("Address"), validators=[Optional(), Length(max=80)], description=SLUG_HELP)
    summary = TextAreaField(_l("Short description"), validators=[Optional(), Length(max=2000)],
                            description=_l("One paragraph shown in the course catalogue."))
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=100_000)],
                                description=MARKDOWN_HELP)
    hours = IntegerField(_l("Hours"), default=36, validators=[
        InputRequired(_l("Write the number of hours.")),
        NumberRange(0, 1000, _l("Hours are a whole number from 0 to 1000."))])
    is_sequential = BooleanField(_l("Modules open one after another"), default=True)

    def data_for_service(self):
        """The values the services take."""
        return {name: getattr(self, name).data
                for name in ("title", "slug", "summary", "description", "hours", "is_sequential")}


class ModuleForm(FlaskForm):
    """A module: the lesson, the quiz settings, prerequisites and the practical task."""

    title = StringField(_l("Title"), validators=[DataRequired(REQUIRED), Length(max=250)])
    slug = StringField(_l("Address"), validators=[Optional(), Length(max=80)], description=SLUG_HELP)
    lesson = TextAreaField(_l("Lesson"), validators=[Optional(), Length(max=200_000)],
                           description=MARKDOWN_HELP)
    minutes = IntegerField(_l("Minutes of study"), default=45, validators=[
        InputRequired(_l("Write how many minutes the module takes.")),
        NumberRange(0, 10_000, _l("Minutes are a whole number from 0 to 10000."))])
    pass_mark = IntegerField(_l("Pass mark, per cent"), default=c.DEFAULT_PASS_MARK, validators=[
        InputRequired(_l("Write the pass mark.")),
        NumberRange(1, 100, _l("The pass mark is a per cent from 1 to 100."))])
    max_attempts = IntegerField(_l("Attempts allowed"), validators=[
        Optional(), NumberRange(1, 100, _l("Attempts are a whole number from 1 to 100."))],
        description=_l("Leave empty for no limit."))
    is_shuffled = BooleanField(_l("Shuffle questions and options"), default=True)
    prerequisite_ids = SelectMultipleField(_l("Modules to finish first"), coerce=int, choices=[],
                                           description=_l("Only for courses whose modules may be taken "
                                                          "in any order."))
    task_key = SelectField(_l("Practical task"), choices=[], default="")
    task_params = TextAreaField(_l("Task parameters"), validators=[Optional(), Length(max=5000)],
                                description=_l("A JSON object, e.g. {\"marks\": 5}; usually empty."))

    def set_choices(self, other_modules, task_choices):
        """Offer the course's other modules as prerequisites and the registered practical tasks."""
        self.prerequisite_ids.choices = [(module.id, module.title) for module in other_modules]
        self.task_key.choices = [("", _l("— no practical task —"))] + list(task_choices)

    def fill_from(self, module):
        """Show the module's prerequisites and task parameters (the other fields come from obj=)."""
        self.prerequisite_ids.data = [other.id for other in module.prerequisites]
        self.task_key.data = module.task_key or ""
        params = module.task_params
        self.task_params.data = json.dumps(params, ensure_ascii=False) if params else ""

    def data_for_service(self):
        """The values the services take."""
        names = ("title", "slug", "lesson", "minutes", "pass_mark", "max_attempts", "is_shuffled",
                 "prerequisite_ids", "task_key", "task_params")
        return {name: getattr(self, name).data for name in names}


class QuestionOptionForm(Form):
    """One option row of a choice question; a row left blank is ignored."""

    text = StringField(_l("Option"), validators=[Optional(), Length(max=1000)])
    is_correct = BooleanField(_l("Correct"))


class QuestionForm(FlaskForm):
    """A quiz question: kind, text, options with correct flags or accepted answers, explanation, points."""

    kind = SelectField(_l("Kind of question"), default=c.SINGLE, validators=[InputRequired()],
                       choices=[(kind, c.QUESTION_KIND_LABELS[kind]) for kind in c.QUESTION_KINDS])
    text = TextAreaField(_l("Question"), validators=[DataRequired(REQUIRED), Length(max=5000)])
    options = FieldList(FormField(QuestionOptionForm), min_entries=OPTION_ROWS, max_entries=20)
    accepted_answers = TextAreaField(_l("Accepted answers"), validators=[Optional(), Length(max=5000)],
                                     description=_l("For a short answer: one per line. Case, «ё» and extra "
                                                    "spaces do not matter."))
    explanation = TextAreaField(_l("Explanation"), validators=[Optional(), Length(max=5000)],
                                description=_l("Shown to the learner after the quiz is submitted."))
    points = IntegerField(_l("Points"), default=1, validators=[
        InputRequired(_l("Write the points.")),
        NumberRange(1, 100, _l("Points are a whole number from 1 to 100."))])

    def fill_from(self, question):
        """Show the accepted answers one per line (the other fields come from obj=)."""
        self.accepted_answers.data = "\n".join(question.accepted_answers or ())

    def data_for_service(self):
        """The values the services take."""
        return {"kind": self.kind.data, "text": self.text.data, "explanation": self.explanation.data,
                "points": self.points.data, "accepted_answers": self.accepted_answers.data or "",
                "options": [{"text": row.form.text.data, "correct": row.form.is_correct.data}
                            for row in self.options]}


class CourseStatusForm(FlaskForm):
    """A workflow button: the status to move the course to."""

    status = SelectField(choices=[(s, c.COURSE_STATUS_LABELS[s]) for s in c.COURSE_STATUSES],
                         validators=[InputRequired()])


class CourseMoveForm(FlaskForm):
    """An up or down button of a module or a question."""

    direction = SelectField(choices=[("up", "up"), ("down", "down")], validators=[InputRequired()])


class CourseConfirmForm(FlaskForm):
    """A button that only needs the CSRF token (delete a module or a question)."""
