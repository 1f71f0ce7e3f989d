"""Course authoring pages: a methodologist builds and publishes a course; others are kept out."""

import re

import pytest
from sqlalchemy import select

from training import constants as c
from training import progress
from training.models import Course, Module, Question

BASE = "/training/manage"


def question_form(kind=c.SINGLE, text="Кто выдаёт учителю логин?", options=(), answers="", points="1"):
    """The question form's fields; options are (text, correct) rows, the rest of the six rows blank."""
    data = {"kind": kind, "text": text, "explanation": "Так сказано в уроке.", "points": points,
            "accepted_answers": answers}
    rows = list(options) + [("", False)] * (6 - len(options))
    for index, (option, correct) in enumerate(rows):
        data[f"options-{index}-text"] = option
        if correct:
            data[f"options-{index}-is_correct"] = "y"
    return data


def module_form(**fields):
    data = {"title": "Первый вход", "slug": "", "lesson": "Откройте **портал**.", "minutes": "30",
            "pass_mark": "80", "max_attempts": "3", "is_shuffled": "y", "task_key": "", "task_params": ""}
    data.update(fields)
    return data


def page(response):
    return response.get_data(as_text=True)


def test_a_methodologist_builds_a_course_through_the_forms_and_publishes_it(client, auth, db):
    auth.login("methodologist")
    assert "Редактор курсов" in page(client.get(f"{BASE}/"))
    assert 'name="hours"' in page(client.get(f"{BASE}/new"))

    response = auth.post(f"{BASE}/new", {"title": "Электронный журнал: первые шаги", "slug": "first-steps",
                                         "summary": "Для новичков.", "description": "## О курсе",
                                         "hours": "12", "is_sequential": "y"})
    assert response.status_code == 302, page(response)
    course = db.session.scalar(select(Course).where(Course.slug == "first-steps"))
    assert (course.title, course.hours, course.is_sequential, course.status) == (
        "Электронный журнал: первые шаги", 12, True, c.DRAFT)

    response = auth.post(f"{BASE}/{course.id}/modules/new", module_form())
    assert response.status_code == 302, page(response)
    module = db.session.scalar(select(Module).where(Module.course_id == course.id))
    assert (module.slug, module.max_attempts, module.lesson) == ("pervyy-vkhod", 3, "Откройте **портал**.")

    response = auth.post(f"{BASE}/modules/{module.id}/questions/new", question_form(
        options=[("Ответственный в школе", True), ("Родители", False), ("Ученики", False)]))
    assert response.status_code == 302, page(response)
    response = auth.post(f"{BASE}/modules/{module.id}/questions/new", question_form(
        kind=c.SHORT, text="Как называется страница для ввода пароля?", answers="страница входа\nвход"))
    assert response.status_code == 302, page(response)

    module_page = page(client.get(f"{BASE}/modules/{module.id}"))
    assert "Ответственный в школе" in module_page and "страница входа; вход" in module_page
    assert "<strong>портал</strong>" in module_page

    response = auth.post(f"{BASE}/{course.id}/status", {"status": c.PUBLISHED}, follow_redirects=True)
    assert response.status_code == 200
    assert "Курс открыт для записи." in page(response)
    db.session.expire_all()
    course = db.session.get(Course, course.id)
    assert course.status == c.PUBLISHED
    questions = course.modules[0].questions
    assert [(q.kind, len(q.options), q.accepted_answers) for q in questions] == [
        (c.SINGLE, 3, []), (c.SHORT, 0, ["страница входа", "вход"])]
    assert [o.is_correct for o in questions[0].options] == [True, False, False]


@pytest.mark.parametrize("role", ["teacher", "school", "municipal"])
def test_other_roles_get_403(client, auth, training, role):
    course = training.course()
    auth.login(role)
    assert client.get(f"{BASE}/").status_code == 403
    assert client.get(f"{BASE}/new").status_code == 403
    assert client.get(f"{BASE}/{course.id}").status_code == 403
    assert client.get(f"{BASE}/modules/{course.modules[0].id}/edit").status_code == 403
    assert auth.post(f"{BASE}/new", {"title": "Чужой курс", "hours": "1"}).status_code == 403
    assert auth.post(f"{BASE}/{course.id}/status", {"status": c.ARCHIVED}).status_code == 403
    assert auth.post(f"{BASE}/modules/{course.modules[0].id}/delete").status_code == 403


