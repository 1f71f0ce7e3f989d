"""The rollout's «done when», in Chromium: a school marks itself activated, the municipal dashboard shows
it at once, and the quarter's report goes submitted → returned with a comment → fixed → accepted; the
report's workbook holds the figures counted from the database."""

import io
import re
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.directory.models import Organization
from app.extensions import db
from app.rollout.models import RolloutStatus
from tests.fixtures.browser import sign_in

pytestmark = pytest.mark.e2e

TODAY = date(2010, 12, 20)  # the fourth quarter of 2010, after every deadline of the order


def _as(chromium, live_server, user):
    """A browser tab of its own, signed in as the user."""
    tab = chromium.new_context(locale="ru-RU", viewport={"width": 1280, "height": 900}).new_page()
    tab.set_default_timeout(15000)
    sign_in(tab, live_server, user)
    return tab


def _click(tab, testid):
    with tab.expect_navigation():
        tab.get_by_test_id(testid).click()


def _status(tab):
    return tab.get_by_test_id("report-status").inner_text()


def test_activation_shows_at_once_and_the_report_is_returned_fixed_and_accepted(
        chromium, live_server, make, rollout, fixed_today, artifacts_dir):
    fixed_today(TODAY)
    municipality = make.municipality(name="Бондарский район")
    school = make.school(municipality, name="Бондарская СОШ № 1")
    make.school(municipality, name="Бондарская СОШ № 2")
    coordinator_of_school = make.user("school", organization=school)
    specialist = make.user("municipal", organization=municipality)
    regional = make.user("coordinator")

    school_tab = _as(chromium, live_server, coordinator_of_school)
    school_tab.goto(f"{live_server}/rollout/")  # a school coordinator lands on the school's page
    _click(school_tab, "activate-today")
    assert school_tab.locator('[data-key="activated"] [data-testid="milestone-state"]').get_attribute(
        "data-state") == "done"

    municipal_tab = _as(chromium, live_server, specialist)
    municipal_tab.goto(f"{live_server}/rollout/")
    row = municipal_tab.locator(f'[data-testid="progress-row"][data-org="{school.id}"]')
    assert "20.12.2010" in row.inner_text()
    assert re.search(r"50\s*%", municipal_tab.get_by_test_id("totals").inner_text())

    report_url = f"{live_server}/rollout/reports/{municipality.id}/2010/4"
    municipal_tab.goto(report_url)
    municipal_tab.get_by_label("Проблемы").fill("Во второй школе нет доступа к сети.")
    _click(municipal_tab, "submit")
    assert _status(municipal_tab) == "Сдан на проверку"

    regional_tab = _as(chromium, live_server, regional)
    regional_tab.goto(report_url)
    regional_tab.get_by_label("Комментарий для муниципалитета").fill("Опишите принятые меры.")
    _click(regional_tab, "return")
    assert _status(regional_tab) == "Возвращён на доработку"

    municipal_tab.goto(report_url)
    assert "Опишите принятые меры." in municipal_tab.get_by_test_id("review-comment").inner_text()
    municipal_tab.get_by_label("Принятые меры").fill("Заключён договор с провайдером.")
    _click(municipal_tab, "submit")

    regional_tab.goto(report_url)
    _click(regional_tab, "accept")
    assert _status(regional_tab) == "Принят"
    assert regional_tab.get_by_test_id("transition").count() == 4
    regional_tab.screenshot(path=str(artifacts_dir / "rollout-report-accepted.png"), full_page=True)

    with regional_tab.expect_download() as download:
        regional_tab.get_by_test_id("download-xlsx").click()
    book = load_workbook(io.BytesIO(download.value.path().read_bytes()))  # the temp file has no suffix
    figures = {row[0]: row[1] for row in book["Показатели"].iter_rows(min_row=5, values_only=True)}
    schools = select(Organization.id).where(Organization.parent_id == municipality.id)
    activated = db.session.scalar(select(func.count(RolloutStatus.id)).where(
        RolloutStatus.organization_id.in_(schools), RolloutStatus.activated_on <= date(2010, 12, 31)))
    assert figures["Школ всего"] == 2
    assert figures["Школ, активированных на платформе электронного журнала (2.2)"] == activated == 1
