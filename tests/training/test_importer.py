"""`training import`: a course from YAML and Markdown files, idempotent, updated in place, all or nothing."""

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.errors import PermissionDenied
from training import constants as c
from training import importer, progress, tasks
from training.models import Course, Module, Option, Question

DATA = Path(__file__).parent / "data"
CONTENT = Path(__file__).resolve().parents[2] / "training" / "content"
TRAINING_TABLES = ("training_courses", "training_modules", "training_questions", "training_options",
                   "training_module_prerequisites")


@pytest.fixture
def course_dir(tmp_path):
    """A writable copy of the valid course directory."""
    return Path(shutil.copytree(DATA / "valid", tmp_path / "course"))


def edit(path, old, new):
    """Replace text in a file of a course directory (the text must be there)."""
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def snapshot(db):
    """Every row of the course tables, to compare before and after."""
    db.session.expire_all()
    with db.engine.connect() as connection:
        return {name: sorted(map(tuple, connection.exec_driver_sql(f"SELECT * FROM {name}").all()), key=repr)
                for name in TRAINING_TABLES}


def the_course(db, slug="test-course"):
    db.session.expire_all()
    return db.session.scalar(select(Course).where(Course.slug == slug))


def failure_of(directory, **kwargs):
    with pytest.raises(importer.ImportFailed) as failure:
        importer.import_course(directory, **kwargs)
    return failure.value.errors


def test_import_creates_a_published_course_with_its_modules_and_quizzes(db):
    result = importer.import_course(DATA / "valid")

    assert (result.created, result.changed) == (True, True)
    assert result.counts["modules"] == 2 and result.counts["questions"] == 4
    course = the_course(db)
    assert course.title == "Проверочный курс по электронному журналу" and course.hours == 6
    assert course.status == c.PUBLISHED and course.published_at is not None and course.is_sequential
    assert course.description.startswith("## О курсе")
    sign_in, marks = course.modules
    assert [(m.position, m.slug, m.minutes) for m in course.modules] == [(1, "sign-in", 20), (2, "marks", 30)]
    assert "**логин**" in sign_in.lesson
    assert (sign_in.pass_mark, sign_in.max_attempts, sign_in.is_shuffled) == (80, 3, True)
    assert (marks.pass_mark, marks.max_attempts, marks.is_shuffled) == (60, None, True)
    single, short = sign_in.questions
    assert [(o.text, o.is_correct) for o in single.options] == [
        ("Ответственный за внедрение в школе", True), ("Родители учеников", False)]
    assert (short.kind, short.accepted_answers, short.options) == (c.SHORT, ["страница входа", "вход"], [])
    assert short.explanation == "Это страница входа."
    multiple = marks.questions[0]
    assert (multiple.kind, multiple.points) == (c.MULTIPLE, 2)
    assert [o.is_correct for o in multiple.options] == [True, True, False]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "training.course_imported"))
    assert event.target_id == course.id and event.details["created"] is True


def test_importing_the_same_directory_again_changes_nothing(db):
    importer.import_course(DATA / "valid")
    before = snapshot(db)

    result = importer.import_course(DATA / "valid")

    assert (result.created, result.changed, result.unchanged) == (False, False, True)
    assert result.counts["questions"] == 4
    assert snapshot(db) == before
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 1


def test_changed_files_update_the_course_in_place(db, course_dir):
    importer.import_course(course_dir)
    course = the_course(db)
    module_ids = {m.slug: m.id for m in course.modules}
    question_ids = [q.id for q in course.modules[1].questions]
    option_ids = [o.id for o in course.modules[1].questions[1].options]
    edit(course_dir / "course.yml", "hours: 6", "hours: 8")
    edit(course_dir / "modules" / "02-marks.quiz.yml", "Какой буквой отмечают пропуск?",
         "Какой буквой в журнале отмечают пропуск урока?")
    edit(course_dir / "modules" / "02-marks.quiz.yml", "      - text: «п»\n",
         "      - text: «п»\n      - text: «о»\n")
    edit(course_dir / "modules" / "01-sign-in.md", "Откройте портал", "Откройте портал Опоры")

    result = importer.import_course(course_dir)

    assert (result.created, result.changed, result.counts["modules_updated"]) == (False, True, 2)
    course = the_course(db)
    assert course.hours == 8 and course.status == c.PUBLISHED
    assert {m.slug: m.id for m in course.modules} == module_ids
    question = course.modules[1].questions[1]
    assert [q.id for q in course.modules[1].questions] == question_ids
    assert question.text == "Какой буквой в журнале отмечают пропуск урока?"
    assert [o.id for o in question.options][:2] == option_ids
    assert [o.text for o in question.options] == ["«н»", "«п»", "«о»"]
    assert "Опоры" in course.modules[0].lesson


