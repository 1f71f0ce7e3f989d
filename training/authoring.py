"""Course authoring: courses and publishing (methodologists and the admin); modules and questions are in
training/module_authoring.py.

Results are never lost: modules and questions of a course somebody is enrolled in cannot be deleted.
The quiz rules (`question_problems`, `publish_problems`) are shared with the file importer.
"""

import re
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import case, func, select

from app.audit import services as audit
from app.auth import permissions
from app.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from app.extensions import db
from app.timeutil import utcnow
from knowledge_base.services import slugify
from training import constants as c
from training import tasks
from training.models import Course, Enrollment, Module, Question

PER_PAGE = 30
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_SLUG, MAX_TITLE, MAX_TASK_KEY = 80, 250, 60
UP, DOWN = "up", "down"
STATUS_ACTIONS = {c.PUBLISHED: "training.course_published", c.DRAFT: "training.course_unpublished",
                  c.ARCHIVED: "training.course_archived"}


@dataclass(frozen=True)
class CourseCounts:
    """Figures of a course in the authors' list."""

    modules: int = 0
    enrolled: int = 0
    completed: int = 0


# --- the quiz rules -----------------------------------------------------------------------


def question_problems(kind, options, answers):
    """What is wrong with a question: options are (text, is_correct) pairs, answers accepted texts."""
    if kind not in c.QUESTION_KINDS:
        return [_("Choose the kind of question.")]
    if kind == c.SHORT:
        return [] if answers else [_("A short-answer question needs at least one accepted answer.")]
    problems = []
    if len(options) < 2:
        problems.append(_("A question with choices needs at least two options."))
    correct = sum(1 for _text, is_correct in options if is_correct)
    if kind == c.SINGLE and correct != 1:
        problems.append(_("A single-choice question needs exactly one correct option."))
    if kind == c.MULTIPLE and correct < 1:
        problems.append(_("A multiple-choice question needs at least one correct option."))
    return problems


def pass_mark_problem(value):
    """Why a pass mark cannot be used, or None."""
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 100:
        return _("The pass mark is a per cent from 1 to 100.")
    return None


def publish_problems(course):
    """Why the course cannot be published: an empty list when it can."""
    if not course.modules:
        return [_("Add at least one module: a course without modules cannot be published.")]
    problems = []
    for module in course.modules:
        found = [pass_mark_problem(module.pass_mark)] if module.questions else []
        if module.task_key and not tasks.is_known(module.task_key):
            found.append(_("The practical task «%(key)s» is not available.", key=module.task_key))
        for number, question in enumerate(module.questions, 1):
            options = [(option.text, option.is_correct) for option in question.options]
            found.extend(_("Question %(n)d: %(problem)s", n=number, problem=problem)
                         for problem in question_problems(question.kind, options, question.accepted_answers))
        problems.extend(_("Module «%(title)s»: %(problem)s", title=module.title, problem=problem)
                        for problem in found if problem)
    return problems


@dataclass(frozen=True)
class CourseOverview:
    """A course as its authors see it: what blocks publishing, whether learners are enrolled."""

    course: Course
    problems: list
    has_learners: bool
    transitions: tuple


# --- lookups ------------------------------------------------------------------------------


def require_author(actor):
    """Refuse users who do not author courses."""
    if not permissions.can_author_courses(actor):
        raise PermissionDenied(_("Only methodologists and administrators edit courses."))


def course_listing(actor, page=1):
    """A page of every course (newest first) and, by course id, its modules, learners and finishers."""
    require_author(actor)
    query = select(Course).order_by(Course.created_at.desc(), Course.id.desc())
    listing = db.paginate(query, page=page, per_page=PER_PAGE, error_out=False)
    ids = [course.id for course in listing.items]
    modules = dict(db.session.execute(
        select(Module.course_id, func.count()).where(Module.course_id.in_(ids)).group_by(Module.course_id)
    ).all())
    finished = func.sum(case((Enrollment.status == c.COMPLETED, 1), else_=0))
    learners = {course_id: (enrolled, int(done or 0)) for course_id, enrolled, done in db.session.execute(
        select(Enrollment.course_id, func.count(), finished)
        .where(Enrollment.course_id.in_(ids)).group_by(Enrollment.course_id)
    )}
    counts = {course_id: CourseCounts(modules.get(course_id, 0), *learners.get(course_id, (0, 0)))
              for course_id in ids}
    return listing, counts


def course_for_author(actor, course_id):
    """The course, for an author."""
    require_author(actor)
    course = db.session.get(Course, course_id)
    if course is None:
        raise NotFound(_("There is no such course."))
    return course


def course_overview(actor, course_id):
    """The course with what blocks publishing, whether it has learners, and the statuses it may take."""
    course = course_for_author(actor, course_id)
    return CourseOverview(course=course, problems=publish_problems(course), has_learners=has_learners(course),
                          transitions=c.COURSE_TRANSITIONS.get(course.status, ()))


def module_for_author(actor, module_id):
    """The module, for an author."""
    require_author(actor)
    module = db.session.get(Module, module_id)
    if module is None:
        raise NotFound(_("There is no such module."))
    return module


