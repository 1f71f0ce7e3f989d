"""Seminars: scheduling, registration with a waiting line, cancellation, reminders."""

import threading
from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.errors import NotFound, PermissionDenied, ValidationFailed
from app.extensions import db
from app.mail.models import SENT, OutboundMessage
from app.timeutil import utcnow
from knowledge_base.models import Article
from training import constants as c
from training import seminar_registration as registration
from training import seminars
from training.models import Registration, Seminar


@pytest.fixture
def app_settings(mail_settings):
    """Letters go to the test SMTP server."""
    return mail_settings


def seminar_data(**fields):
    """The seminar form's data, as the view hands it to the services."""
    data = {"title": "Ведение электронного журнала", "description": "Практикум в **компьютерном классе**.",
            "day": date(2031, 4, 15), "starts": time(10, 0), "ends": time(13, 0),
            "place": "Тамбов, ТОИПКРО, ул. Советская, 108, ауд. 21", "online_url": "", "capacity": 30,
            "audience": ["municipal", "school"], "materials": ""}
    data.update(fields)
    return data


def actions(seminar):
    return db.session.scalars(select(AuditEvent.action).where(AuditEvent.target_type == "Seminar",
                                                              AuditEvent.target_id == seminar.id)
                              .order_by(AuditEvent.id)).all()


def statuses(seminar):
    db.session.expire_all()
    rows = db.session.scalars(select(Registration).where(Registration.seminar_id == seminar.id)
                              .order_by(Registration.id))
    return {row.user.email: row.status for row in rows}


# --- the scenario -----------------------------------------------------------------


def test_a_full_seminar_waitlists_and_a_cancellation_moves_the_first_waiting_person_in(make, training,
                                                                                        mailbox):
    seminar = training.seminar(capacity=2, audience=("school", "municipal"))
    first, second, third, fourth = (make.user("school", email=f"p{n}@school.test") for n in range(1, 5))
    assert registration.register(first, seminar.id).status == c.REGISTERED
    assert registration.register(second, seminar.id).status == c.REGISTERED
    waiting = registration.register(third, seminar.id)
    assert waiting.status == c.WAITLISTED
    assert registration.register(fourth, seminar.id).status == c.WAITLISTED

    registration.withdraw(first, seminar.id)

    assert statuses(seminar) == {"p1@school.test": c.WITHDRAWN, "p2@school.test": c.REGISTERED,
                                 "p3@school.test": c.REGISTERED, "p4@school.test": c.WAITLISTED}
    promoted = db.session.get(Registration, waiting.id)
    assert promoted.promoted_at is not None and promoted.registered_at == promoted.promoted_at
    [letter] = mailbox.messages
    assert letter["To"] == "p3@school.test"
    assert seminar.title in letter["Subject"] and "место" in letter["Subject"]
    body = letter.get_body(("plain",)).get_content()
    assert "первым в листе ожидания" in body and f"/training/seminars/{seminar.id}" in body
    assert [m.status for m in db.session.scalars(select(OutboundMessage))] == [SENT]
    assert actions(seminar).count("training.seminar_registered") == 4
    assert "training.seminar_withdrawn" in actions(seminar)


def test_waiting_line_keeps_the_order_of_arrival_and_withdrawing_from_it_moves_nobody(make, training,
                                                                                       mailbox):
    seminar = training.seminar(capacity=1)
    holder, early, late = (make.user("school", email=f"w{n}@school.test") for n in range(3))
    now = utcnow()
    registration.register(holder, seminar.id, now=now)
    registration.register(late, seminar.id, now=now + timedelta(minutes=2))
    registration.register(early, seminar.id, now=now + timedelta(minutes=1))  # registered later, but…
    db.session.get(Registration, registration.own_registration(early, seminar.id).id).queued_at = now
    db.session.commit()  # …queued first: the line follows queued_at, not the row id

    registration.withdraw(late, seminar.id)
    assert statuses(seminar)["w0@school.test"] == c.REGISTERED and mailbox.messages == []
    registration.withdraw(holder, seminar.id)
    assert statuses(seminar) == {"w0@school.test": c.WITHDRAWN, "w2@school.test": c.WITHDRAWN,
                                 "w1@school.test": c.REGISTERED}
    assert [m["To"] for m in mailbox.messages] == ["w1@school.test"]


def test_registering_again_after_cancelling_reuses_the_row_and_joins_the_end_of_the_line(make, training):
    seminar = training.seminar(capacity=1)
    teacher, other = make.user("teacher"), make.user("teacher")
    row = registration.register(teacher, seminar.id)
    registration.withdraw(teacher, seminar.id)
    registration.register(other, seminar.id)
    again = registration.register(teacher, seminar.id)
    assert again.id == row.id and again.status == c.WAITLISTED
    assert again.withdrawn_at is None and again.organization_id == teacher.organization_id
    assert db.session.query(Registration).filter_by(seminar_id=seminar.id).count() == 2