def test_modules_are_matched_by_slug_when_reordered_added_and_removed(db, course_dir):
    importer.import_course(course_dir)
    marks_id = the_course(db).modules[1].id
    course_yml = course_dir / "course.yml"
    text = course_yml.read_text(encoding="utf-8")
    head, modules = text.split("modules:\n")
    sign_in, marks = modules.split("  - slug: marks\n")
    (course_dir / "modules" / "03-extra.md").write_text("Дополнительный урок.", encoding="utf-8")
    extra = "  - slug: extra\n    title: Дополнительно\n    lesson: modules/03-extra.md\n"
    course_yml.write_text(head + "modules:\n  - slug: marks\n" + marks + extra, encoding="utf-8")

    result = importer.import_course(course_dir)

    course = the_course(db)
    assert [(m.position, m.slug) for m in course.modules] == [(1, "marks"), (2, "extra")]
    assert course.modules[0].id == marks_id and course.modules[1].questions == []
    assert (result.counts["modules_added"], result.counts["modules_removed"]) == (1, 1)
    assert db.session.scalar(select(func.count()).select_from(Module)) == 2


def test_a_module_with_learners_progress_cannot_be_dropped(db, make, course_dir):
    importer.import_course(course_dir)
    course = the_course(db)
    learner = make.user("teacher")
    progress.enrol_self(learner, course)
    progress.mark_lesson_read(learner, course.modules[0])
    before = snapshot(db)
    course_yml = course_dir / "course.yml"
    text = course_yml.read_text(encoding="utf-8")
    course_yml.write_text(text[:text.index("  - slug: sign-in")] + text[text.index("  - slug: marks"):],
                          encoding="utf-8")

    errors = failure_of(course_dir)

    assert len(errors) == 1
    assert errors[0].startswith("course.yml, строка 12:") and "«sign-in»" in errors[0]
    assert snapshot(db) == before


def test_a_quiz_that_learners_took_cannot_lose_questions(db, make, course_dir):
    importer.import_course(course_dir)
    course = the_course(db)
    learner = make.user("teacher")
    progress.enrol_self(learner, course)
    from training import quizzes

    progress.mark_lesson_read(learner, course.modules[0])
    quizzes.start_attempt(learner, course.modules[0])
    quiz = course_dir / "modules" / "01-sign-in.quiz.yml"
    text = quiz.read_text(encoding="utf-8")
    quiz.write_text(text[:text.index("  - kind: short")], encoding="utf-8")

    errors = failure_of(course_dir)

    assert len(errors) == 1 and "«sign-in»" in errors[0] and "2 → 1" in errors[0]
    assert len(the_course(db).modules[0].questions) == 2


def test_a_broken_file_after_good_changes_leaves_everything_as_it_was(db, course_dir):
    importer.import_course(course_dir)
    before = snapshot(db)
    edit(course_dir / "course.yml", "hours: 6", "hours: 12")
    edit(course_dir / "modules" / "01-sign-in.md", "Откройте портал", "Сначала откройте портал")
    edit(course_dir / "modules" / "02-marks.quiz.yml", "      - text: «п»\n",
         "      - text: «п»\n        correct: true\n")

    errors = failure_of(course_dir)

    assert errors == ["modules/02-marks.quiz.yml, строка 12: У вопроса с одним правильным ответом должен "
                      "быть ровно один верный вариант."]
    assert snapshot(db) == before
    assert the_course(db).hours == 6


def test_a_new_course_with_a_broken_file_writes_nothing(db):
    errors = failure_of(DATA / "two-correct")

    assert len(errors) == 1
    assert db.session.scalar(select(func.count()).select_from(Course)) == 0
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 0


@pytest.mark.parametrize(("directory", "expected"), [
    ("bad-yaml", "modules/02-marks.quiz.yml, строка 5: Ошибка YAML"),
    ("missing-lesson", "course.yml, строка 21: Файл modules/02-marks.md не найден."),
    ("two-correct", "modules/02-marks.quiz.yml, строка 9: У вопроса с одним правильным ответом должен быть "
                    "ровно один верный вариант."),
    ("unknown-key", "course.yml, строка 20: Неизвестный ключ «minuts»"),
    ("unknown-task", "course.yml, строка 23: Неизвестное практическое задание «no-such-task»"),
])
def test_each_problem_names_the_file_and_the_line(db, directory, expected):
    errors = failure_of(DATA / directory)

    assert len(errors) == 1, errors
    assert errors[0].startswith(expected), errors[0]


def test_every_problem_of_a_directory_is_reported_at_once(db, course_dir):
    edit(course_dir / "course.yml", "slug: test-course", "slug: Test Course")
    edit(course_dir / "course.yml", "hours: 6", "hours: шесть\ncolour: red")
    edit(course_dir / "modules" / "01-sign-in.quiz.yml", "pass_mark: 80", "pass_mark: 120")
    edit(course_dir / "modules" / "01-sign-in.quiz.yml", "answers: [страница входа, вход]", "options: []")
    (course_dir / "modules" / "02-marks.md").write_bytes("# Marks\nОтметки в cp1251".encode("cp1251"))

    errors = failure_of(course_dir)

    assert len(errors) == 7, errors
    assert errors[0].startswith("course.yml, строка 2: ") and "«Test Course»" in errors[0]
    assert any(e.startswith("course.yml, строка 9: «hours» должно быть целым числом") for e in errors)
    assert any(e.startswith("course.yml, строка 10: Неизвестный ключ «colour»") for e in errors)
    assert errors[-1] == "modules/02-marks.md, строка 2: Файл не в кодировке UTF-8; сохраните его в UTF-8."
    assert errors[-4:-1] == [
        "modules/01-sign-in.quiz.yml, строка 1: Проходной балл — это процент от 1 до 100.",
        "modules/01-sign-in.quiz.yml, строка 12: У вопроса с кратким ответом должен быть хотя бы один "
        "принимаемый ответ.",
        "modules/01-sign-in.quiz.yml, строка 14: Варианты ответа (options) бывают только у вопросов «single» "
        "и «multiple».",
    ]


