"""The cached marks grid: served from the cache until the journal changes; every change shows at once."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import delete, select

from app.extensions import db
from training.journal import cells, grid, grid_cache, lessons, marks, period_marks, sandbox
from training.journal import constants as c
from training.journal.models import Mark, Pupil, Subject

TODAY = date(2025, 11, 21)  # Friday of the 2nd quarter; the week before has open lessons
CSRF = re.compile(r'(data-csrf|name="csrf_token" value)="[^"]*"')


@pytest.fixture
def today(monkeypatch):
    """The journal's «today» is fixed, so edit windows and the current quarter do not depend on the date."""
    for module in (grid, cells, marks, lessons):
        monkeypatch.setattr(module, "local_today", lambda: TODAY)
    return TODAY


def math(school):
    return next(s for s in school.subjects if s.name == "Математика")


@pytest.fixture
def journal(app, sandbox, auth, today):
    """A signed-in teacher's filled class, «Математика» and its lessons of the week up to TODAY."""
    school = sandbox()
    auth.login(school.owner)
    school_class, subject = school.classes[0], math(school)
    return {"school": school, "owner": school.owner, "class": school_class, "subject": subject,
            "ids": (school_class.id, subject.id), "pupil": school_class.pupils[0],
            "slots": lessons.lesson_slots(school_class, subject, date(2025, 11, 17), TODAY),
            "url": f"/journal/classes/{school_class.id}/{subject.id}"}


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return CSRF.sub("", response.get_data(as_text=True))


def save(journal, slot, text, pupil=None):
    pupil = pupil or journal["pupil"]
    cell = {"day": slot[0].isoformat(), "number": slot[1], "pupil": pupil.id, "value": text}
    results = cells.save_cells(journal["owner"], *journal["ids"], [cell], today=TODAY)
    assert all(result.ok for result in results), [result.error for result in results]


def test_the_second_request_is_served_from_the_cache(client, journal, count_statements):
    save(journal, journal["slots"][0], "5")
    first = count_statements(lambda: page(client, journal["url"]))
    html = page(client, journal["url"])
    second = count_statements(lambda: page(client, journal["url"]))
    assert second == first - 6  # no timetable, lessons, quarter marks, marks, codes or pupils read
    assert page(client, journal["url"]) == html and 'data-value="5"' in html
    assert len(client.application.extensions[grid_cache.EXTENSION]) == 1


def _keep_pupils(school, wanted):
    """Keep `wanted` pupils and give each a mark at every lesson of the quarter so far."""
    school_class, subject = school.classes[0], math(school)
    keep = [pupil.id for pupil in school_class.pupils[:wanted]]
    while len(keep) < wanted:
        extra = Pupil(class_id=school_class.id, last_name="Яковлев", first_name=f"Ученик {len(keep)}")
        db.session.add(extra)
        db.session.flush()
        keep.append(extra.id)
    db.session.execute(delete(Pupil).where(Pupil.class_id == school_class.id, Pupil.id.not_in(keep)))
    for day, number in lessons.lesson_slots(school_class, subject, date(2025, 11, 5), TODAY):
        lesson = lessons.ensure_lesson(school_class, subject, day, number)
        db.session.flush()
        db.session.add_all([Mark(lesson_id=lesson.id, pupil_id=pupil_id, value=4, weight=1)
                            for pupil_id in keep])
    db.session.commit()
    return f"/journal/classes/{school_class.id}/{subject.id}"


def test_the_page_costs_the_same_statements_for_5_and_30_pupils(client, sandbox, auth, today,
                                                                   count_statements):
    counts = []
    for size, seed in ((5, 1), (30, 2)):
        school = sandbox(seed=seed)
        url = _keep_pupils(school, size)
        auth.logout()
        auth.login(school.owner)
        db.session.expire_all()
        miss = count_statements(lambda url=url: page(client, url))
        hit = count_statements(lambda url=url: page(client, url))
        assert page(client, url).count('data-testid="grid-row"') == size
        counts.append((miss, hit))
    assert counts[0] == counts[1] and counts[0][1] < counts[0][0], counts


def _change_cells(journal):
    save(journal, journal["slots"][0], "3 о")
    return 'data-value="3 о"'