def question_for_author(actor, question_id):
    """The question, for an author."""
    require_author(actor)
    question = db.session.get(Question, question_id)
    if question is None:
        raise NotFound(_("There is no such question."))
    return question


def has_learners(course):
    """Whether anybody is enrolled in the course (their results must survive every edit)."""
    query = select(Enrollment.id).where(Enrollment.course_id == course.id).limit(1)
    return db.session.scalar(query) is not None


def task_choices():
    """(key, label) of the registered practical tasks."""
    return tasks.choices()


# --- helpers ------------------------------------------------------------------------------


def apply_values(obj, values):
    """Set the attributes that differ; return the names of those changed."""
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, values[name])
    return changed


def clean_text(data, name):
    """The stripped text of a field (empty when missing)."""
    return str(data.get(name) or "").strip()


def whole_number(data, name, errors, low, high, message, required=True):
    """The field as an int within [low, high]; otherwise `message` goes to errors[name]."""
    value = data.get(name)
    if value in (None, "") and not required:
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = None
    if number is None or isinstance(value, bool) or not low <= number <= high:
        errors[name] = [message]
    return number


def slug_for(data, taken, errors, fallback="course"):
    """The given slug, or one made from the title; `taken(slug)` says whether it is used already."""
    slug = clean_text(data, "slug").lower()
    if not slug:
        base, number = slugify(clean_text(data, "title"))[:MAX_SLUG].rstrip("-") or fallback, 1
        slug = base
        while taken(slug):
            number += 1
            slug = f"{base[:MAX_SLUG - 4]}-{number}"
        return slug
    if len(slug) > MAX_SLUG or not SLUG_PATTERN.match(slug):
        errors["slug"] = [_("The address may contain only lowercase Latin letters, digits and single "
                            "hyphens (at most %(n)d characters), like e-journal.", n=MAX_SLUG)]
    elif taken(slug):
        errors["slug"] = [_("The address “%(slug)s” is already used. Choose another one.", slug=slug)]
    return slug


def title_for(data, errors, message):
    """The required title; `message` when it is missing."""
    title = clean_text(data, "title")
    if not title:
        errors["title"] = [message]
    elif len(title) > MAX_TITLE:
        errors["title"] = [_("Shorten this to %(max)d characters.", max=MAX_TITLE)]
    return title


def raise_if_errors(errors):
    """ValidationFailed with the field errors, if there are any."""
    if errors:
        raise ValidationFailed(_("Please correct the fields marked below."), errors)


def renumber(items):
    """Positions 1, 2, 3… in the items' order."""
    for position, item in enumerate(items, 1):
        item.position = position


def swapped(items, item, direction):
    """The items with `item` swapped with its neighbour; None when it is already at that end."""
    if direction not in (UP, DOWN):
        raise ValidationFailed(_("Choose up or down."))
    items = list(items)
    index = items.index(item)
    other = index - 1 if direction == UP else index + 1
    if not 0 <= other < len(items):
        return None
    items[index], items[other] = items[other], items[index]
    return items


# --- courses ------------------------------------------------------------------------------


def _course_values(data, course_id=None):
    errors = {}

    def taken(slug):
        query = select(Course.id).where(Course.slug == slug, Course.id != (course_id or 0))
        return db.session.scalar(query) is not None

    values = {"title": title_for(data, errors, _("Write the title of the course.")),
              "slug": slug_for(data, taken, errors), "summary": clean_text(data, "summary"),
              "description": clean_text(data, "description"),
              "hours": whole_number(data, "hours", errors, 0, 1000,
                                    _("Hours are a whole number from 0 to 1000.")),
              "is_sequential": bool(data.get("is_sequential"))}
    raise_if_errors(errors)
    return values


def create_course(actor, data):
    """A new draft course written by the actor."""
    require_author(actor)
    course = Course(author=actor, status=c.DRAFT, **_course_values(data))
    db.session.add(course)
    db.session.flush()
    audit.record("training.course_created", actor=actor, target=course, slug=course.slug)
    db.session.commit()
    return course


def update_course(actor, course_id, data):
    """Change the course's title, address, texts, hours or order of study."""
    course = course_for_author(actor, course_id)
    changed = apply_values(course, _course_values(data, course.id))
    if changed:
        course.updated_at = utcnow()
        audit.record("training.course_updated", actor=actor, target=course, fields=changed)
        db.session.commit()
    return course


def change_status(actor, course_id, status):
    """Publish, unpublish or archive a course (constants.COURSE_TRANSITIONS); publishing checks it first."""
    course = course_for_author(actor, course_id)
    if status not in c.COURSE_TRANSITIONS.get(course.status, ()):
        label = c.COURSE_STATUS_LABELS.get(status, status)
        raise Conflict(_("A course that is «%(now)s» cannot become «%(then)s».",
                         now=course.status_label, then=label))
    problems = publish_problems(course) if status == c.PUBLISHED else []
    if problems:
        raise ValidationFailed(_("The course cannot be published yet: %(problems)s",
                                 problems=" ".join(problems)), {"status": problems})
    course.status, course.updated_at = status, utcnow()
    if status == c.PUBLISHED and course.published_at is None:
        course.published_at = course.updated_at
    audit.record(STATUS_ACTIONS[status], actor=actor, target=course)
    db.session.commit()
    return course