def test_a_guest_is_sent_to_sign_in(client):
    response = client.get(f"{BASE}/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_an_invalid_question_shows_the_russian_rule_and_400(client, auth, training, db):
    course = training.course(status=c.DRAFT, questions=0)
    module = course.modules[0]
    auth.login("methodologist")

    response = auth.post(f"{BASE}/modules/{module.id}/questions/new",
                         question_form(options=[("Первый", True), ("Второй", True)]))

    assert response.status_code == 400
    html = page(response)
    assert "Исправьте отмеченные ниже поля." in html
    assert "У вопроса с одним правильным ответом должен быть ровно один верный вариант." in html
    assert 'value="Второй"' in html  # what was typed stays in the form
    assert db.session.scalar(select(Question).where(Question.module_id == module.id)) is None


def test_an_invalid_course_or_module_form_says_what_to_fix(client, auth, training):
    course = training.course(status=c.DRAFT)
    auth.login("methodologist")

    response = auth.post(f"{BASE}/new", {"title": "", "slug": "Плохой Адрес", "hours": "много"})
    assert response.status_code == 400
    html = page(response)
    assert "Исправьте отмеченные ниже поля." in html and "Заполните это поле." in html

    response = auth.post(f"{BASE}/{course.id}/edit", {"title": "Курс", "slug": "Плохой Адрес", "hours": "5"})
    assert response.status_code == 400
    assert "строчных латинских букв" in page(response)

    response = auth.post(f"{BASE}/{course.id}/modules/new", module_form(pass_mark="0", max_attempts="x"))
    assert response.status_code == 400
    html = page(response)
    assert "Проходной балл — это процент от 1 до 100." in html and "Not a valid" not in html

    response = auth.post(f"{BASE}/{course.id}/modules/new", module_form(slug="module-1"))
    assert response.status_code == 400
    assert "Адрес «module-1» уже занят. Выберите другой." in page(response)


def test_the_lesson_preview_renders_markdown_without_saving(client, auth, training, db):
    course = training.course(status=c.DRAFT)
    module = course.modules[0]
    auth.login("methodologist")

    response = auth.post(f"{BASE}/modules/{module.id}/edit",
                         module_form(slug=module.slug, lesson="**Важно**<script>alert(1)</script>",
                                     action="preview"))

    assert response.status_code == 200
    preview = re.search(r'data-testid="preview">(.*?)</section>', page(response), re.S).group(1)
    assert "<strong>Важно</strong>" in preview and "<script" not in preview
    db.session.expire_all()
    assert db.session.get(Module, module.id).lesson == "Текст урока 1."


def test_publishing_an_empty_course_is_refused_with_the_reason(client, auth, training, db):
    course = training.course(modules=0, status=c.DRAFT)
    auth.login("methodologist")

    response = auth.post(f"{BASE}/{course.id}/status", {"status": c.PUBLISHED})

    assert response.status_code == 422
    assert "Курс пока нельзя опубликовать" in page(response)
    assert db.session.get(Course, course.id).status == c.DRAFT


def test_deleting_a_module_with_learners_is_refused_and_without_them_allowed(client, auth, make, training,
                                                                             db):
    course = training.course(modules=2)
    spare = training.course(modules=2, status=c.DRAFT)
    progress.enrol_self(make.user("teacher"), course)
    auth.login("methodologist")

    response = auth.post(f"{BASE}/modules/{course.modules[1].id}/delete")
    assert response.status_code == 409
    assert "удаление модуля уничтожило бы их результаты" in page(response)
    assert db.session.get(Module, course.modules[1].id) is not None
    assert 'data-testid="delete-module"' not in page(client.get(f"{BASE}/{course.id}"))

    response = auth.post(f"{BASE}/modules/{spare.modules[0].id}/delete")
    assert response.status_code == 302
    db.session.expire_all()
    assert [m.position for m in db.session.get(Course, spare.id).modules] == [1]


def test_editing_a_question_shows_its_options_and_answers(client, auth, training, db):
    course = training.course(status=c.DRAFT, questions=1)
    question = course.modules[0].questions[0]
    auth.login("methodologist")

    html = page(client.get(f"{BASE}/questions/{question.id}/edit"))
    assert 'value="Верно"' in html and 'value="Не так"' in html
    assert html.count('name="options-') >= 12  # six rows of text and checkbox

    response = auth.post(f"{BASE}/questions/{question.id}/edit", question_form(
        kind=c.SHORT, text="Какой буквой отмечают пропуск?", answers="н"))
    assert response.status_code == 302
    db.session.expire_all()
    question = db.session.get(Question, question.id)
    assert (question.kind, question.accepted_answers, question.options) == (c.SHORT, ["н"], [])


def test_moving_modules_through_the_buttons(client, auth, training, db):
    course = training.course(modules=3, status=c.DRAFT)
    last = course.modules[2]
    auth.login("methodologist")

    response = auth.post(f"{BASE}/modules/{last.id}/move", {"direction": "up"})

    assert response.status_code == 302
    db.session.expire_all()
    assert [m.slug for m in db.session.get(Course, course.id).modules] == ["module-1", "module-3", "module-2"]
    assert auth.post(f"{BASE}/modules/{last.id}/move", {"direction": "left"}).status_code == 400


def test_the_course_list_shows_status_and_figures(client, auth, make, training):
    course = training.course(modules=3, title="Курс с учениками")
    progress.enrol_self(make.user("teacher"), course)
    training.course(modules=0, status=c.DRAFT, title="Черновик курса")
    auth.login("methodologist")

    html = page(client.get(f"{BASE}/"))

    rows = re.findall(r'<tr data-testid="course-row">(.*?)</tr>', html, re.S)
    assert len(rows) == 2
    published = next(row for row in rows if "Курс с учениками" in row)
    figures = re.findall(r'<td class="text-end">(\d+)</td>', published)
    assert figures == ["3", "1", "0"] and "Открыт для записи" in published
    assert any("Черновик курса" in row and "Черновик" in row for row in rows)
