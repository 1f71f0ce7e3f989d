"""Practical tasks: a module may require a state of the learner's practice sandbox, checked by code.

A feature that owns such a state (the journal sandbox) registers its checks here by key; a module
names the key in `task_key`. The training package never needs to know how a check works.
"""

from dataclasses import dataclass, field

from flask_babel import gettext as _


@dataclass(frozen=True)
class TaskResult:
    """The outcome of a check: done, or what is still missing (Russian sentences for the learner)."""

    is_done: bool
    missing: list = field(default_factory=list)


@dataclass(frozen=True)
class PracticalTask:
    """A registered check: `check(user, params) -> TaskResult`."""

    key: str
    label: str
    check: object


TASKS = {}


def register(key, label, check):
    """Make a practical task available to modules under `key`."""
    TASKS[key] = PracticalTask(key=key, label=label, check=check)


def is_known(key):
    """Whether a task is registered under `key`."""
    return key in TASKS


def task_label(key):
    """What the task asks for, as shown to the learner."""
    task = TASKS.get(key)
    return task.label if task else key


def choices():
    """(key, label) pairs of every registered task, for forms."""
    return sorted((task.key, str(task.label)) for task in TASKS.values())


def run_check(key, user, params):
    """Check the learner's sandbox for the task; an unknown task is reported as not done."""
    task = TASKS.get(key)
    if task is None:
        missing = _("The practical task «%(key)s» is not available.", key=key)
        return TaskResult(is_done=False, missing=[missing])
    return task.check(user, params or {})
