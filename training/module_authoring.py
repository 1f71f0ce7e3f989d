"""Modules of a course and their quiz questions: add, edit, reorder, delete (methodologists and the admin).

Deleting is refused once anybody is enrolled in the course: their progress and results must survive.
"""

import json

from flask_babel import gettext as _

from app.audit import services as audit
from app.errors import Conflict
from app.extensions import db
from app.timeutil import utcnow
from training import constants as c
from training import tasks
from training.authoring import (
    MAX_TASK_KEY,
    apply_values,
    clean_text,
    course_for_author,
    has_learners,
    module_for_author,
    question_for_author,
    question_problems,
    raise_if_errors,
    renumber,
    slug_for,
    swapped,
    title_for,
    whole_number,
)
from training.models import Module, Option, Question

MAX_MINUTES, MAX_ATTEMPTS, MAX_POINTS = 10_000, 100, 100


# --- modules ------------------------------------------------------------------------------


def _task_key(data, errors):
    key = clean_text(data, "task_key") or None
    if key and (len(key) > MAX_TASK_KEY or not tasks.is_known(key)):
        errors["task_key"] = [_("Choose a practical task from the list.")]
    return key


def _task_params(data, errors):
    params = data.get("task_params") or {}
    if isinstance(params, str):
        try:
            params = json.loads(params) if params.strip() else {}
        except ValueError:
            params = None
    if not isinstance(params, dict):
        errors["task_params"] = [_("Write the task parameters as a JSON object, like {\"marks\": 5}, or "
                                   "leave the field empty.")]
    return params if isinstance(params, dict) else {}


def _creates_cycle(module, required):
    """Whether requiring these modules would make a module wait for itself."""
    graph = {other.id: [r.id for r in other.prerequisites] for other in module.course.modules}
    stack, seen = [other.id for other in required], set()
    while stack:
        current = stack.pop()
        if current == module.id:
            return True
        if current not in seen:
            seen.add(current)
            stack.extend(graph.get(current, ()))
    return False


def _prerequisites(course, module, data, errors):
    """The modules to finish first (non-sequential courses only; None leaves them as they are)."""
    if course.is_sequential:
        return None
    wanted = {int(value) for value in data.get("prerequisite_ids") or () if str(value).isdigit()}
    others = {other.id: other for other in course.modules if other is not module}
    if wanted - set(others):
        errors["prerequisite_ids"] = [_("Choose the required modules from this course's modules.")]
        return None
    required = sorted((others[key] for key in wanted), key=lambda other: other.position)
    if module is not None and _creates_cycle(module, required):
        errors["prerequisite_ids"] = [_("These modules themselves wait for this one: a circle of "
                                        "prerequisites would lock them all.")]
    return required


def _module_values(course, data, module=None):
    errors = {}

    def taken(slug):
        return any(other.slug == slug for other in course.modules if other is not module)

    values = {
        "title": title_for(data, errors, _("Write the title of the module.")),
        "slug": slug_for(data, taken, errors, fallback="module"),
        "lesson": clean_text(data, "lesson"),
        "minutes": whole_number(data, "minutes", errors, 0, MAX_MINUTES,
                                _("Minutes are a whole number from 0 to %(n)d.", n=MAX_MINUTES)),
        "pass_mark": whole_number(data, "pass_mark", errors, 1, 100,
                                  _("The pass mark is a per cent from 1 to 100.")),
        "max_attempts": whole_number(data, "max_attempts", errors, 1, MAX_ATTEMPTS, _(
            "Attempts are a whole number from 1 to %(n)d; leave the field empty for no limit.",
            n=MAX_ATTEMPTS), required=False),
        "is_shuffled": bool(data.get("is_shuffled")),
        "task_key": _task_key(data, errors),
        "task_params": _task_params(data, errors),
    }
    prerequisites = _prerequisites(course, module, data, errors)
    raise_if_errors(errors)
    return values, prerequisites


def add_module(actor, course_id, data):
    """A new module at the end of the course."""
    course = course_for_author(actor, course_id)
    values, prerequisites = _module_values(course, data)
    module = Module(position=max((m.position for m in course.modules), default=0) + 1, **values)
    course.modules.append(module)
    module.prerequisites = prerequisites or []
    course.updated_at = utcnow()
    db.session.flush()
    audit.record("training.module_created", actor=actor, target=module, course=course.slug, slug=module.slug)
    db.session.commit()
    return module


def update_module(actor, module_id, data):
    """Change a module's lesson, quiz settings, task or prerequisites."""
    module = module_for_author(actor, module_id)
    values, prerequisites = _module_values(module.course, data, module)
    changed = apply_values(module, values)
    if prerequisites is not None and {m.id for m in prerequisites} != {m.id for m in module.prerequisites}:
        module.prerequisites = prerequisites
        changed.append("prerequisites")
    if changed:
        module.course.updated_at = utcnow()
        audit.record("training.module_updated", actor=actor, target=module, course=module.course.slug,
                     fields=changed)
        db.session.commit()
    return module


