"""Reading a course directory: course.yml, Markdown lessons and quiz files, checked down to the line.

Every problem found is kept as «file, line N: what is wrong», so one run reports them all. The
format is described in training/importer.py.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from flask_babel import gettext as _

from training import constants as c
from training import tasks
from training.authoring import (
    MAX_SLUG,
    MAX_TASK_KEY,
    MAX_TITLE,
    SLUG_PATTERN,
    pass_mark_problem,
    question_problems,
)
from training.module_authoring import MAX_ATTEMPTS, MAX_MINUTES, MAX_POINTS, accepted_answers

COURSE_FILE = "course.yml"
COURSE_KEYS = ("slug", "title", "summary", "description", "hours", "sequential", "publish", "modules")
MODULE_KEYS = ("slug", "title", "minutes", "lesson", "quiz", "requires", "task")
TASK_KEYS = ("key", "params")
QUIZ_KEYS = ("pass_mark", "max_attempts", "shuffle", "questions")
QUESTION_KEYS = ("kind", "text", "points", "options", "answers", "explanation")
OPTION_KEYS = ("text", "correct")
MISSING = object()


@dataclass
class QuestionSpec:
    """A checked question of a quiz file."""

    kind: str
    text: str
    points: int
    explanation: str
    options: list  # (text, is_correct)
    answers: list


@dataclass
class ModuleSpec:
    """A checked module of course.yml with its lesson and quiz."""

    slug: str
    title: str
    minutes: int
    lesson: str
    pass_mark: int = c.DEFAULT_PASS_MARK
    max_attempts: int | None = None
    shuffle: bool = True
    questions: list = field(default_factory=list)
    requires: list = field(default_factory=list)
    task_key: str | None = None
    task_params: dict = field(default_factory=dict)
    line: int = 0  # of the module in course.yml, for messages about it
    requires_line: int = 0


@dataclass
class CourseSpec:
    """A checked course directory."""

    slug: str
    title: str
    summary: str
    description: str
    hours: int
    sequential: bool
    publish: bool
    modules: list
    modules_line: int = 0


class _Mapping(dict):
    """A YAML mapping that remembers the line of itself and of each key."""

    line = 1
    key_lines: dict


class _Loader(yaml.SafeLoader):
    """safe_load that keeps line numbers and refuses keys given twice."""


def _construct_mapping(loader, node):
    loader.flatten_mapping(node)
    mapping = _Mapping()
    mapping.line, mapping.key_lines, mapping.repeated = node.start_mark.line + 1, {}, []
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, (str, int, float, bool)) and key is not None:
            key = str(key)
        if key in mapping:
            mapping.repeated.append((key, key_node.start_mark.line + 1))
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[key] = key_node.start_mark.line + 1
    return mapping


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _plain(value):
    """The value without line bookkeeping (for JSON columns)."""
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


class CourseReader:
    """Reads and checks one course directory; `messages()` lists every problem found."""

    def __init__(self, directory):
        self.directory = Path(directory)
        self.errors = []  # (file, line or 0, message)

    def error(self, name, line, message):
        """Note a problem of a file (at a line, when known)."""
        self.errors.append((name, line or 0, message))

    def messages(self):
        """The problems as «file, line N: message», file by file in the order read, then by line."""
        files = list(dict.fromkeys(name for name, _line, _message in self.errors))
        ordered = sorted(self.errors, key=lambda error: (files.index(error[0]), error[1]))
        return [_("%(file)s, line %(line)d: %(message)s", file=name, line=line, message=message) if line
                else _("%(file)s: %(message)s", file=name, message=message)
                for name, line, message in ordered]

    def read(self):
        """The CourseSpec of the directory, or None; look at `errors` either way."""
        if not self.directory.is_dir():
            self.error(str(self.directory), None, _("There is no such directory."))
            return None
        data = self._yaml(COURSE_FILE)
        if data is None:
            return None
        spec = self._course(data)
        if spec is not None:
            self._check_requires(spec)
        return spec if not self.errors else None

    # --- files --------------------------------------------------------------------------

    def _path(self, name, line, relative):
        """The path of a file the directory names (or None after noting why it cannot be read)."""
        path = self.directory / str(relative)
        try:
            inside = path.resolve().is_relative_to(self.directory.resolve())
        except (OSError, ValueError):
            inside = False
        if not inside or Path(str(relative)).is_absolute():
            self.error(name, line, _("The path %(path)s leads outside the course directory.", path=relative))
        elif not path.is_file():
            self.error(name, line, _("The file %(path)s was not found.", path=relative))
        else:
            return path
        return None

    def _text(self, name, line, relative=None):
        """The UTF-8 text, with Unix line ends, of course.yml or of the file it names at `line`."""
        shown = name if relative is None else str(relative)
        path = self.directory / name if relative is None else self._path(name, line, relative)
        if path is None:
            return None
        try:
            raw = path.read_bytes()
        except (FileNotFoundError, IsADirectoryError):
            self.error(shown, None, _("The file was not found in the directory."))
            return None
        except OSError as error:
            self.error(shown, None, _("The file cannot be read: %(error)s.", error=error.strerror or error))
            return None
        try:
            return raw.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
        except UnicodeDecodeError as error:
            line = raw[:error.start].count(b"\n") + 1
            self.error(shown, line, _("The file is not in UTF-8; save it as UTF-8."))
            return None

    def _yaml(self, name, line=None, relative=None):
        """The mapping of course.yml, or of a quiz file it names at `line`."""
        shown = name if relative is None else str(relative)
        text = self._text(name, line, relative)
        if text is None:
            return None
        try:
            data = yaml.load(text, Loader=_Loader)  # a SafeLoader that keeps line numbers
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
            problem = getattr(error, "problem", None) or str(error)
            self.error(shown, mark.line + 1 if mark else None, _("YAML error: %(problem)s.", problem=problem))
            return None
        if not isinstance(data, _Mapping):
            self.error(shown, None, _("The file must hold YAML keys and values, like «title: …»."))
            return None
        return data

    # --- values -------------------------------------------------------------------------

    def _keys(self, name, data, allowed):
        for key, line in data.repeated:
            self.error(name, line, _("The key «%(key)s» is given twice.", key=key))
        for key in data:
            if key not in allowed:
                self.error(name, data.key_lines[key], _("Unknown key «%(key)s»; allowed keys: %(allowed)s.",
                                                        key=key, allowed=", ".join(allowed)))

    def _value(self, name, data, key, kind, default=MISSING):
        """data[key] if it is of the kind ("text", "number", "flag", "list", "mapping"); else note why."""
        line = data.key_lines.get(key, data.line)
        value = data.get(key)
        if value is None:
            if default is MISSING:
                self.error(name, line, _("The key «%(key)s» is required.", key=key))
            return None if default is MISSING else default
        checks = {"text": lambda v: isinstance(v, (str, int, float)) and not isinstance(v, bool),
                  "number": lambda v: isinstance(v, int) and not isinstance(v, bool),
                  "flag": lambda v: isinstance(v, bool), "list": lambda v: isinstance(v, list),
                  "mapping": lambda v: isinstance(v, dict)}
        if not checks[kind](value):
            messages = {"text": _("«%(key)s» must be text."),
                        "number": _("«%(key)s» must be a whole number."),
                        "flag": _("«%(key)s» must be true or false."), "list": _("«%(key)s» must be a list."),
                        "mapping": _("«%(key)s» must be keys with values.")}
            self.error(name, line, messages[kind] % {"key": key})
            return None if default is MISSING else default
        return str(value).strip() if kind == "text" else value

    def _number(self, name, data, key, low, high, default=MISSING):
        value = self._value(name, data, key, "number", default)
        if value is not None and not low <= value <= high:
            self.error(name, data.key_lines.get(key, data.line),
                       _("«%(key)s» must be from %(low)d to %(high)d.", key=key, low=low, high=high))
        return value

    def _slug(self, name, data, key="slug"):
        slug = self._value(name, data, key, "text")
        if slug is not None and (len(slug) > MAX_SLUG or not SLUG_PATTERN.match(slug)):
            self.error(name, data.key_lines.get(key, data.line), _(
                "The slug «%(slug)s» may contain only lowercase Latin letters, digits and single hyphens "
                "(at most %(n)d characters).", slug=slug, n=MAX_SLUG))
        return slug

    def _title(self, name, data):
        title = self._value(name, data, "title", "text")
        if title is not None and not title:
            self.error(name, data.key_lines["title"], _("The key «%(key)s» is required.", key="title"))
        elif title is not None and len(title) > MAX_TITLE:
            self.error(name, data.key_lines["title"], _("Shorten this to %(max)d characters.", max=MAX_TITLE))
        return title

    # --- the course ---------------------------------------------------------------------

    def _course(self, data):
        name = COURSE_FILE
        self._keys(name, data, COURSE_KEYS)
        spec = CourseSpec(
            slug=self._slug(name, data), title=self._title(name, data),
            summary=self._value(name, data, "summary", "text", ""),
            description=self._value(name, data, "description", "text", ""),
            hours=self._number(name, data, "hours", 0, 1000, 0),
            sequential=self._value(name, data, "sequential", "flag", True),
            publish=self._value(name, data, "publish", "flag", True), modules=[],
            modules_line=data.key_lines.get("modules", data.line))
        modules = self._value(name, data, "modules", "list")
        if modules is not None and not modules:
            self.error(name, data.key_lines["modules"], _("The course has no modules."))
        seen = {}
        for item in modules or ():
            if not isinstance(item, _Mapping):
                self.error(name, data.key_lines["modules"], _("Each module must be keys with values (slug, "
                                                              "title, lesson…)."))
                continue
            module = self._module(item)
            if module.slug in seen:
                self.error(name, item.key_lines.get("slug", item.line),
                           _("The module slug «%(slug)s» is used twice.", slug=module.slug))
            seen[module.slug] = module
            spec.modules.append(module)
        return spec

    def _module(self, data):
        name = COURSE_FILE
        self._keys(name, data, MODULE_KEYS)
        module = ModuleSpec(slug=self._slug(name, data), title=self._title(name, data),
                            minutes=self._number(name, data, "minutes", 0, MAX_MINUTES, 0), lesson="",
                            line=data.line, requires_line=data.key_lines.get("requires", data.line))
        lesson = self._value(name, data, "lesson", "text")
        if lesson:
            module.lesson = (self._text(name, data.key_lines["lesson"], lesson) or "").strip()
        quiz = self._value(name, data, "quiz", "text", "")
        if quiz:
            self._quiz(module, quiz, data.key_lines["quiz"])
        requires = self._value(name, data, "requires", "list", [])
        module.requires = [str(slug) for slug in requires]
        task = self._value(name, data, "task", "mapping", None)
        if task is not None:
            self._task(module, task)
        return module

    def _task(self, module, data):
        name = COURSE_FILE
        self._keys(name, data, TASK_KEYS)
        key = self._value(name, data, "key", "text")
        if key and (len(key) > MAX_TASK_KEY or not tasks.is_known(key)):
            known = ", ".join(k for k, _label in tasks.choices()) or "—"
            self.error(name, data.key_lines["key"], _(
                "Unknown practical task «%(key)s»; registered: %(known)s.", key=key, known=known))
        params = self._value(name, data, "params", "mapping", {})
        try:
            json.dumps(params)
        except (TypeError, ValueError):
            self.error(name, data.key_lines["params"], _("The task parameters must be plain text, numbers, "
                                                         "lists and keys with values."))
            params = {}
        module.task_key, module.task_params = key or None, _plain(params)

    def _check_requires(self, spec):
        slugs = {module.slug for module in spec.modules}
        for module in spec.modules:
            line = module.requires_line
            if module.requires and spec.sequential:
                self.error(COURSE_FILE, line, _(
                    "«requires» works only in a course with «sequential: false»; in a sequential course "
                    "every module requires the earlier ones."))
            for slug in module.requires:
                if slug == module.slug:
                    self.error(COURSE_FILE, line, _("A module cannot require itself."))
                elif slug not in slugs:
                    self.error(COURSE_FILE, line, _("Unknown module «%(slug)s» in «requires».", slug=slug))
        if not spec.sequential and not self.errors:
            self._check_cycles(spec)

    def _check_cycles(self, spec):
        graph = {module.slug: module.requires for module in spec.modules}
        for module in spec.modules:
            stack, seen = list(module.requires), set()
            while stack:
                current = stack.pop()
                if current == module.slug:
                    self.error(COURSE_FILE, module.requires_line, _(
                        "The module «%(slug)s» waits for itself through «requires».", slug=module.slug))
                    break
                if current not in seen:
                    seen.add(current)
                    stack.extend(graph.get(current, ()))

    # --- quizzes ------------------------------------------------------------------------

    def _quiz(self, module, relative, line):
        data = self._yaml(COURSE_FILE, line, relative)
        if data is None:
            return
        name = str(relative)
        self._keys(name, data, QUIZ_KEYS)
        module.pass_mark = self._value(name, data, "pass_mark", "number", c.DEFAULT_PASS_MARK)
        if pass_mark_problem(module.pass_mark):
            self.error(name, data.key_lines.get("pass_mark"), pass_mark_problem(module.pass_mark))
        module.max_attempts = self._number(name, data, "max_attempts", 1, MAX_ATTEMPTS, None)
        module.shuffle = self._value(name, data, "shuffle", "flag", True)
        questions = self._value(name, data, "questions", "list")
        if questions is not None and not questions:
            self.error(name, data.key_lines["questions"], _("The quiz has no questions."))
        for item in questions or ():
            if isinstance(item, _Mapping):
                module.questions.append(self._question(name, item))
            else:
                self.error(name, data.key_lines["questions"], _("Each question must be keys with values "
                                                                "(kind, text, options…)."))

    def _question(self, name, data):
        self._keys(name, data, QUESTION_KEYS)
        kind = self._value(name, data, "kind", "text")
        if kind is not None and kind not in c.QUESTION_KINDS:
            self.error(name, data.key_lines["kind"], _(
                "Unknown kind of question «%(kind)s»; use one of: %(kinds)s.", kind=kind,
                kinds=", ".join(c.QUESTION_KINDS)))
        text = self._value(name, data, "text", "text")
        if text == "":
            self.error(name, data.key_lines["text"], _("The key «%(key)s» is required.", key="text"))
        question = QuestionSpec(kind=kind, text=text,
                                points=self._number(name, data, "points", 1, MAX_POINTS, 1),
                                explanation=self._value(name, data, "explanation", "text", ""), options=[],
                                answers=[])
        if kind == c.SHORT:
            self._not_for(name, data, "options", _("Options are only for «single» and «multiple» questions."))
            answers = self._value(name, data, "answers", "list", [])
            question.answers = accepted_answers(str(answer) for answer in answers)
        elif kind in c.QUESTION_KINDS:
            self._not_for(name, data, "answers", _("Accepted answers are only for «short» questions."))
            question.options = self._options(name, data)
        if kind in c.QUESTION_KINDS:
            for problem in question_problems(kind, question.options, question.answers):
                self.error(name, data.line, problem)
        return question

    def _not_for(self, name, data, key, message):
        if key in data:
            self.error(name, data.key_lines[key], message)

    def _options(self, name, data):
        options = []
        for item in self._value(name, data, "options", "list", []):
            if not isinstance(item, _Mapping):
                self.error(name, data.key_lines["options"], _("Each option must be keys with values: text "
                                                              "and, for a correct one, «correct: true»."))
                continue
            self._keys(name, item, OPTION_KEYS)
            text = self._value(name, item, "text", "text")
            correct = self._value(name, item, "correct", "flag", False)
            if text:
                options.append((" ".join(text.split()), correct))
        return options
