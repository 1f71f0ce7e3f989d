"""Quizzes: shuffled layout, server-side grading of every kind, pass mark, attempts, explanations."""

import random

import pytest

from app.errors import Conflict, NotFound, ValidationFailed
from app.extensions import db
from training import constants as c
from training import progress, quizzes


@pytest.fixture
def quiz(make, training):
    """A teacher enrolled in a one-module course whose quiz has one question of each kind."""
    teacher = make.user("teacher")
    course = training.course(modules=1, questions=0)
    module = course.modules[0]
    module.questions = [
        training.question(1, text="Код отсутствия по болезни?", kind=c.SHORT, correct=("б",)),
        training.question(2, text="Какие отметки положительные?", kind=c.MULTIPLE, correct=("3", "4", "5"),
                          wrong=("2",)),
        training.question(3, text="Средний балл 4,5 при пороге 4,5 — это?", correct=("5",), wrong=("4",)),
        training.question(4, text="Десятичная запись", kind=c.SHORT, correct=("4,5",)),
    ]
    module.pass_mark, module.max_attempts = 75, 2
    db.session.commit()
    progress.enrol_self(teacher, course)
    progress.mark_lesson_read(teacher, module)
    return teacher, module


def _option_ids(question, texts):
    return [str(o.id) for o in question.options if o.text in texts]


def _answers(module, *, short="Б", multiple=("3", "4", "5"), single=("5",), decimal="4.5"):
    q = {question.position: question for question in module.questions}
    return {f"q{q[1].id}": [short], f"q{q[2].id}": _option_ids(q[2], multiple),
            f"q{q[3].id}": _option_ids(q[3], single), f"q{q[4].id}": [decimal]}


def test_layout_shuffles_questions_and_options_per_attempt(quiz):
    teacher, module = quiz
    attempt = quizzes.start_attempt(teacher, module, rng=random.Random(3))
    question_ids = [question_id for question_id, _ in attempt.layout]
    assert sorted(question_ids) == sorted(q.id for q in module.questions)
    assert question_ids != [q.id for q in module.questions]
    assert quizzes.start_attempt(teacher, module).id == attempt.id  # reopening resumes the same attempt


def test_unshuffled_quiz_keeps_the_authors_order(quiz):
    teacher, module = quiz
    module.is_shuffled = False
    db.session.commit()
    attempt = quizzes.start_attempt(teacher, module, rng=random.Random(3))
    assert [question_id for question_id, _ in attempt.layout] == [q.id for q in module.questions]


def test_all_kinds_are_graded_on_the_server(quiz):
    teacher, module = quiz
    attempt = quizzes.start_attempt(teacher, module)
    graded = quizzes.submit_attempt(teacher, attempt.id, _answers(module))
    assert graded.score == 100 and graded.is_passed
    assert all(item["is_correct"] for item in graded.results)
    assert all(item["explanation"] for item in graded.results)


def test_partial_multiple_choice_and_wrong_short_answer_fail(quiz):
    teacher, module = quiz
    attempt = quizzes.start_attempt(teacher, module)
    graded = quizzes.submit_attempt(teacher, attempt.id, _answers(module, short="н", multiple=("4", "5")))
    assert graded.score == 50 and not graded.is_passed
    wrong = [item["text"] for item in graded.results if not item["is_correct"]]
    assert sorted(wrong) == ["Какие отметки положительные?", "Код отсутствия по болезни?"]


def test_two_choices_on_a_single_choice_question_count_as_none(quiz):
    teacher, module = quiz
    attempt = quizzes.start_attempt(teacher, module)
    graded = quizzes.submit_attempt(teacher, attempt.id, _answers(module, single=("4", "5")))
    assert graded.score == 75 and graded.is_passed  # 3 of 4, pass mark 75


def test_attempts_are_limited_and_the_best_score_is_kept(quiz):
    teacher, module = quiz
    first = quizzes.start_attempt(teacher, module)
    quizzes.submit_attempt(teacher, first.id, {})
    second = quizzes.start_attempt(teacher, module)
    assert second.number == 2
    quizzes.submit_attempt(teacher, second.id, _answers(module, short="x"))
    state = progress.module_states(progress.enrollment_for(teacher, module.course), module.course)[0]
    assert state.progress.best_score == 75 and state.is_completed
    with pytest.raises(ValidationFailed, match="все попытки"):
        quizzes.start_attempt(teacher, module)


def test_an_attempt_is_graded_once(quiz):
    teacher, module = quiz
    attempt = quizzes.start_attempt(teacher, module)
    quizzes.submit_attempt(teacher, attempt.id, _answers(module))
    with pytest.raises(Conflict):
        quizzes.submit_attempt(teacher, attempt.id, {})
    assert progress.progress_for(attempt.enrollment, module).attempts_used == 1


def test_nobody_submits_another_persons_attempt(quiz, make):
    teacher, module = quiz
    attempt = quizzes.start_attempt(teacher, module)
    with pytest.raises(NotFound):
        quizzes.submit_attempt(make.user("teacher"), attempt.id, {})


def test_the_quiz_opens_after_the_lesson(make, training):
    teacher = make.user("teacher")
    course = training.course(modules=1)
    progress.enrol_self(teacher, course)
    with pytest.raises(ValidationFailed, match="урок"):
        quizzes.start_attempt(teacher, course.modules[0])


def test_answers_are_revealed_only_when_passed_or_out_of_attempts(quiz):
    teacher, module = quiz
    attempt = quizzes.submit_attempt(teacher, quizzes.start_attempt(teacher, module).id, {})
    own = progress.progress_for(attempt.enrollment, module)
    assert not quizzes.reveals_answers(attempt, own)
    last = quizzes.submit_attempt(teacher, quizzes.start_attempt(teacher, module).id, {})
    assert quizzes.reveals_answers(last, own)


@pytest.mark.parametrize(("typed", "expected"), [
    ("  Ёлка  ", "елка"), ("4,5", "4.5"), ("Электронный   журнал.", "электронный журнал"), ("", ""),
])
def test_short_answers_are_normalized(typed, expected):
    assert quizzes.normalize_answer(typed) == expected