def test_keys_given_twice_and_paths_outside_the_directory_are_refused(db, course_dir):
    edit(course_dir / "course.yml", "hours: 6", "hours: 6\nhours: 7")
    edit(course_dir / "course.yml", "lesson: modules/02-marks.md", "lesson: ../../etc/passwd")

    errors = failure_of(course_dir)

    assert "course.yml, строка 10: Ключ «hours» указан дважды." in errors
    assert any(e.startswith("course.yml, строка 22: Путь ../../etc/passwd ведёт за пределы") for e in errors)


def test_a_course_that_says_publish_false_starts_as_a_draft_and_an_existing_one_keeps_its_status(
        db, course_dir):
    edit(course_dir / "course.yml", "publish: true", "publish: false")
    importer.import_course(course_dir)
    assert the_course(db).status == c.DRAFT

    course = the_course(db)
    course.status = c.ARCHIVED
    db.session.commit()
    edit(course_dir / "course.yml", "publish: false", "publish: true")
    edit(course_dir / "course.yml", "hours: 6", "hours: 7")
    importer.import_course(course_dir)
    assert (the_course(db).status, the_course(db).hours) == (c.ARCHIVED, 7)


def test_prerequisites_of_a_free_order_course_and_their_mistakes(db, course_dir):
    edit(course_dir / "course.yml", "sequential: true", "sequential: false")
    edit(course_dir / "course.yml", "    lesson: modules/02-marks.md\n",
         "    lesson: modules/02-marks.md\n    requires: [sign-in]\n")
    importer.import_course(course_dir)
    marks = the_course(db).modules[1]
    assert [m.slug for m in marks.prerequisites] == ["sign-in"]

    edit(course_dir / "course.yml", "    lesson: modules/01-sign-in.md\n",
         "    lesson: modules/01-sign-in.md\n    requires: [marks, nowhere]\n")
    errors = failure_of(course_dir)
    assert errors == ["course.yml, строка 17: Неизвестный модуль «nowhere» в «requires»."]

    edit(course_dir / "course.yml", "requires: [marks, nowhere]", "requires: [marks]")
    errors = failure_of(course_dir)
    assert [e[:22] for e in errors] == ["course.yml, строка 17:", "course.yml, строка 23:"]
    assert "ждёт сам себя" in errors[0]


def test_requires_in_a_sequential_course_is_a_mistake(db, course_dir):
    edit(course_dir / "course.yml", "    lesson: modules/02-marks.md\n",
         "    lesson: modules/02-marks.md\n    requires: [sign-in]\n")

    errors = failure_of(course_dir)

    assert len(errors) == 1 and errors[0].startswith("course.yml, строка 22: «requires»")


def test_a_registered_practical_task_is_accepted(db, course_dir, monkeypatch):
    monkeypatch.setitem(tasks.TASKS, "put-marks", tasks.PracticalTask("put-marks", "Поставьте отметки", None))
    edit(course_dir / "course.yml", "    quiz: modules/02-marks.quiz.yml\n",
         "    quiz: modules/02-marks.quiz.yml\n    task:\n      key: put-marks\n      params: {marks: 3}\n")

    importer.import_course(course_dir)

    marks = the_course(db).modules[1]
    assert (marks.task_key, marks.task_params) == ("put-marks", {"marks": 3})


def test_a_missing_directory_or_course_file_is_reported(db, tmp_path):
    missing = tmp_path / "nowhere"
    assert failure_of(missing) == [f"{missing}: Такого каталога нет. Проверьте путь."]
    assert failure_of(tmp_path) == ["course.yml: Файл не найден в каталоге."]


def test_only_course_authors_import(db, make):
    with pytest.raises(PermissionDenied):
        importer.import_course(DATA / "valid", actor=make.user("teacher"))
    result = importer.import_course(DATA / "valid", actor=make.user("methodologist"))
    assert result.course.author.role == "methodologist"


def test_load_course_flushes_without_committing(db):
    result = importer.load_course(DATA / "valid")
    assert result.course.id is not None
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Course)) == 0


def test_the_starter_course_in_training_content_imports_and_reimports_unchanged(db):
    result = importer.import_course(CONTENT)

    course = result.course
    assert result.created and course.status == c.PUBLISHED
    assert len(course.modules) >= 6
    assert all(len(module.questions) >= 5 and module.lesson for module in course.modules)
    assert db.session.scalar(select(func.count()).select_from(Option)) > 0
    assert db.session.scalar(select(func.count()).select_from(Question)) == result.counts["questions"]
    assert importer.import_course(CONTENT).unchanged
