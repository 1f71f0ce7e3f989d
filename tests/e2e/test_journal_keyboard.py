"""A teacher enters a week of marks and attendance in the journal grid from the keyboard alone (Chromium)."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from tests.fixtures.browser import sign_in
from training.journal import cells, grid, lessons, marks

pytestmark = pytest.mark.e2e

TODAY = date(2025, 11, 21)  # Friday; the week of 17–21 November is open for changes
WEEK = (date(2025, 11, 17), TODAY)
# A key of the Russian layout as Chromium reports it: (key code name, Windows virtual key code).
RUSSIAN_KEYS = {"н": ("KeyY", 89), "б": ("Comma", 188), "п": ("KeyG", 71), "о": ("KeyJ", 74),
                "д": ("KeyL", 76)}


@pytest.fixture
def today(monkeypatch):
    """The server's «today» (the live server runs in this process)."""
    for module in (grid, cells, marks, lessons):
        monkeypatch.setattr(module, "local_today", lambda: TODAY)


def press(page, cdp, key):
    """Press a key: Russian letters as a keyboard in the Russian layout sends them, the rest as is."""
    if key not in RUSSIAN_KEYS:
        page.keyboard.press(key)
        return
    code, virtual = RUSSIAN_KEYS[key]
    event = {"key": key, "code": code, "windowsVirtualKeyCode": virtual, "nativeVirtualKeyCode": virtual}
    cdp.send("Input.dispatchKeyEvent", {"type": "keyDown", "text": key, **event})
    cdp.send("Input.dispatchKeyEvent", {"type": "keyUp", **event})


def enter_row(page, cdp, values):
    """Type a value into each cell from the focused one rightwards; Tab finishes a cell and moves on."""
    for value in values:
        if value is None:
            page.keyboard.press("Delete")
        for key in value or "":
            press(page, cdp, key if key != " " else "Space")
        page.keyboard.press("Tab")


def back_to_monday_of_next_row(page, steps):
    page.keyboard.press("ArrowDown")
    for _ in range(steps):
        page.keyboard.press("ArrowLeft")


def cell(page, slot, pupil):
    return page.locator(f'td[data-key="{slot[0].isoformat()}/{slot[1]}/{pupil.id}"]')


def figures(page, pupil):
    row = page.locator(f'tr[data-pupil="{pupil.id}"]')
    return [row.locator(f'[data-summary="{name}"]').inner_text() for name in ("count", "simple", "weighted",
                                                                             "proposal")]


def test_a_teacher_enters_a_week_from_the_keyboard_and_sees_the_weighted_averages(
        live_server, page, make, sandbox, today, artifacts_dir):
    teacher = make.user("teacher", last_name="Смирнова")
    school = sandbox(teacher)
    school_class = school.classes[0]
    subject = next(s for s in school.subjects if s.name == "Математика")
    week = lessons.lesson_slots(school_class, subject, *WEEK)
    assert [day for day, _number in week] == [date(2025, 11, d) for d in range(17, 22)]
    first, second, third = grid.pupils_of(school_class)[:3]
    sign_in(page, live_server, teacher)
    page.goto(f"{live_server}/journal/classes/{school_class.id}/{subject.id}?period=q2")
    cdp = page.context.new_cdp_session(page)
    expect(page.get_by_test_id("journal-grid")).to_be_visible()

    # The grid starts at today's column for the first pupil; arrows go back to Monday.
    today_cell = cell(page, week[4], first)
    expect(today_cell).to_have_attribute("tabindex", "0")
    today_cell.focus()
    for _ in range(4):
        page.keyboard.press("ArrowLeft")
    expect(cell(page, week[0], first)).to_be_focused()
    enter_row(page, cdp, ["5", "4", "н"])
    # Thursday's column is a control work (weight 3): new marks in it take that kind.
    page.get_by_label("Вид работы в столбце").select_option("control")
    expect(cell(page, week[3], first)).to_be_focused()
    enter_row(page, cdp, ["3", "5 4"])
    back_to_monday_of_next_row(page, 5)
    enter_row(page, cdp, ["y", "5", "д", "4", "5о"])  # «y»: «н» typed in the Latin layout
    back_to_monday_of_next_row(page, 5)
    enter_row(page, cdp, ["7", None, "4", "5", "б"])

    # The wrong mark stays typed and says why; the others are saved.
    wrong = cell(page, week[0], third)
    expect(wrong).to_have_class(re.compile(r"\bjg-failed\b"), timeout=10000)
    expect(wrong).to_have_text("7")
    assert "Нет отметки 7" in wrong.get_attribute("title")
    expect(page.get_by_test_id("save-status")).to_have_text("Не сохранено: 1")
    page.screenshot(path=str(artifacts_dir / "journal-keyboard-failed-cell.png"), full_page=True)
    wrong.focus()
    press(page, cdp, "3")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("save-status")).to_have_text("Все изменения сохранены.")
    assert page.locator("td.jg-pending, td.jg-failed").count() == 0
    # The averages follow the saves without a reload: (5 + 4 + 3·3 + 5 + 4) / 7 = 3.857…
    assert figures(page, first) == ["5", "4,20", "3,86", "4"]

    page.reload()
    expected = {first: ["5", "4", "н", "3", "5 4"], second: ["н", "5", "д", "4", "5 о"],
                third: ["3", "", "4", "5", "б"]}
    for pupil, values in expected.items():
        assert [cell(page, slot, pupil).get_attribute("data-value") for slot in week] == values
    expect(cell(page, week[3], first).locator("sup")).to_have_text("3")  # the control work's weight
    assert figures(page, first) == ["5", "4,20", "3,86", "4"]
    assert figures(page, second) == ["3", "4,67", "4,40", "4"]  # (5 + 4·3 + 5) / 5, «д» skipped
    assert figures(page, third) == ["3", "4,00", "4,40", "4"]  # (3 + 4 + 5·3) / 5
    page.screenshot(path=str(artifacts_dir / "journal-keyboard-week.png"), full_page=True)