def test_registering_twice_changes_nothing(make, training):
    seminar = training.seminar(capacity=5)
    teacher = make.user("teacher")
    first = registration.register(teacher, seminar.id)
    registered_at = first.registered_at
    again = registration.register(teacher, seminar.id, now=utcnow() + timedelta(hours=1))
    assert (again.id, again.status, again.registered_at) == (first.id, c.REGISTERED, registered_at)
    assert actions(seminar).count("training.seminar_registered") == 1


def test_registration_is_refused_after_the_start_outside_the_audience_and_for_cancelled_seminars(make,
                                                                                                  training):
    seminar = training.seminar(audience=("school",))
    school, teacher = make.user("school"), make.user("teacher")
    with pytest.raises(ValidationFailed, match="уже начался"):
        registration.register(school, seminar.id, now=seminar.starts_at)
    with pytest.raises(PermissionDenied, match="Координатор школы"):
        registration.register(teacher, seminar.id)
    seminar.status = c.CANCELLED
    db.session.commit()
    with pytest.raises(NotFound):
        registration.register(school, seminar.id)
    with pytest.raises(NotFound):
        registration.register(school, 2**31 - 1)
    assert db.session.query(Registration).count() == 0


def test_cancelling_a_registration_is_refused_once_the_seminar_started(make, training):
    seminar = training.seminar()
    teacher = make.user("teacher")
    registration.register(teacher, seminar.id)
    with pytest.raises(ValidationFailed, match="уже начался"):
        registration.withdraw(teacher, seminar.id, now=seminar.starts_at + timedelta(minutes=5))
    with pytest.raises(ValidationFailed, match="не записаны"):
        registration.withdraw(make.user("teacher"), seminar.id)


def test_two_people_taking_the_last_place_at_once_do_not_both_get_it(app, make, training):
    seminar = training.seminar(capacity=1)
    people = [make.user("school") for _ in range(6)]
    ids = [(person.id, seminar.id) for person in people]
    barrier, errors = threading.Barrier(len(ids)), []

    def take_place(user_id, seminar_id):
        with app.app_context():
            try:
                user = db.session.get(type(people[0]), user_id)
                barrier.wait()
                registration.register(user, seminar_id)
            except Exception as error:  # noqa: BLE001  (reported below)
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=take_place, args=pair) for pair in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(statuses(seminar).values()) == [c.REGISTERED] + [c.WAITLISTED] * 5


# --- scheduling ---------------------------------------------------------------------------


def test_a_methodologist_schedules_a_seminar_in_moscow_time(make):
    methodologist = make.user("methodologist")
    seminar = seminars.create_seminar(methodologist, seminar_data())
    assert (seminar.starts_at, seminar.ends_at) == (datetime(2031, 4, 15, 7, 0), datetime(2031, 4, 15, 10, 0))
    assert seminar.organizer_id == methodologist.id and seminar.status == c.SCHEDULED
    assert seminar.audience == ["municipal", "school"] and seminar.sequence == 0
    assert actions(seminar) == ["training.seminar_created"]
    values = seminars.form_values(seminar)
    assert (values["day"], values["starts"], values["ends"]) == (date(2031, 4, 15), time(10, 0), time(13, 0))


def test_only_methodologists_schedule_seminars(make):
    for role in ("teacher", "school", "municipal", "coordinator"):
        with pytest.raises(PermissionDenied):
            seminars.create_seminar(make.user(role), seminar_data())
    assert db.session.query(Seminar).count() == 0


@pytest.mark.parametrize(("fields", "field", "text"), [
    ({"title": "  "}, "title", "название"),
    ({"place": "", "online_url": ""}, "place", "место"),
    ({"online_url": "javascript:alert(1)"}, "online_url", "http"),
    ({"online_url": "ftp://files.example.org/x"}, "online_url", "http"),
    ({"online_url": "https://"}, "online_url", "http"),
    ({"online_url": "https://example.org/a b"}, "online_url", "http"),
    ({"ends": time(9, 0)}, "ends", "закончиться"),
    ({"ends": time(10, 0)}, "ends", "закончиться"),
    ({"day": "31.04.2031"}, "day", "дату"),
    ({"starts": "десять"}, "starts", "время"),
    ({"capacity": 0}, "capacity", "от 1"),
    ({"capacity": "много"}, "capacity", "от 1"),
    ({"audience": ["pupil"]}, "audience", "списка"),
    ({"materials": "no-such-guide"}, "materials", "no-such-guide"),
    ({"title": "Я" * 251}, "title", "250"),
])
def test_bad_seminar_data_is_refused_with_a_russian_message(make, fields, field, text):
    with pytest.raises(ValidationFailed) as caught:
        seminars.create_seminar(make.user("methodologist"), seminar_data(**fields))
    assert text in " ".join(caught.value.field_errors[field])
    assert db.session.query(Seminar).count() == 0


