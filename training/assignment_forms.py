"""Forms of the assignment pages: assigning a course, and the filters of the progress list."""

from collections import defaultdict

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectField, SelectMultipleField
from wtforms.validators import Optional

from app.directory import kinds
from training import constants as c

CHOOSE_COURSE = _l("Choose a published course from the list.")
CHOOSE_ORGANIZATION = _l("Choose a school or a municipality from the list.")
PEOPLE_SIZE = 10  # rows the people list shows at once


def optional_id(value):
    """An id from a select; the empty placeholder is None (the service says what to choose)."""
    return None if value in ("", None) else int(value)


def organization_choices(organizations, placeholder):
    """Grouped choices: each municipality as a whole, then its schools; a school coordinator's school."""
    municipalities = [org for org in organizations if org.kind == kinds.MUNICIPALITY]
    if not municipalities:
        return [("", placeholder)] + [(org.id, org.display_name) for org in organizations]
    schools_of = defaultdict(list)
    for org in organizations:
        if org.kind == kinds.SCHOOL:
            schools_of[org.parent_id].append((org.id, org.display_name))
    choices = {"": [("", placeholder)]}
    for municipality in municipalities:
        whole = (municipality.id, _("%(name)s — all schools", name=municipality.display_name))
        choices[municipality.display_name] = [whole, *schools_of[municipality.id]]
    return choices


def people_choices(people):
    """The people grouped by their organization."""
    groups = {}
    for user in people:
        groups.setdefault(user.organization.display_name, []).append((user.id, user.full_name))
    return groups


class AssignForm(FlaskForm):
    """A course for chosen people of an organization, or for all its staff, by a due date."""

    course = SelectField(_l("Course"), coerce=optional_id, validate_choice=False,
                         invalid_value_message=CHOOSE_COURSE)
    organization = SelectField(_l("School or municipality"), coerce=optional_id, validate_choice=False,
                               invalid_value_message=CHOOSE_ORGANIZATION)
    people = SelectMultipleField(
        _l("People"), coerce=int, validate_choice=False,
        invalid_value_message=_l("Choose people of the selected organization from the list."),
        description=_l("Leave empty to assign the course to all teachers and school coordinators of the "
                       "organization. Hold Ctrl to choose several people."))
    due_on = DateField(_l("Due date"), validators=[Optional()],
                       description=_l("Optional. People who already have an earlier date keep it."))

    def set_choices(self, courses, organizations, people):
        """Offer the published courses, the organizations in scope and the chosen organization's people."""
        courses = [(course.id, course.title) for course in courses]
        self.course.choices = [("", _("— choose a course —")), *courses]
        self.organization.choices = organization_choices(organizations, _("— choose an organization —"))
        self.people.choices = people_choices(people)


class ProgressFilterForm(FlaskForm):
    """Filters of the progress list (a GET form: it changes nothing, so no CSRF token)."""

    class Meta:
        csrf = False

    course = SelectField(_l("Course"), validate_choice=False)
    organization = SelectField(_l("School or municipality"), validate_choice=False)
    status = SelectField(_l("Status"), validate_choice=False)
    overdue = BooleanField(_l("Overdue only"), false_values=("", "0", "false"))

    def set_choices(self, courses, organizations):
        """Offer the courses, the organizations in scope and the progress statuses."""
        self.course.choices = [("", _("All courses")), *((course.id, course.title) for course in courses)]
        self.organization.choices = organization_choices(organizations, _("Everyone in my scope"))
        statuses = [(status, str(c.PROGRESS_LABELS[status])) for status in c.PROGRESS_STATUSES]
        self.status.choices = [("", _("Any status")), *statuses]