def test_without_javascript_a_lesson_form_enters_the_marks(live_server, chromium, make, sandbox, today,
                                                           artifacts_dir):
    teacher = make.user("teacher")
    school = sandbox(teacher)
    school_class = school.classes[0]
    subject = next(s for s in school.subjects if s.name == "Математика")
    monday = lessons.lesson_slots(school_class, subject, *WEEK)[0]
    first, second = grid.pupils_of(school_class)[:2]
    context = chromium.new_context(locale="ru-RU", java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page, live_server, teacher)
        page.goto(f"{live_server}/journal/classes/{school_class.id}/{subject.id}?period=q2")
        expect(page.get_by_text("Чтобы поставить отметки, откройте форму урока")).to_be_visible()
        with page.expect_navigation():
            page.get_by_role("link", name=f"Отметки урока {monday[0]:%d.%m}").click()
        page.get_by_label(first.short_name).fill("5 4")
        page.get_by_label(second.short_name).fill("н")
        page.get_by_label("Вид работы для новых отметок").select_option("test")
        page.screenshot(path=str(artifacts_dir / "journal-lesson-form.png"), full_page=True)
        with page.expect_navigation():
            page.get_by_test_id("save-marks").click()
        expect(page.get_by_role("alert").first).to_contain_text("Сохранены 2 клетки")
        assert cell(page, monday, first).get_attribute("data-value") == "5 4"
        assert cell(page, monday, second).get_attribute("data-value") == "н"
        assert figures(page, first) == ["2", "4,50", "4,50", "5"]
    finally:
        context.close()


def test_a_failed_save_keeps_the_cell_warns_on_leaving_and_is_sent_again(live_server, page, make, sandbox,
                                                                          today):
    teacher = make.user("teacher")
    school = sandbox(teacher)
    school_class = school.classes[0]
    subject = next(s for s in school.subjects if s.name == "Математика")
    friday = lessons.lesson_slots(school_class, subject, *WEEK)[-1]
    pupil = grid.pupils_of(school_class)[0]
    sign_in(page, live_server, teacher)
    page.goto(f"{live_server}/journal/classes/{school_class.id}/{subject.id}?period=q2")
    cdp = page.context.new_cdp_session(page)
    page.route("**/cells", lambda route: route.abort())  # the connection drops
    target = cell(page, friday, pupil)
    target.focus()
    press(page, cdp, "4")
    page.keyboard.press("Enter")
    expect(target).to_have_class(re.compile(r"\bjg-failed\b"))
    expect(target).to_have_text("4")
    assert "Нет связи с сервером" in target.get_attribute("title")
    with page.expect_event("dialog") as leaving:
        page.close(run_before_unload=True)  # leaving with an unsaved cell asks first
    assert leaving.value.type == "beforeunload"
    leaving.value.dismiss()  # stay on the page
    page.unroute("**/cells")  # the connection is back: the retry saves the cell
    expect(page.get_by_test_id("save-status")).to_have_text("Все изменения сохранены.", timeout=15000)
    expect(target).not_to_have_class(re.compile(r"jg-(failed|pending)"))
    page.reload()
    assert cell(page, friday, pupil).get_attribute("data-value") == "4"
