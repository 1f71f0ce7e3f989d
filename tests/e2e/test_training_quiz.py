"""A teacher takes a quiz in Chromium: fails it, retries, passes and verifies the certificate."""

import re

import pytest

from app.extensions import db
from tests.fixtures.browser import sign_in
from training import constants as c

pytestmark = pytest.mark.e2e


def _course(training):
    course = training.course(modules=1, questions=0, title="Электронный журнал: основы", hours=16)
    module = course.modules[0]
    module.lesson = "## Коды посещаемости\n\n* **н** — отсутствовал\n* **б** — болел"
    module.questions = [
        training.question(1, text="Что означает код «б»?", correct=("Болел",),
                          wrong=("Опоздал", "Отсутствовал")),
        training.question(2, kind=c.MULTIPLE, text="Какие отметки положительные?", correct=("4", "5"),
                          wrong=("2",)),
        training.question(3, kind=c.SHORT, text="Код отсутствия без уважительной причины?", correct=("н",)),
    ]
    db.session.commit()
    return course


def _answer(page, choices, short):
    """Tick options by their label in whatever order the quiz shuffled them; type the short answer."""
    for label in choices:
        page.get_by_test_id("quiz-form").get_by_label(label, exact=True).check()
    page.get_by_test_id("quiz-form").locator("input[type=text]").fill(short)
    with page.expect_navigation():
        page.get_by_test_id("submit-quiz").click()


def test_a_teacher_fails_a_quiz_then_passes_and_gets_a_certificate(live_server, page, make, training,
                                                                   artifacts_dir):
    course = _course(training)
    sign_in(page, live_server, make.user("teacher", last_name="Кузнецова"))
    page.goto(f"{live_server}/training/courses/{course.slug}")
    with page.expect_navigation():
        page.get_by_test_id("enrol").click()
    with page.expect_navigation():
        page.locator("[data-testid=modules] a").first.click()
    assert page.locator("[data-testid=lesson] strong").first.inner_text() == "н"
    with page.expect_navigation():
        page.get_by_test_id("mark-read").click()
    with page.expect_navigation():
        page.get_by_test_id("start-quiz").click()
    assert page.get_by_test_id("question").count() == 3
    assert "Болел" not in page.content().split("Болел", 1)[1].split("</label>")[0]  # no key in the markup

    _answer(page, ["Опоздал", "2"], "б")
    assert "Тест не сдан: 0%" in page.get_by_test_id("quiz-outcome").inner_text()
    page.screenshot(path=str(artifacts_dir / "training-quiz-failed.png"), full_page=True)

    with page.expect_navigation():
        page.get_by_test_id("retry-quiz").click()
    _answer(page, ["Болел", "4", "5"], " Н ")
    assert "Тест сдан: 100%" in page.get_by_test_id("quiz-outcome").inner_text()
    page.screenshot(path=str(artifacts_dir / "training-quiz-passed.png"), full_page=True)

    with page.expect_navigation():
        page.get_by_test_id("back-to-course").click()
    number = re.search(r"№ (\S+)", page.get_by_test_id("certificate").inner_text()).group(1)
    page.goto(f"{live_server}/training/certificates/")
    page.locator("#number").fill(number.lower())
    with page.expect_navigation():
        page.get_by_role("button", name="Проверить").click()
    assert "Сертификат подлинный" in page.get_by_test_id("verification").inner_text()
    assert "Кузнецова" in page.get_by_test_id("certificate-details").inner_text()