def _change_mark(journal):
    mark_id = db.session.scalar(select(Mark.id).where(Mark.pupil_id == journal["pupil"].id))
    marks.update_mark(journal["owner"], *journal["ids"], mark_id, "4", c.CONTROL, "5", "Молодец", today=TODAY)
    return f'data-mark="{mark_id}" title="Молодец">4<sup>5</sup>'


def _change_topic(journal):
    lessons.update_lesson(journal["owner"], *journal["ids"], *journal["slots"][0], "Сложение дробей", "",
                          today=TODAY)
    return 'title="Сложение дробей"'


def _change_quarter_mark(journal):
    period_marks.set_period_marks(journal["owner"], *journal["ids"], c.Q2, {journal["pupil"].id: "5"},
                                  today=TODAY)
    return 'data-summary="saved">5<'


def _change_settings(journal):
    sandbox.update_settings(journal["owner"], min_marks=7)
    return "школы (7) для четвертной отметки"


def _change_weights(journal):
    weights = dict.fromkeys(c.WORK_KINDS, 1)
    sandbox.update_settings(journal["owner"], weights={**weights, c.CLASSWORK: 3})
    return "<sup>3</sup>"


@pytest.mark.parametrize("change", [_change_cells, _change_mark, _change_topic, _change_quarter_mark,
                                    _change_settings, _change_weights])
def test_every_change_shows_on_the_next_request(client, journal, change):
    save(journal, journal["slots"][0], "4")
    before = page(client, journal["url"])
    assert page(client, journal["url"]) == before  # now cached
    expected = change(journal)
    db.session.expire_all()
    after = page(client, journal["url"])
    assert expected not in before and expected in after


def test_a_refilled_class_is_never_shown_from_the_old_cache(client, journal):
    save(journal, journal["slots"][0], "5")
    before = page(client, journal["url"])
    sandbox.reset(journal["owner"])
    school = sandbox.fill(journal["owner"], seed=7)
    url = f"/journal/classes/{school.classes[0].id}/{math(school).id}"
    after = page(client, url)
    assert 'data-value="5"' in before and 'data-value="5"' not in after
    assert all(pupil.short_name in after for pupil in school.classes[0].pupils)


def test_a_subject_without_lessons_says_so_from_the_cache_too(client, journal):
    extra = Subject(school_id=journal["school"].id, name="Астрономия", position=99)
    db.session.add(extra)
    db.session.commit()
    url = f"/journal/classes/{journal['class'].id}/{extra.id}"
    for _request in range(2):
        html = page(client, url)
        assert 'data-testid="no-lessons"' in html and 'data-testid="journal-grid"' not in html


def test_a_cached_grid_stays_closed_to_another_teacher(client, journal, auth):
    page(client, journal["url"])
    auth.logout()
    auth.login("teacher")
    assert client.get(journal["url"]).status_code == 404


def test_the_language_and_the_day_are_part_of_the_key(client, journal, monkeypatch):
    russian = page(client, journal["url"])
    journal["owner"].locale = "en"
    db.session.commit()
    english = page(client, journal["url"])
    assert ">Ученик</th>" in russian and ">Pupil</th>" in english
    tomorrow = TODAY + timedelta(days=3)  # Monday
    monkeypatch.setattr(grid, "local_today", lambda: tomorrow)
    later = page(client, journal["url"])
    assert f'data-col="{tomorrow.isoformat()}/' in later and later != english
    assert re.search(rf'class="jg-h[^"]*jg-today" data-col="{tomorrow.isoformat()}/', later)


def test_the_cache_is_bounded_by_bytes_and_drops_the_least_recently_used():
    store = grid_cache.ByteLRU(100)
    store.put("a", b"x" * 40)
    store.put("b", b"y" * 40)
    assert store.get("a") == b"x" * 40  # now the most recently used
    store.put("c", b"z" * 40)
    assert store.get("b") is None and store.get("a") and store.get("c") and store.size == 80
    store.put("huge", b"h" * 101)
    assert store.get("huge") is None and len(store) == 2


def test_touch_gives_the_school_a_new_version(journal):
    school = journal["school"]
    before = school.grid_version
    grid_cache.touch(school)
    assert before and school.grid_version != before and len(school.grid_version) == 16
