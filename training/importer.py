"""`opora training import`: a course from a directory of YAML and Markdown files, all or nothing.

    course.yml                     slug, title, summary, description (Markdown), hours,
                                   sequential (default true), publish (default true: a new course
                                   is published; an existing one keeps its status), modules:
      - slug, title, minutes, lesson: modules/01-basics.md, quiz: modules/01-basics.quiz.yml,
        requires: [slug, …] (non-sequential courses), task: {key: …, params: {…}}
    a quiz file                    pass_mark (default 80), max_attempts (omitted: unlimited),
                                   shuffle (default true), questions:
      - kind: single | multiple | short, text, points (default 1), explanation,
        options: [{text, correct: true}, …] (single, multiple), answers: [...] (short)

Every file is read and checked first (training/course_files.py); any problem stops the import and
each is reported with its file and line. The course is matched by slug and updated in place:
modules by slug, questions and options by position, so importing the same files again changes
nothing. Learners' progress is never lost: a module or question they have worked on cannot vanish.
"""

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from app.audit import services as audit
from app.auth import permissions
from app.errors import PermissionDenied, ValidationFailed
from app.extensions import db
from app.timeutil import utcnow
from training import constants as c
from training.authoring import apply_values
from training.course_files import COURSE_FILE, CourseReader
from training.models import Course, Module, ModuleProgress, Question, QuizAttempt
from training.module_authoring import sync_options


class ImportFailed(ValidationFailed):
    """The directory cannot be imported; `errors` lists every problem, each naming its file and line."""

    def __init__(self, errors):
        super().__init__(_("The course was not imported. Problems found: %(n)d.", n=len(errors)))
        self.errors = list(errors)


@dataclass
class ImportResult:
    """What an import did: the course, whether it is new, whether anything changed, and counts."""

    course: Course
    created: bool
    changed: bool
    counts: dict = field(default_factory=dict)

    @property
    def unchanged(self):
        """Whether the database already held exactly these files."""
        return not self.changed

    @property
    def summary(self):
        """The counts (modules, questions, and modules added, updated and removed)."""
        return dict(self.counts)


def load_course(directory, actor=None):
    """Check the directory and write the course into the session (flushed, not committed).

    Raises ImportFailed with every problem found; nothing is written then.
    """
    reader = CourseReader(directory)
    spec = reader.read()
    if spec is None:
        raise ImportFailed(reader.messages())
    course = db.session.scalar(select(Course).where(Course.slug == spec.slug))
    problems = _progress_problems(course, spec) if course is not None else []
    if problems:
        raise ImportFailed(problems)
    return _CourseWriter(actor).write(course, spec)


def import_course(directory, actor=None):
    """Import a course directory, all or nothing; `actor` is None for the command line."""
    if actor is not None and not permissions.can_author_courses(actor):
        raise PermissionDenied(_("Only methodologists and administrators edit courses."))
    try:
        result = load_course(directory, actor)
        if result.changed:
            audit.record("training.course_imported", actor=actor, target=result.course,
                         directory=str(directory), created=result.created, **result.counts)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return result


# --- what must not vanish -----------------------------------------------------------------


def _progress_problems(course, spec):
    """Modules and questions the files drop although learners have worked on them."""
    wanted = {module.slug: module for module in spec.modules}
    problems = []
    for module in course.modules:
        new = wanted.get(module.slug)
        if new is None and _has_progress(module):
            problems.append(_at(spec.modules_line, _(
                "The module «%(slug)s» is gone from the file, but learners have progress in it; put it back.",
                slug=module.slug)))
        elif new is not None and len(new.questions) < len(module.questions) and _has_attempts(module):
            problems.append(_at(new.line, _(
                "The quiz of the module «%(slug)s» would lose questions (%(old)d → %(new)d), but learners "
                "have taken it; keep the questions and edit them instead.", slug=module.slug,
                old=len(module.questions), new=len(new.questions))))
    return problems


def _at(line, message):
    return _("%(file)s, line %(line)d: %(message)s", file=COURSE_FILE, line=line, message=message)


def _has_progress(module):
    query = select(ModuleProgress.id).where(ModuleProgress.module_id == module.id).limit(1)
    return db.session.scalar(query) is not None or _has_attempts(module)


def _has_attempts(module):
    query = select(QuizAttempt.id).where(QuizAttempt.module_id == module.id).limit(1)
    return db.session.scalar(query) is not None


# --- writing ------------------------------------------------------------------------------


class _CourseWriter:
    """Creates or updates a course in place, counting what changed."""

    def __init__(self, actor):
        self.actor, self.now = actor, utcnow()
        self.counts = {"modules": 0, "questions": 0, "modules_added": 0, "modules_updated": 0,
                       "modules_removed": 0}

    def write(self, course, spec):
        """The ImportResult of writing the spec over the course (None: a new course)."""
        created = course is None
        if created:
            course = Course(slug=spec.slug, author=self.actor, created_at=self.now,
                            status=c.PUBLISHED if spec.publish else c.DRAFT)
            course.published_at = self.now if spec.publish else None
            db.session.add(course)
        changed = bool(apply_values(course, {
            "title": spec.title, "summary": spec.summary, "description": spec.description,
            "hours": spec.hours, "is_sequential": spec.sequential})) or created
        changed = self._modules(course, spec) or changed
        if changed:
            course.updated_at = self.now
        db.session.flush()
        self.counts["modules"] = len(spec.modules)
        self.counts["questions"] = sum(len(module.questions) for module in spec.modules)
        return ImportResult(course=course, created=created, changed=changed, counts=dict(self.counts))

    def _modules(self, course, spec):
        existing = {module.slug: module for module in course.modules}
        changed = False
        for position, module_spec in enumerate(spec.modules, 1):
            module = existing.pop(module_spec.slug, None)
            if module is None:
                module = Module(slug=module_spec.slug, questions=[], prerequisites=[])
                course.modules.append(module)
                self.counts["modules_added"] += 1
            if self._module(module, module_spec, position):
                changed = True
                self.counts["modules_updated"] += module.id is not None
        for module in existing.values():
            for other in course.modules:
                if module in other.prerequisites:
                    other.prerequisites.remove(module)
            course.modules.remove(module)
            self.counts["modules_removed"] += 1
            changed = True
        return self._prerequisites(course, spec) or changed

    def _module(self, module, spec, position):
        changed = bool(apply_values(module, {
            "position": position, "title": spec.title, "lesson": spec.lesson, "minutes": spec.minutes,
            "pass_mark": spec.pass_mark, "max_attempts": spec.max_attempts, "is_shuffled": spec.shuffle,
            "task_key": spec.task_key, "task_params": spec.task_params}))
        current = list(module.questions)
        for number, question_spec in enumerate(spec.questions, 1):
            if number <= len(current):
                question = current[number - 1]
            else:
                question = Question(options=[])
                module.questions.append(question)
            changed = self._question(question, question_spec, number) or changed
        for question in current[len(spec.questions):]:
            module.questions.remove(question)
            changed = True
        return changed

    def _question(self, question, spec, position):
        changed = bool(apply_values(question, {
            "position": position, "kind": spec.kind, "text": spec.text, "points": spec.points,
            "explanation": spec.explanation, "accepted_answers": spec.answers}))
        return sync_options(question, spec.options) or changed

    def _prerequisites(self, course, spec):
        by_slug = {module.slug: module for module in course.modules}
        changed = False
        for module_spec in spec.modules:
            module = by_slug[module_spec.slug]
            if {m.slug for m in module.prerequisites} != set(module_spec.requires):
                module.prerequisites = [by_slug[slug] for slug in module_spec.requires]
                changed = True
        return changed
