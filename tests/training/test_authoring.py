"""Course authoring services: who may author, validation, publishing rules, results kept, audit rows."""

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.errors import Conflict, PermissionDenied, ValidationFailed
from training import authoring, module_authoring, progress, tasks
from training import constants as c
from training.models import Course, Module, Question

COURSE = {"title": "Электронный журнал для классных руководителей", "slug": "", "summary": "Кратко.",
          "description": "## О курсе", "hours": 18, "is_sequential": True}
MODULE = {"title": "Первый вход", "slug": "", "lesson": "Откройте **портал**.", "minutes": 30,
          "pass_mark": 80, "max_attempts": "", "is_shuffled": True, "task_key": "", "task_params": ""}


def single(*rows, **fields):
    """Question data with (text, correct) option rows; blank rows as the form sends them."""
    data = {"kind": c.SINGLE, "text": "Кто выдаёт логин?", "explanation": "", "points": 1,
            "accepted_answers": "", "options": [{"text": text, "correct": correct} for text, correct in rows]
            + [{"text": "", "correct": False}] * 2}
    data.update(fields)
    return data


def actions(db):
    return [event.action for event in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


@pytest.fixture
def author(make):
    return make.user("methodologist")


@pytest.fixture
def draft(author):
    """A draft course of one module with one valid question."""
    course = authoring.create_course(author, COURSE)
    module = module_authoring.add_module(author, course.id, MODULE)
    module_authoring.add_question(author, module.id,
                                  single(("Ответственный в школе", True), ("Родители", False)))
    return course


def field_errors(call, *args):
    with pytest.raises(ValidationFailed) as failure:
        call(*args)
    return failure.value.field_errors


@pytest.mark.parametrize("role", ["teacher", "school", "municipal", "operator", "coordinator"])
def test_only_methodologists_and_the_admin_author_courses(make, role, training):
    user = make.user(role)
    course = training.course()
    with pytest.raises(PermissionDenied):
        authoring.create_course(user, COURSE)
    with pytest.raises(PermissionDenied):
        authoring.course_listing(user)
    with pytest.raises(PermissionDenied):
        module_authoring.add_module(user, course.id, MODULE)
    with pytest.raises(PermissionDenied):
        module_authoring.delete_question(user, course.modules[0].questions[0].id)
    assert authoring.create_course(make.user("admin"), COURSE).status == c.DRAFT


def test_a_new_course_is_a_draft_with_a_slug_made_from_its_title(db, author):
    course = authoring.create_course(author, COURSE)

    assert (course.status, course.author_id, course.hours) == (c.DRAFT, author.id, 18)
    assert course.slug == "elektronnyy-zhurnal-dlya-klassnykh-rukovoditeley"
    again = authoring.create_course(author, COURSE)
    assert again.slug == course.slug + "-2"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "training.course_created"))
    assert (event.actor_id, event.target_id, event.details["slug"]) == (author.id, course.id, course.slug)


def test_course_fields_are_checked(author, training):
    taken = training.course(slug="e-journal")
    errors = field_errors(authoring.create_course, author, dict(COURSE, title=" ", slug="Плохой адрес",
                                                                hours=-1))
    assert set(errors) == {"title", "slug", "hours"}
    assert "строчных латинских букв" in errors["slug"][0]
    errors = field_errors(authoring.create_course, author, dict(COURSE, slug=taken.slug))
    assert errors["slug"] == ["Адрес «e-journal» уже занят. Выберите другой."]


def test_an_update_records_the_fields_that_changed_and_nothing_when_nothing_did(db, author, draft):
    authoring.update_course(author, draft.id, dict(COURSE, slug=draft.slug, hours=24))
    authoring.update_course(author, draft.id, dict(COURSE, slug=draft.slug, hours=24))

    query = select(AuditEvent).where(AuditEvent.action == "training.course_updated")
    updates = db.session.scalars(query).all()
    assert [event.details["fields"] for event in updates] == [["hours"]]


