"""The .ics file of a seminar: RFC 5545 as an independent reader (icalendar) and the raw bytes see it."""

from datetime import UTC, datetime, time

import icalendar
import pytest

from training import seminar_ics, seminars
from training.models import Seminar

NOW = datetime(2031, 4, 1, 12, 0)


def make_seminar(**fields):
    values = {"id": 7, "title": "Семинар", "description": "", "starts_at": datetime(2031, 4, 15, 7, 0),
              "ends_at": datetime(2031, 4, 15, 10, 0), "place": "", "online_url": "", "sequence": 0,
              "status": "scheduled"}
    values.update(fields)
    return Seminar(**values)


def parse(raw):
    [event] = icalendar.Calendar.from_ical(raw).walk("VEVENT")
    return event


def test_one_event_with_utc_times_and_every_required_property(app):
    seminar = make_seminar(title="Ведение электронного журнала",
                           place="Тамбов, ТОИПКРО, ул. Советская, 108; ауд. 21")
    raw = seminar_ics.calendar_bytes(seminar, "https://opora.example.ru/training/seminars/7", now=NOW)
    calendar = icalendar.Calendar.from_ical(raw)
    assert str(calendar["VERSION"]) == "2.0" and "PRODID" in calendar
    event = parse(raw)
    assert event["UID"] == "seminar-7@opora.example.ru"
    assert event.decoded("DTSTART") == datetime(2031, 4, 15, 7, 0, tzinfo=UTC)
    assert event.decoded("DTEND") == datetime(2031, 4, 15, 10, 0, tzinfo=UTC)
    assert event.decoded("DTSTAMP") == datetime(2031, 4, 1, 12, 0, tzinfo=UTC)
    assert str(event["SUMMARY"]) == "Ведение электронного журнала"
    assert str(event["LOCATION"]) == "Тамбов, ТОИПКРО, ул. Советская, 108; ауд. 21"
    assert str(event["URL"]) == "https://opora.example.ru/training/seminars/7"
    assert int(event["SEQUENCE"]) == 0 and str(event["STATUS"]) == "CONFIRMED"
    assert b"DTSTART:20310415T070000Z\r\n" in raw


def test_text_is_escaped_and_long_lines_are_folded_without_breaking_letters(app):
    description = ("Программа; вопросы, ответы\\обсуждение.\nВторая строка.\r\n" + "Длинный текст " * 30)
    seminar = make_seminar(title="Итоги, отметки; и \\ прочее", description=description,
                           online_url="https://vks.example.org/room?id=7&lang=ru")
    raw = seminar_ics.calendar_bytes(seminar, "https://opora.example.ru/training/seminars/7", now=NOW)
    assert raw.endswith(b"\r\n") and b"\n" not in raw.replace(b"\r\n", b"")
    for line in raw.split(b"\r\n"):
        assert len(line) <= 75
        line.decode("utf-8")  # a fold never splits a multi-byte letter
    assert b"SUMMARY:\xd0\x98\xd1\x82\xd0\xbe\xd0\xb3\xd0\xb8\\, " in raw  # «Итоги\,»
    event = parse(raw)
    assert str(event["SUMMARY"]) == "Итоги, отметки; и \\ прочее"
    text = str(event["DESCRIPTION"])
    assert text.startswith("Программа; вопросы, ответы\\обсуждение.\nВторая строка.\nДлинный текст")
    assert "https://vks.example.org/room?id=7&lang=ru" in text
    assert "https://opora.example.ru/training/seminars/7" in text
    assert str(event["URL"]) == "https://vks.example.org/room?id=7&lang=ru"
    assert str(event["LOCATION"]) == "https://vks.example.org/room?id=7&lang=ru"  # online only


def test_fold_counts_octets():
    line = "DESCRIPTION:" + "я" * 100
    folded = seminar_ics.fold(line)
    pieces = folded.split("\r\n ")
    assert "".join(pieces) == line
    assert all(len(piece.encode()) <= 74 for piece in pieces[1:]) and len(pieces[0].encode()) <= 75


def test_control_characters_cannot_inject_properties(app):
    seminar = make_seminar(title="Семинар\rBEGIN:VALARM\x00", place="Зал\nATTACH:evil")
    raw = seminar_ics.calendar_bytes(seminar, "https://opora.example.ru/training/seminars/7", now=NOW)
    event = parse(raw)
    assert "VALARM" not in [component.name for component in event.subcomponents]
    assert "ATTACH" not in event and str(event["LOCATION"]) == "Зал\nATTACH:evil"


@pytest.fixture
def scheduled(make):
    methodologist = make.user("methodologist")
    data = {"title": "Начало учебного года", "description": "", "day": "2031-09-16", "starts": time(10, 0),
            "ends": time(13, 0), "place": "ТОИПКРО", "online_url": "", "capacity": 30, "audience": [],
            "materials": ""}
    return methodologist, data, seminars.create_seminar(methodologist, data)


def test_uid_stays_and_sequence_grows_when_the_time_changes_or_the_seminar_is_cancelled(client, auth,
                                                                                        scheduled):
    methodologist, data, seminar = scheduled
    auth.login(methodologist)
    first = client.get(f"/training/seminars/{seminar.id}.ics")
    assert first.status_code == 200 and first.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert f"seminar-{seminar.id}.ics" in first.headers["Content-Disposition"]
    seminars.update_seminar(methodologist, seminar.id, {**data, "title": "Новое название"})
    renamed = parse(client.get(f"/training/seminars/{seminar.id}.ics").get_data())
    seminars.update_seminar(methodologist, seminar.id, {**data, "starts": time(11, 0)})
    moved = parse(client.get(f"/training/seminars/{seminar.id}.ics").get_data())
    seminars.cancel_seminar(methodologist, seminar.id)
    cancelled = parse(client.get(f"/training/seminars/{seminar.id}.ics").get_data())
    assert parse(first.get_data())["UID"] == renamed["UID"] == moved["UID"] == cancelled["UID"]
    assert [int(e["SEQUENCE"]) for e in (parse(first.get_data()), renamed, moved, cancelled)] == [0, 1, 2, 3]
    assert moved.decoded("DTSTART") == datetime(2031, 9, 16, 8, 0, tzinfo=UTC)
    assert str(cancelled["STATUS"]) == "CANCELLED"
