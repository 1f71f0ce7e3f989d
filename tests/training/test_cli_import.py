"""`opora training import DIR`: a Russian summary, or the numbered problems and exit code 1."""

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from training.models import Course, Module

DATA = Path(__file__).parent / "data"


def run_import(runner, directory):
    return runner.invoke(args=["training", "import", str(directory)])


def test_import_prints_what_was_loaded_then_that_nothing_changed(runner, db):
    first = run_import(runner, DATA / "valid")

    assert first.exit_code == 0, first.output
    assert first.stdout.strip() == ("Курс «Проверочный курс по электронному журналу» загружен: модулей 2, "
                                    "вопросов 4")
    assert db.session.scalar(select(func.count()).select_from(Module)) == 2

    again = run_import(runner, DATA / "valid")

    assert again.exit_code == 0, again.output
    assert "без изменений: модулей 2, вопросов 4" in again.stdout


def test_a_changed_directory_is_reported_as_updated(runner, db, tmp_path):
    directory = Path(shutil.copytree(DATA / "valid", tmp_path / "course"))
    assert run_import(runner, directory).exit_code == 0
    course_yml = directory / "course.yml"
    course_yml.write_text(course_yml.read_text(encoding="utf-8").replace("hours: 6", "hours: 9"),
                          encoding="utf-8")

    result = run_import(runner, directory)

    assert result.exit_code == 0, result.output
    assert "обновлён: модулей 2, вопросов 4" in result.stdout


@pytest.mark.parametrize(("directory", "expected"), [
    ("bad-yaml", "1. modules/02-marks.quiz.yml, строка 5: Ошибка YAML"),
    ("missing-lesson", "1. course.yml, строка 21: Файл modules/02-marks.md не найден."),
    ("two-correct", "1. modules/02-marks.quiz.yml, строка 9: У вопроса с одним правильным ответом должен "
                    "быть ровно один верный вариант."),
    ("unknown-key", "1. course.yml, строка 20: Неизвестный ключ «minuts»; допустимые ключи: slug, title, "
                    "minutes, lesson, quiz, requires, task."),
    ("unknown-task", "1. course.yml, строка 23: Неизвестное практическое задание «no-such-task»"),
])
def test_a_broken_directory_lists_its_problems_on_stderr_and_changes_nothing(runner, db, directory, expected):
    result = run_import(runner, DATA / directory)

    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0].startswith(expected), result.stderr
    assert lines[-1] == "Курс не загружен, ничего не изменено."
    assert db.session.scalar(select(func.count()).select_from(Course)) == 0


def test_every_problem_gets_its_own_number(runner, db, tmp_path):
    directory = Path(shutil.copytree(DATA / "unknown-key", tmp_path / "course"))
    course_yml = directory / "course.yml"
    course_yml.write_text(course_yml.read_text(encoding="utf-8").replace("hours: 6", "hours: many"),
                          encoding="utf-8")

    result = run_import(runner, directory)

    assert result.exit_code == 1
    assert result.stderr.splitlines()[:2] == [
        "1. course.yml, строка 9: «hours» должно быть целым числом.",
        "2. course.yml, строка 20: Неизвестный ключ «minuts»; допустимые ключи: slug, title, minutes, "
        "lesson, quiz, requires, task.",
    ]


def test_a_missing_directory_is_reported_in_russian(runner, db, tmp_path):
    result = run_import(runner, tmp_path / "nowhere")

    assert result.exit_code == 1
    assert "Такого каталога нет" in result.stderr