@pytest.mark.parametrize(("data", "field", "message"), [
    (single(("А", True), ("Б", True)), "options",
     "У вопроса с одним правильным ответом должен быть ровно один верный вариант."),
    (single(("А", False), ("Б", False)), "options",
     "У вопроса с одним правильным ответом должен быть ровно один верный вариант."),
    (single(("А", True)), "options", "У вопроса с выбором ответа должно быть не меньше двух вариантов."),
    (single(("А", False), ("Б", False), kind=c.MULTIPLE), "options",
     "У вопроса с несколькими правильными ответами должен быть хотя бы один верный вариант."),
    (single(kind=c.SHORT, accepted_answers=" \n "), "accepted_answers",
     "У вопроса с кратким ответом должен быть хотя бы один принимаемый ответ."),
    (single(("А", True), ("Б", False), kind="essay"), "kind", "Выберите вид вопроса."),
    (single(("А", True), ("Б", False), text=""), "text", "Напишите текст вопроса."),
    (single(("А", True), ("Б", False), points=0), "points", "Баллы — целое число от 1 до 100."),
])
def test_question_rules(author, draft, data, field, message):
    module = draft.modules[0]
    errors = field_errors(module_authoring.add_question, author, module.id, data)
    assert errors[field] == [message]
    assert len(module.questions) == 1


def test_a_short_question_keeps_its_accepted_answers_and_no_options(author, draft):
    question = module_authoring.add_question(author, draft.modules[0].id, single(
        ("Лишний вариант", True), kind=c.SHORT, accepted_answers="Страница входа\n\n  вход  \nвход"))
    assert (question.accepted_answers, question.options, question.position) == (
        ["Страница входа", "вход"], [], 2)


def test_module_fields_are_checked(author, draft):
    errors = field_errors(module_authoring.add_module, author, draft.id, dict(
        MODULE, pass_mark=0, max_attempts="0", minutes="долго", task_key="no-such-task", task_params="[1]",
        slug=draft.modules[0].slug))
    assert set(errors) == {"pass_mark", "max_attempts", "minutes", "task_key", "task_params", "slug"}
    assert errors["pass_mark"] == ["Проходной балл — это процент от 1 до 100."]
    assert field_errors(module_authoring.add_module, author, draft.id, dict(MODULE, pass_mark=101))


def test_a_module_takes_a_registered_task_with_parameters(author, draft, monkeypatch):
    monkeypatch.setitem(tasks.TASKS, "marks", tasks.PracticalTask("marks", "Поставьте отметки", None))
    module = module_authoring.update_module(author, draft.modules[0].id, dict(
        MODULE, slug=draft.modules[0].slug, task_key="marks", task_params='{"marks": 5}', max_attempts="3"))
    assert (module.task_key, module.task_params, module.max_attempts) == ("marks", {"marks": 5}, 3)


def test_publishing_needs_modules_and_valid_quizzes(db, author, draft):
    empty = authoring.create_course(author, dict(COURSE, title="Пустой курс"))
    with pytest.raises(ValidationFailed) as failure:
        authoring.change_status(author, empty.id, c.PUBLISHED)
    assert "курс без модулей нельзя опубликовать" in failure.value.message
    broken = draft.modules[0].questions[0]
    broken.options[1].is_correct = True  # a file or an old version left an invalid question behind
    db.session.commit()
    with pytest.raises(ValidationFailed) as failure:
        authoring.change_status(author, draft.id, c.PUBLISHED)
    assert failure.value.field_errors["status"] == [
        "Модуль «Первый вход»: Вопрос 1: У вопроса с одним правильным ответом должен быть ровно один верный "
        "вариант."]
    assert db.session.get(Course, draft.id).status == c.DRAFT

    broken.options[1].is_correct = False
    db.session.commit()
    course = authoring.change_status(author, draft.id, c.PUBLISHED)

    assert course.status == c.PUBLISHED and course.published_at is not None
    assert actions(db)[-1] == "training.course_published"


def test_status_changes_follow_the_transitions(db, author, draft):
    with pytest.raises(Conflict):
        authoring.change_status(author, draft.id, c.ARCHIVED)
    with pytest.raises(Conflict):
        authoring.change_status(author, draft.id, "deleted")
    authoring.change_status(author, draft.id, c.PUBLISHED)
    authoring.change_status(author, draft.id, c.ARCHIVED)
    authoring.change_status(author, draft.id, c.PUBLISHED)
    authoring.change_status(author, draft.id, c.DRAFT)
    assert actions(db)[-4:] == ["training.course_published", "training.course_archived",
                                "training.course_published", "training.course_unpublished"]