def move_module(actor, module_id, direction):
    """Move a module one place up or down in its course."""
    module = module_for_author(actor, module_id)
    order = swapped(module.course.modules, module, direction)
    if order is not None:
        renumber(order)
        audit.record("training.module_moved", actor=actor, target=module, direction=direction,
                     position=module.position)
        db.session.commit()
    return module


def delete_module(actor, module_id):
    """Delete a module of a course nobody is enrolled in; return the course."""
    module = module_for_author(actor, module_id)
    course = module.course
    if has_learners(course):
        raise Conflict(_("Learners are enrolled in this course: deleting a module would lose their progress. "
                         "Edit the module instead."))
    if course.status == c.PUBLISHED and len(course.modules) == 1:
        raise Conflict(_("A published course needs at least one module: add another first or unpublish "
                         "the course."))
    audit.record("training.module_deleted", actor=actor, target=module, course=course.slug, slug=module.slug,
                 title=module.title)
    for other in course.modules:
        if module in other.prerequisites:
            other.prerequisites.remove(module)
    course.modules.remove(module)
    renumber(course.modules)
    course.updated_at = utcnow()
    db.session.commit()
    return course


# --- questions ----------------------------------------------------------------------------


def accepted_answers(value):
    """Accepted short answers from a list or from text with one per line: trimmed, without repeats."""
    items = value.splitlines() if isinstance(value, str) else list(value or ())
    answers = []
    for item in items:
        answer = " ".join(str(item).split())
        if answer and answer not in answers:
            answers.append(answer)
    return answers


def sync_options(question, options):
    """Make the question's options these (text, is_correct) pairs, editing rows in place by position."""
    current, changed = list(question.options), False
    for position, (text, is_correct) in enumerate(options, 1):
        values = {"position": position, "text": text, "is_correct": is_correct}
        if position <= len(current):
            changed = bool(apply_values(current[position - 1], values)) or changed
        else:
            question.options.append(Option(**values))
            changed = True
    for option in current[len(options):]:
        question.options.remove(option)
        changed = True
    return changed


def _question_values(data):
    errors = {}
    kind = clean_text(data, "kind")
    options = [(" ".join(str(row.get("text") or "").split()), bool(row.get("correct")))
               for row in data.get("options") or ()]
    options = [(text, is_correct) for text, is_correct in options if text] if kind != c.SHORT else []
    answers = accepted_answers(data.get("accepted_answers")) if kind == c.SHORT else []
    text = clean_text(data, "text")
    if not text:
        errors["text"] = [_("Write the question.")]
    problems = question_problems(kind, options, answers)
    if problems:
        errors["kind" if kind not in c.QUESTION_KINDS else
               "accepted_answers" if kind == c.SHORT else "options"] = problems
    values = {"kind": kind, "text": text, "explanation": clean_text(data, "explanation"),
              "points": whole_number(data, "points", errors, 1, MAX_POINTS,
                                     _("Points are a whole number from 1 to %(n)d.", n=MAX_POINTS)),
              "accepted_answers": answers}
    raise_if_errors(errors)
    return values, options


def add_question(actor, module_id, data):
    """A new question at the end of the module's quiz."""
    module = module_for_author(actor, module_id)
    values, options = _question_values(data)
    question = Question(position=max((q.position for q in module.questions), default=0) + 1, **values)
    module.questions.append(question)
    sync_options(question, options)
    module.course.updated_at = utcnow()
    db.session.flush()
    audit.record("training.question_created", actor=actor, target=question, module=module.slug,
                 course=module.course.slug)
    db.session.commit()
    return question


def update_question(actor, question_id, data):
    """Change a question, its options or accepted answers (results already given keep their own copy)."""
    question = question_for_author(actor, question_id)
    values, options = _question_values(data)
    changed = apply_values(question, values)
    if sync_options(question, options):
        changed.append("options")
    if changed:
        question.module.course.updated_at = utcnow()
        audit.record("training.question_updated", actor=actor, target=question, module=question.module.slug,
                     fields=changed)
        db.session.commit()
    return question


def move_question(actor, question_id, direction):
    """Move a question one place up or down in its quiz."""
    question = question_for_author(actor, question_id)
    order = swapped(question.module.questions, question, direction)
    if order is not None:
        renumber(order)
        audit.record("training.question_moved", actor=actor, target=question, direction=direction,
                     position=question.position)
        db.session.commit()
    return question


def delete_question(actor, question_id):
    """Delete a question of a course nobody is enrolled in; return its module."""
    question = question_for_author(actor, question_id)
    module = question.module
    if has_learners(module.course):
        raise Conflict(_("Learners are enrolled in this course: deleting a question would change their "
                         "results. Edit the question instead."))
    audit.record("training.question_deleted", actor=actor, target=question, module=module.slug,
                 text=question.text[:200])
    module.questions.remove(question)
    renumber(module.questions)
    module.course.updated_at = utcnow()
    db.session.commit()
    return module
