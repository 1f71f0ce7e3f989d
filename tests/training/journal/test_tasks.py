"""Practical tasks checked in the sandbox: what is missing, then done; a module of the course completes."""

from datetime import date

import pytest
import yaml

from app.extensions import db
from training import demo, importer, progress, quizzes, tasks
from training.journal import cells, lessons, period_marks
from training.journal import constants as c
from training.journal import tasks as journal_tasks

TODAY = date(2024, 10, 18)  # Friday of a first-quarter week
MONDAY = date(2024, 10, 14)
NOT_FILLED = "Учебный класс ещё не заполнен: откройте учебный журнал (/journal/) и заполните класс."


def maths(school):
    return next(subject for subject in school.subjects if subject.name == "Математика")


def week_slots(school, subject):
    return lessons.lesson_slots(school.classes[0], subject, MONDAY, TODAY)


def check(key, user):
    return tasks.run_check(key, user, {})


def fill_lesson(school, subject, day, number, topic="Дроби", homework="№ 1"):
    lessons.update_lesson(school.owner, school.classes[0].id, subject.id, day, number, topic, homework,
                          today=day)


def enter(school, subject, day, number, values):
    """Type values for pupils ({pupil: "5"}) into the grid's cells of one lesson."""
    typed = [{"day": day.isoformat(), "number": number, "pupil": pupil.id, "value": value}
             for pupil, value in values.items()]
    results = cells.save_cells(school.owner, school.classes[0].id, subject.id, typed, today=TODAY)
    assert all(result.ok for result in results), [result.error for result in results if not result.ok]


def test_the_tasks_are_registered_and_named_in_russian(app):
    labels = dict(tasks.choices())
    assert labels[journal_tasks.WEEK_LESSONS] == (
        "Заполните темы и домашние задания всех уроков одной недели по одному предмету")
    assert labels[journal_tasks.LESSON_MARKS] == (
        "Выставьте отметки (или отметку посещаемости) всем ученикам класса за один урок")
    assert labels[journal_tasks.QUARTER_MARKS] == (
        "Выставьте четвертные отметки всему классу по одному предмету")


def test_the_course_asks_for_them_in_its_modules():
    spec = yaml.safe_load((demo.CONTENT_DIR / "course.yml").read_text(encoding="utf-8"))
    keys = {module["slug"]: module.get("task", {}).get("key") for module in spec["modules"]}
    assert keys["classes-and-schedule"] == journal_tasks.WEEK_LESSONS
    assert keys["daily-entry"] == journal_tasks.LESSON_MARKS
    assert keys["averages"] == journal_tasks.QUARTER_MARKS
    for module in spec["modules"]:
        if module.get("task"):
            lesson = (demo.CONTENT_DIR / module["lesson"]).read_text(encoding="utf-8")
            assert "## Практическое задание" in lesson and "](/journal/)" in lesson, module["slug"]


@pytest.mark.parametrize("key", [journal_tasks.WEEK_LESSONS, journal_tasks.LESSON_MARKS,
                                 journal_tasks.QUARTER_MARKS])
def test_without_a_class_every_task_says_to_fill_one(make, key):
    result = check(key, make.user("teacher"))
    assert not result.is_done and result.missing == [NOT_FILLED]


def test_the_week_of_lessons_names_every_gap_then_is_done(sandbox):
    school = sandbox()
    subject = maths(school)
    empty = check(journal_tasks.WEEK_LESSONS, school.owner)
    assert not empty.is_done and empty.missing[0].startswith("Ни у одного урока ещё нет темы")

    (monday, first), (tuesday, second), *rest = week_slots(school, subject)
    fill_lesson(school, subject, monday, first)
    fill_lesson(school, subject, tuesday, second, homework="")
    result = check(journal_tasks.WEEK_LESSONS, school.owner)

    gaps = [f"15.10, урок {second} — нет домашнего задания"] + [
        f"{day:%d.%m}, урок {number} — нет темы и домашнего задания" for day, number in rest]
    assert not result.is_done
    assert result.missing == [f"Математика, неделя 14.10–19.10: {'; '.join(gaps)}."]

    fill_lesson(school, subject, tuesday, second)
    for day, number in rest:
        fill_lesson(school, subject, day, number)
    assert check(journal_tasks.WEEK_LESSONS, school.owner).is_done


def test_every_pupil_at_one_lesson_needs_a_mark_or_a_code(sandbox):
    school = sandbox()
    subject = maths(school)
    pupils = school.classes[0].pupils
    day, number = week_slots(school, subject)[0]
    empty = check(journal_tasks.LESSON_MARKS, school.owner)
    assert not empty.is_done and empty.missing[0].startswith("Отметок ещё нет")

    enter(school, subject, day, number, dict.fromkeys(pupils[3:], "5"))
    result = check(journal_tasks.LESSON_MARKS, school.owner)

    names = ", ".join(pupil.short_name for pupil in pupils[:3])
    assert not result.is_done
    assert result.missing == [f"Математика, 14.10, урок {number}: нет ни отметки, ни кода посещаемости "
                              f"у 3 учеников: {names}."]

    enter(school, subject, day, number, {pupils[0]: "н", pupils[1]: "б", pupils[2]: "д"})
    assert check(journal_tasks.LESSON_MARKS, school.owner).is_done