def test_modules_and_questions_move_up_and_down(db, author, draft):
    course_id = draft.id
    first = draft.modules[0]
    second = module_authoring.add_module(author, course_id, dict(MODULE, title="Отметки"))
    module_authoring.move_module(author, second.id, authoring.UP)
    assert [(m.title, m.position) for m in db.session.get(Course, course_id).modules] == [
        ("Отметки", 1), ("Первый вход", 2)]
    module_authoring.move_module(author, second.id, authoring.UP)  # already first: nothing happens
    assert actions(db).count("training.module_moved") == 1

    extra = module_authoring.add_question(author, first.id, single(("В", True), ("Г", False), text="Второй?"))
    module_authoring.move_question(author, extra.id, authoring.UP)
    assert [q.text for q in db.session.get(Module, first.id).questions] == ["Второй?", "Кто выдаёт логин?"]
    with pytest.raises(ValidationFailed):
        module_authoring.move_question(author, extra.id, "sideways")


def test_deleting_renumbers_and_is_refused_once_learners_are_enrolled(db, make, author, draft):
    second = module_authoring.add_module(author, draft.id, dict(MODULE, title="Отметки"))
    third = module_authoring.add_module(author, draft.id, dict(MODULE, title="Отчёты"))
    module_authoring.delete_module(author, second.id)
    assert [(m.title, m.position) for m in db.session.get(Course, draft.id).modules] == [
        ("Первый вход", 1), ("Отчёты", 2)]
    authoring.change_status(author, draft.id, c.PUBLISHED)
    learner = make.user("teacher")
    progress.enrol_self(learner, db.session.get(Course, draft.id))
    question = db.session.get(Course, draft.id).modules[0].questions[0]

    with pytest.raises(Conflict) as failure:
        module_authoring.delete_module(author, third.id)
    assert "удаление модуля уничтожило бы их результаты" in failure.value.message
    with pytest.raises(Conflict):
        module_authoring.delete_question(author, question.id)

    assert db.session.get(Module, third.id) is not None and db.session.get(Question, question.id) is not None
    assert actions(db).count("training.module_deleted") == 1


def test_the_last_module_of_a_published_course_stays(author, draft):
    authoring.change_status(author, draft.id, c.PUBLISHED)
    with pytest.raises(Conflict):
        module_authoring.delete_module(author, draft.modules[0].id)


def test_editing_a_question_keeps_its_option_rows(db, author, draft):
    question = draft.modules[0].questions[0]
    option_ids = [option.id for option in question.options]

    module_authoring.update_question(author, question.id, single(
        ("Ответственный за внедрение", True), ("Родители", False), ("Директор", False)))

    question = db.session.get(Question, question.id)
    assert [o.id for o in question.options][:2] == option_ids
    assert [(o.text, o.is_correct, o.position) for o in question.options] == [
        ("Ответственный за внедрение", True, 1), ("Родители", False, 2), ("Директор", False, 3)]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "training.question_updated"))
    assert event.details["fields"] == ["options"]


def test_prerequisites_in_a_free_order_course(db, author):
    course = authoring.create_course(author, dict(COURSE, is_sequential=False))
    first = module_authoring.add_module(author, course.id, MODULE)
    second = module_authoring.add_module(author, course.id, dict(MODULE, title="Отметки",
                                                                 prerequisite_ids=[first.id]))
    assert [m.id for m in second.prerequisites] == [first.id]

    errors = field_errors(module_authoring.update_module, author, first.id,
                          dict(MODULE, slug=first.slug, prerequisite_ids=[second.id]))
    assert "замкнутый круг" in errors["prerequisite_ids"][0]
    errors = field_errors(module_authoring.update_module, author, first.id,
                          dict(MODULE, slug=first.slug, prerequisite_ids=[first.id]))
    assert errors["prerequisite_ids"]

    module_authoring.delete_module(author, first.id)
    assert db.session.get(Module, second.id).prerequisites == []


def test_the_listing_counts_modules_learners_and_finishers(db, make, author, training):
    course = training.course(modules=3)
    learners = [make.user("teacher") for _ in range(3)]
    for learner in learners:
        progress.enrol_self(learner, course)
    enrollment = progress.enrollment_for(learners[0], course)
    enrollment.status = c.COMPLETED
    db.session.commit()
    empty = training.course(modules=0, status=c.DRAFT)

    listing, counts = authoring.course_listing(author)

    assert {course.id, empty.id} == {item.id for item in listing.items}
    assert counts[course.id] == authoring.CourseCounts(modules=3, enrolled=3, completed=1)
    assert counts[empty.id] == authoring.CourseCounts()
