"""The starter course in training/content/: imports cleanly, covers the plan, every quiz is passable."""

import re

import pytest
import yaml
from sqlalchemy import func, select

from app.markup import render_markdown
from training import constants as c
from training import demo, importer, progress, quizzes
from training.models import Course, Module, Option, Question

MIN_MODULES, MIN_QUESTIONS = 7, 6
MIN_WORDS, MAX_WORDS = 800, 1500
# What the lessons must tell: (what, a phrase some lesson contains).
COVERAGE = (
    ("the 1992 education law", "от 10.07.1992 № 3266-1"),
    ("the 2012 education law", "№ 273-ФЗ"),
    ("article 28 on the individual record of results", "индивидуальный учёт результатов освоения"),
    ("the government order on e-services", "от 17.12.2009 № 1993-р"),
    ("the e-diary service", "ведение электронного дневника и электронного журнала успеваемости"),
    ("personal data law", "№ 152-ФЗ"),
    ("public services law", "№ 210-ФЗ"),
    ("the ministry's recommendations", "от 15.02.2012 № АП-147/07"),
    ("the regional order", "от 08.11.2010 № 3116"),
    ("the hotline of the portal", "техническ"),
    ("quarters and trimesters", "Триместры"),
    ("subgroups", "подгрупп"),
    ("daily entry, plan item 2.4", "пункт 2.4"),
    ("attendance code н", "| **н** | отсутствовал"),
    ("attendance code о", "| **о** | опоздал"),
    ("weights", "| Контрольная работа, итоговая контрольная за период | 3 |"),
    ("a worked weighted average", "35 ÷ 9"),
    ("rounding at 4,5", "от 4,5 до 4,59"),
    ("rounding at 4,6", "от 4,6"),
    ("too few marks", "Если отметок мало"),
    ("the read mark", "«прочитано»"),
    ("quality of knowledge", "Качество знаний"),
    ("quarterly reports, plan item 2.6", "пункт 2.6"),
)
# Words a careless hand writes without ё.
WITHOUT_YO = re.compile(r"(?<![а-яё])(отчет\w*|учет\w*|еще|ребенок|ребенк\w*|пятерк\w*|четверк\w*|расчет\w*)"
                        r"(?![а-яё])")


@pytest.fixture(scope="module")
def spec():
    """course.yml as written."""
    return yaml.safe_load((demo.CONTENT_DIR / "course.yml").read_text(encoding="utf-8"))


@pytest.fixture
def course(db):
    """The course as imported into the test database."""
    return importer.load_course(demo.CONTENT_DIR).course


def row_counts(db):
    return [db.session.scalar(select(func.count(model.id))) for model in (Course, Module, Question, Option)]


def lessons(spec):
    return [(demo.CONTENT_DIR / module["lesson"]).read_text(encoding="utf-8") for module in spec["modules"]]


def test_the_course_imports_published_with_its_modules_in_order(course, spec):
    assert course.slug == spec["slug"] == demo.COURSE_SLUG
    assert course.title == "Ведение электронных дневников и электронных журналов успеваемости"
    assert course.status == c.PUBLISHED and course.is_sequential and course.hours == 36
    assert len(course.modules) >= MIN_MODULES
    assert [module.slug for module in course.modules] == [module["slug"] for module in spec["modules"]]
    assert [module.position for module in course.modules] == list(range(1, len(course.modules) + 1))
    assert all(module.minutes > 0 and module.pass_mark == 80 for module in course.modules)


def test_every_quiz_mixes_the_three_kinds_and_explains_every_question(course):
    for module in course.modules:
        assert len(module.questions) >= MIN_QUESTIONS, module.slug
        assert {question.kind for question in module.questions} == set(c.QUESTION_KINDS), module.slug
        for question in module.questions:
            assert question.text.strip() and len(question.explanation) > 40, question.text


def test_choices_have_the_right_number_of_correct_options(course):
    questions = [question for module in course.modules for question in module.questions]
    for question in questions:
        correct = [option for option in question.options if option.is_correct]
        if question.kind == c.SINGLE:
            assert len(correct) == 1 and 3 <= len(question.options) <= 4, question.text
        elif question.kind == c.MULTIPLE:
            assert 2 <= len(correct) < len(question.options), question.text
        else:
            assert not question.options and question.accepted_answers, question.text


def test_importing_the_course_again_changes_nothing(db, course):
    db.session.commit()
    rows = row_counts(db)

    again = importer.load_course(demo.CONTENT_DIR)

    assert again.course.id == course.id and again.unchanged
    assert row_counts(db) == rows


def test_lessons_are_substantial_markdown_starting_with_text(spec):
    for module, text in zip(spec["modules"], lessons(spec), strict=True):
        words = len(re.findall(r"[А-Яа-яЁёA-Za-z]+", text))
        assert MIN_WORDS <= words <= MAX_WORDS, (module["slug"], words)
        assert not text.startswith("#"), module["slug"]  # the page shows the module title
        assert len(re.findall(r"^## ", text, re.M)) >= 5, module["slug"]
        assert re.search(r"^\|(-+\|)+$", text, re.M), module["slug"]  # a table's header rule
        assert "## Типичные ошибки" in text and "## Коротко" in text, module["slug"]
        html = render_markdown(text)
        assert "<table>" in html and "<h2" in html and "<li>" in html, module["slug"]


def test_lessons_cover_the_law_and_the_plan(spec):
    text = "\n".join(lessons(spec))
    missing = [what for what, phrase in COVERAGE if phrase not in text]
    assert not missing


def test_russian_words_keep_their_yo():
    files = sorted(demo.CONTENT_DIR.rglob("*.md")) + sorted(demo.CONTENT_DIR.rglob("*.yml"))
    found = {path.name: WITHOUT_YO.findall(path.read_text(encoding="utf-8").lower()) for path in files}
    assert not {name: words for name, words in found.items() if words}


def right_answers(module, wrong=0):
    """Answers to the module's quiz: all right, except the first `wrong` questions answered wrongly."""
    answers = {}
    for number, question in enumerate(module.questions):
        if question.kind == c.SHORT:
            given = ["не знаю"] if number < wrong else [question.accepted_answers[-1]]
        else:
            given = [str(option.id) for option in question.options if option.is_correct != (number < wrong)]
        answers[f"q{question.id}"] = given
    return answers


def test_a_learner_who_knows_the_answers_passes_every_quiz_and_finishes(db, make, course):
    teacher = make.user("teacher")
    enrollment = progress.enrol(teacher, course)
    for module in course.modules:
        progress.record_lesson_read(enrollment, module)
        if module.has_task:  # the sandbox tasks are tested in tests/training/journal/test_tasks.py
            progress.progress_for(enrollment, module).task_done_at = enrollment.enrolled_at
        failed = quizzes.grade(quizzes.new_attempt(enrollment, module), right_answers(module, wrong=3))
        passed = quizzes.grade(quizzes.new_attempt(enrollment, module), right_answers(module))
        assert (failed.is_passed, passed.is_passed, passed.score) == (False, True, 100), module.slug
    db.session.commit()

    assert enrollment.status == c.COMPLETED and enrollment.certificate is not None