def test_online_only_seminar_with_an_https_link(make):
    seminar = seminars.create_seminar(make.user("methodologist"),
                                      seminar_data(place="", online_url="https://vks.example.org/room?id=7"))
    assert seminar.online_url == "https://vks.example.org/room?id=7" and seminar.place == ""


def _article(slug, title, status="published", audience="staff"):
    article = Article(slug=slug, title=title, status=status, audience=audience, body="Текст")
    db.session.add(article)
    db.session.commit()
    return article


def test_materials_are_picked_by_address_link_or_title_among_published_guides(make):
    activation = _article("aktivatsiya-shkoly", "Активация школы на платформе")
    order = _article("prikaz-ob-otvetstvennom", "Приказ об ответственном")
    marks = _article("otmetki", "Отметки посещаемости")
    _article("chernovik", "Черновик", status="draft")
    text = ("aktivatsiya-shkoly\n\nhttps://opora.example/kb/prikaz-ob-otvetstvennom\n"
            "  отметки ПОСЕЩАЕМОСТИ \naktivatsiya-shkoly")
    seminar = seminars.create_seminar(make.user("methodologist"), seminar_data(materials=text))
    assert {a.id for a in seminar.materials} == {activation.id, order.id, marks.id}
    with pytest.raises(ValidationFailed) as caught:
        seminars.create_seminar(make.user("methodologist"), seminar_data(materials="chernovik"))
    assert "chernovik" in caught.value.field_errors["materials"][0]


def test_fewer_places_than_registered_people_is_refused_and_nobody_is_dropped(make, training):
    seminar = training.seminar(capacity=3)
    for _ in range(3):
        registration.register(make.user("teacher"), seminar.id)
    methodologist = make.user("methodologist")
    values = seminar_data(**seminars.form_values(seminar))
    with pytest.raises(ValidationFailed) as caught:
        seminars.update_seminar(methodologist, seminar.id, {**values, "capacity": 2})
    assert "Уже записаны 3" in caught.value.field_errors["capacity"][0]
    db.session.expire_all()
    assert seminar.capacity == 3 and sorted(statuses(seminar).values()) == [c.REGISTERED] * 3
    seminars.update_seminar(methodologist, seminar.id, {**values, "capacity": 3, "title": "Новое название"})
    assert db.session.get(Seminar, seminar.id).title == "Новое название"


def test_more_places_let_the_waiting_people_in_with_a_letter(make, training, mailbox):
    seminar = training.seminar(capacity=1)
    for n in range(4):
        registration.register(make.user("school", email=f"m{n}@school.test"), seminar.id)
    values = seminar_data(**seminars.form_values(seminar))
    seminars.update_seminar(make.user("methodologist"), seminar.id, {**values, "capacity": 3})
    assert statuses(seminar) == {"m0@school.test": c.REGISTERED, "m1@school.test": c.REGISTERED,
                                 "m2@school.test": c.REGISTERED, "m3@school.test": c.WAITLISTED}
    assert sorted(m["To"] for m in mailbox.messages) == ["m1@school.test", "m2@school.test"]
    assert db.session.get(Seminar, seminar.id).sequence == 0  # places are not calendar details


def test_a_new_time_bumps_the_sequence_tells_the_participants_and_renews_the_reminder(make, training,
                                                                                     mailbox):
    seminar = training.seminar(capacity=1)
    holder = make.user("school", email="holder@school.test")
    registration.register(holder, seminar.id)
    registration.register(make.user("school", email="waiting@school.test"), seminar.id)
    registration.own_registration(holder, seminar.id).reminded_at = utcnow()
    db.session.commit()
    values = seminar_data(**seminars.form_values(seminar))
    seminars.update_seminar(make.user("methodologist"), seminar.id, {**values, "starts": time(9, 0)})
    db.session.expire_all()
    assert seminar.sequence == 1 and registration.own_registration(holder, seminar.id).reminded_at is None
    assert sorted(m["To"] for m in mailbox.messages) == ["holder@school.test", "waiting@school.test"]
    assert "Изменилось время" in mailbox.messages[0]["Subject"]
    assert "training.seminar_updated" in actions(seminar)