def test_a_long_list_of_pupils_is_shortened(sandbox):
    school = sandbox()
    subject = maths(school)
    day, number = week_slots(school, subject)[0]
    pupils = school.classes[0].pupils
    enter(school, subject, day, number, {pupils[-1]: "4"})
    [sentence] = check(journal_tasks.LESSON_MARKS, school.owner).missing
    assert f"у {len(pupils) - 1} учеников: " in sentence and f"и ещё {len(pupils) - 6}." in sentence


def test_quarter_marks_for_the_whole_class_in_one_subject(sandbox):
    school = sandbox()
    subject = maths(school)
    pupils = school.classes[0].pupils
    empty = check(journal_tasks.QUARTER_MARKS, school.owner)
    assert not empty.is_done and empty.missing[0].startswith("Четвертных отметок ещё нет")

    day, number = week_slots(school, subject)[0]
    enter(school, subject, day, number, dict.fromkeys(pupils[2:], "4"))
    period_marks.set_period_marks(school.owner, school.classes[0].id, subject.id, c.Q1, {}, today=TODAY)
    result = check(journal_tasks.QUARTER_MARKS, school.owner)

    quarter = str(c.PERIOD_LABELS[c.Q1])
    names = f"{pupils[0].short_name}, {pupils[1].short_name}"
    assert not result.is_done
    assert result.missing == [f"Математика, {quarter}: нет четвертной отметки у 2 учеников: {names}."]

    values = {str(pupils[0].id): "3", str(pupils[1].id): "5"}
    period_marks.set_period_marks(school.owner, school.classes[0].id, subject.id, c.Q1, values, today=TODAY)
    assert check(journal_tasks.QUARTER_MARKS, school.owner).is_done


def test_someone_elses_sandbox_does_not_count(sandbox, make):
    school = sandbox()
    subject = maths(school)
    for day, number in week_slots(school, subject):
        fill_lesson(school, subject, day, number)
    assert check(journal_tasks.WEEK_LESSONS, school.owner).is_done
    assert not check(journal_tasks.WEEK_LESSONS, make.user("teacher")).is_done


def _finish(enrollment, module):
    """Read the lesson and pass the quiz of a module (no commit)."""
    progress.record_lesson_read(enrollment, module)
    answers = {}
    for question in module.questions:
        if question.kind == "short":
            answers[f"q{question.id}"] = [question.accepted_answers[0]]
        else:
            answers[f"q{question.id}"] = [str(option.id) for option in question.options if option.is_correct]
    assert quizzes.grade(quizzes.new_attempt(enrollment, module), answers).is_passed


def test_a_teacher_does_the_sandbox_work_and_the_averages_module_completes(sandbox, make):
    course = importer.load_course(demo.CONTENT_DIR).course
    teacher = make.user("teacher")
    enrollment = progress.enrol(teacher, course)
    modules = {module.slug: module for module in course.modules}
    for module in course.modules[:4]:
        _finish(enrollment, module)
        if module.has_task:
            progress.progress_for(enrollment, module).task_done_at = enrollment.enrolled_at
            progress.complete_if_done(progress.progress_for(enrollment, module), module)
    progress.refresh(enrollment)
    averages = modules["averages"]
    _finish(enrollment, averages)
    db.session.commit()
    assert enrollment.completed_modules == 4  # the quiz is passed, the practical task is not done

    first = progress.check_task(teacher, averages)
    assert not first.is_done and first.missing == [NOT_FILLED]
    school = sandbox(teacher)
    subject = maths(school)
    day, number = week_slots(school, subject)[0]
    enter(school, subject, day, number, dict.fromkeys(school.classes[0].pupils, "5 4"))
    period_marks.set_period_marks(teacher, school.classes[0].id, subject.id, c.Q1, {}, today=TODAY)

    result = progress.check_task(teacher, averages)

    assert result.is_done
    db.session.refresh(enrollment)
    state = progress.progress_for(enrollment, averages)
    assert state.task_done_at is not None and state.completed_at is not None
    assert enrollment.completed_modules == 5


def test_the_module_page_checks_the_task_and_says_what_is_missing(client, auth, sandbox):
    course = importer.load_course(demo.CONTENT_DIR).course
    teacher = auth.login("teacher")
    enrollment = progress.enrol(teacher, course)
    for module in course.modules[:2]:
        _finish(enrollment, module)
    module = course.modules[2]
    _finish(enrollment, module)
    db.session.commit()
    task_url = f"/training/courses/{course.slug}/{module.slug}/task"

    page = client.get(f"/training/courses/{course.slug}/{module.slug}").get_data(as_text=True)
    assert "Заполните темы и домашние задания всех уроков одной недели по одному предмету" in page
    assert 'href="/journal/"' in page  # the lesson sends the learner to the sandbox
    refused = auth.post(task_url, follow_redirects=True).get_data(as_text=True)
    assert f"Практическое задание ещё не выполнено: {NOT_FILLED}" in refused

    school = sandbox(teacher)
    subject = maths(school)
    for day, number in week_slots(school, subject):
        fill_lesson(school, subject, day, number)
    done = auth.post(task_url, follow_redirects=True).get_data(as_text=True)
    assert "Практическое задание выполнено." in done
    db.session.expire_all()
    assert progress.progress_for(progress.enrollment_for(teacher, course), module).completed_at is not None
