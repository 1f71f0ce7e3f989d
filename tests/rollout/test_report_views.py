"""Quarterly report pages: the «done when» workflow, permissions, bad input, statement counts."""

import re
from datetime import date

import pytest

from app.directory import kinds
from app.extensions import db
from app.rollout import constants as c
from app.rollout import reports
from app.rollout.models import QuarterlyReport, RolloutStatus
from tests.rollout import report_world


@pytest.fixture
def world(make, rollout, training, queues, fixed_today):
    fixed_today(report_world.TODAY)
    return report_world.build(make, rollout, training, queues)


def _url(world, action=""):
    return f"/rollout/reports/{world.municipality.id}/2010/4" + (f"/{action}" if action else "")


def _version(html):
    return re.search(r'name="version" type="hidden" value="(\d+)"', html).group(1)


def _page(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response.get_data(as_text=True)


def test_submit_return_fix_and_accept_through_the_pages(world, auth, client):
    auth.login(world.municipal)
    listing = _page(client, "/rollout/reports/")
    assert _url(world) in listing and "IV квартал 2010 г." in listing
    html = _page(client, _url(world))
    assert "предварительно" in html and 'data-testid="text-form"' in html
    response = auth.post(_url(world, "submit"), {"problems": "Нет связи в 3 школах.", "measures": "",
                                                 "proposals": "", "version": _version(html)})
    assert response.status_code == 302
    auth.logout()
    auth.login(world.coordinator)
    summary = _page(client, "/rollout/reports/?year=2010&quarter=4")
    assert "Город" in summary and "Район" in summary and str(c.REPORT_STATUS_LABELS[c.SUBMITTED]) in summary
    html = _page(client, _url(world))
    assert 'data-testid="review-form"' in html and 'data-testid="text-form"' not in html
    refused = auth.post(_url(world, "return"), {"comment": " ", "version": _version(html)})
    assert refused.status_code == 422 and "комментар" in refused.get_data(as_text=True)
    returned = auth.post(_url(world, "return"),
                         {"comment": "Опишите принятые меры.", "version": _version(html)})
    assert returned.status_code == 302
    auth.logout()
    auth.login(world.municipal)
    html = _page(client, _url(world))
    assert re.search(r'data-testid="review-comment">.*Опишите принятые меры\.', html, re.S)
    response = auth.post(_url(world, "submit"), {"problems": "Нет связи в 3 школах.",
                                                 "measures": "Заключён договор с провайдером.",
                                                 "proposals": "", "version": _version(html)})
    assert response.status_code == 302
    auth.logout()
    auth.login(world.coordinator)
    html = _page(client, _url(world))
    assert auth.post(_url(world, "accept"), {"comment": "", "version": _version(html)}).status_code == 302
    report = db.session.query(QuarterlyReport).one()
    assert report.status == c.ACCEPTED and report.measures == "Заключён договор с провайдером."
    html = _page(client, _url(world))
    assert html.count('data-testid="transition"') == 4 and "предварительно" not in html


def test_a_municipality_s_page_needs_its_specialist_or_the_region(world, auth, client, make):
    auth.login(world.teachers[0])
    assert client.get("/rollout/reports/").status_code == 403
    assert client.get(_url(world)).status_code == 403
    auth.logout()
    auth.login(make.user("municipal", organization=world.other))
    assert client.get(_url(world)).status_code == 404
    assert client.get(_url(world) + ".xlsx").status_code == 404
    assert client.get("/rollout/reports/summary.xlsx?year=2010&quarter=4").status_code == 403
    assert auth.post(_url(world, "save"), {"problems": "Чужой", "version": "0"}).status_code == 404


def test_the_municipality_cannot_accept_and_the_coordinator_cannot_write(world, auth, client):
    auth.login(world.municipal)
    auth.post(_url(world, "submit"), {"problems": "Текст", "version": "0"})
    assert auth.post(_url(world, "accept"), {"version": "2"}).status_code == 403
    auth.logout()
    auth.login(world.coordinator)
    assert auth.post(_url(world, "save"), {"problems": "Правка региона", "version": "2"}).status_code == 403
    assert db.session.query(QuarterlyReport).one().problems == "Текст"


@pytest.mark.parametrize("url", ["/rollout/reports/?year=abc&quarter=1",
                                 "/rollout/reports/?year=2010&quarter=5",
                                 "/rollout/reports/?year=2030&quarter=1",
                                 "/rollout/reports/summary.pdf?year=1&quarter=1"])
def test_bad_quarters_in_the_query_are_422(world, auth, client, url):
    auth.login(world.coordinator)
    response = client.get(url)
    assert response.status_code == 422
    assert "квартал" in response.get_data(as_text=True).lower() or "год" in response.get_data(as_text=True)


@pytest.mark.parametrize("suffix", ["2010/5", "1/1", "2011/2", "2010/3"])
def test_bad_quarters_in_the_path_are_422(world, auth, client, suffix):
    auth.login(world.municipal)
    assert client.get(f"/rollout/reports/{world.municipality.id}/{suffix}").status_code == 422
    assert auth.post(f"/rollout/reports/{world.municipality.id}/{suffix}/save",
                     {"problems": "Текст", "version": "0"}).status_code == 422


def test_a_stale_form_is_409_and_keeps_the_text(world, auth, client):
    auth.login(world.municipal)
    assert auth.post(_url(world, "save"), {"problems": "Первый вариант", "version": "0"}).status_code == 302
    response = auth.post(_url(world, "save"), {"problems": "Мой длинный текст", "version": "0"})
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and "Мой длинный текст" in html and 'data-testid="alert"' in html
    assert db.session.query(QuarterlyReport).one().problems == "Первый вариант"
    damaged = auth.post(_url(world, "save"), {"problems": "Текст", "version": "x"})
    assert damaged.status_code == 422


def test_too_long_text_is_422_with_the_field_marked(world, auth, client):
    auth.login(world.municipal)
    response = auth.post(_url(world, "save"), {"problems": "я" * (c.REPORT_TEXT_MAX + 1), "version": "0"})
    assert response.status_code == 422 and "invalid-feedback" in response.get_data(as_text=True)
    assert db.session.query(QuarterlyReport).count() == 0


def test_user_text_is_escaped(world, auth, client):
    auth.login(world.municipal)
    auth.post(_url(world, "submit"), {"problems": "<script>alert(1)</script>\nвторая строка", "version": "0"})
    html = _page(client, _url(world))
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html and "<br>вторая строка" in html


def test_the_summary_takes_a_fixed_number_of_statements(world, auth, client, make, count_statements):
    auth.login(world.coordinator)
    url = "/rollout/reports/?year=2010&quarter=4"
    before = count_statements(lambda: client.get(url))
    for number in range(4):
        municipality = make.org(kinds.MUNICIPALITY, name=f"Округ {number}")
        school = make.school(municipality)
        db.session.add(RolloutStatus(organization_id=school.id, activated_on=date(2010, 12, 1)))
        db.session.add(QuarterlyReport(municipality_id=municipality.id, year=2010, quarter=4, status=c.DRAFT))
    db.session.commit()
    assert count_statements(lambda: client.get(url)) == before
    assert count_statements(lambda: client.get("/rollout/reports/summary.xlsx?year=2010&quarter=4")) <= before


def test_a_municipality_s_reports_are_listed_twelve_quarters_a_page(world, auth, client, fixed_today):
    fixed_today(date(2014, 2, 1))  # I 2014 is current: 14 quarters since IV 2010
    reports.save_report(world.municipal, world.municipality.id, 2010, 4, {"problems": "Нет сети."})
    auth.login(world.municipal)
    first = _page(client, "/rollout/reports/")
    assert first.count('data-testid="report-row"') == 12
    assert "I квартал 2014 г." in first and "IV квартал 2010 г." not in first
    second = _page(client, "/rollout/reports/?page=2")
    assert second.count('data-testid="report-row"') == 2
    assert re.search(r"IV квартал 2010 г\..*?Готовится", second, re.S)