def test_cancelling_a_seminar_writes_to_everyone_registered_or_waiting(make, training, mailbox):
    seminar = training.seminar(capacity=1)
    people = [make.user("school", email=f"c{n}@school.test") for n in range(3)]
    for person in people:
        registration.register(person, seminar.id)
    registration.withdraw(people[2], seminar.id)
    seminars.cancel_seminar(make.user("methodologist"), seminar.id)
    db.session.expire_all()
    assert seminar.status == c.CANCELLED and seminar.sequence == 1
    assert sorted(m["To"] for m in mailbox.messages) == ["c0@school.test", "c1@school.test"]
    assert all("отменён" in m["Subject"] for m in mailbox.messages)
    with pytest.raises(NotFound):
        seminars.seminar_for(people[0], seminar.id)
    with pytest.raises(ValidationFailed, match="уже отменён"):
        seminars.cancel_seminar(make.user("methodologist"), seminar.id)


def test_a_seminar_that_has_started_cannot_be_cancelled(make, training):
    seminar = training.seminar(days_ahead=-1)
    with pytest.raises(ValidationFailed, match="уже начался"):
        seminars.cancel_seminar(make.user("methodologist"), seminar.id)


# --- reading ------------------------------------------------------------------------------


def test_the_schedule_splits_upcoming_and_past_and_hides_cancelled_seminars_from_participants(make,
                                                                                               training):
    soon, later = training.seminar(days_ahead=2), training.seminar(days_ahead=40)
    past = training.seminar(days_ahead=-30)
    cancelled = training.seminar(days_ahead=5, status=c.CANCELLED)
    teacher = make.user("teacher")
    registration.register(teacher, later.id)
    listing = seminars.schedule(teacher)
    assert listing.upcoming == [soon, later] and listing.past.items == [past]
    assert listing.own[later.id].status == c.REGISTERED and soon.id not in listing.own
    assert listing.counts[later.id] == (1, 0)
    staff_view = seminars.schedule(make.user("methodologist"))
    assert staff_view.upcoming == [soon, cancelled, later]


def test_the_seminar_page_says_where_the_viewer_is_in_the_waiting_line(make, training):
    seminar = training.seminar(capacity=1)
    people = [make.user("school") for _ in range(3)]
    for person in people:
        registration.register(person, seminar.id)
    page = seminars.seminar_page(people[2], seminar.id)
    assert (page.registered, page.waiting, page.places_left, page.queue_position) == (1, 2, 0, 2)
    assert page.can_withdraw and page.participants == []
    staff = seminars.seminar_page(make.user("methodologist"), seminar.id)
    assert [row.user_id for row in staff.participants] == [p.id for p in people]


# --- reminders ----------------------------------------------------------------------------


def test_reminders_go_once_to_registered_people_of_seminars_starting_within_a_day(make, training, mailbox,
                                                                                   runner):
    now = utcnow().replace(microsecond=0)
    tomorrow = training.seminar(capacity=1, starts_at=now + timedelta(hours=20), title="Завтрашний семинар")
    next_week = training.seminar(starts_at=now + timedelta(days=7))
    started = training.seminar(starts_at=now - timedelta(minutes=10))
    cancelled = training.seminar(starts_at=now + timedelta(hours=3), status=c.CANCELLED)
    registered = make.user("school", email="reg@school.test")
    registration.register(registered, tomorrow.id, now=now - timedelta(days=1))
    registration.register(make.user("school", email="wait@school.test"), tomorrow.id,
                          now=now - timedelta(days=1))
    registration.register(make.user("school", email="late@school.test"), next_week.id)
    for seminar in (started, cancelled):
        db.session.add(Registration(seminar=seminar, user=registered, status=c.REGISTERED))
    db.session.commit()

    output = runner.invoke(args=["training", "remind"]).output

    assert "Напоминания о семинарах в ближайшие 24 ч: писем 1" in output
    assert "«Завтрашний семинар»: 1" in output and "(МСК)" in output
    [letter] = mailbox.messages
    assert letter["To"] == "reg@school.test" and "Напоминание" in letter["Subject"]
    body = letter.get_body(("plain",)).get_content()
    assert "Завтрашний семинар" in body and f"/training/seminars/{tomorrow.id}.ics" in body
    db.session.expire_all()
    assert registration.own_registration(registered, tomorrow.id).reminded_at is not None
    assert tomorrow.reminders_sent_at is not None

    again = registration.send_reminders(now=now + timedelta(hours=1))
    assert again.messages == 0 and again.seminars == [] and len(mailbox.messages) == 1
