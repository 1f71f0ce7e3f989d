"""The human-readable API page: served without a token, drawn from the document by a local script."""

import pytest


def test_the_page_is_public_russian_and_loads_only_local_assets(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200 and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert "API портала" in html and "Authorization: Bearer" in html
    assert 'data-spec-url="/api/v1/openapi.json"' in html and "<noscript>" in html
    assert '<script src="/api/v1/static/api-docs.js' in html and "http://cdn" not in html
    assert "<script>" not in html  # the CSP forbids inline scripts
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


def test_the_script_and_style_are_served_by_the_blueprint(client):
    script = client.get("/api/v1/static/api-docs.js")
    assert script.status_code == 200 and "javascript" in script.mimetype
    assert b"textContent" in script.data
    script.close()
    style = client.get("/api/v1/static/api-docs.css")
    assert style.status_code == 200
    style.close()


def test_the_page_is_not_an_operation_of_the_document(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert "/api/v1/docs" not in document["paths"]


@pytest.mark.e2e
def test_the_browser_draws_the_operations_by_tag(live_server, page, artifacts_dir):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server}/api/v1/docs")
    page.wait_for_selector("#api-docs[data-rendered='true']")
    assert page.locator("section[data-tag='organizations']").count() == 1
    operation = page.locator("#op-list_organizations")
    operation.locator("summary").click()
    text = operation.inner_text()
    assert "/api/v1/organizations" in text and "milestones" in text and "Milestone" in text
    assert "per_page" in text and "422" in text
    assert not errors
    page.screenshot(path=str(artifacts_dir / "api-docs.png"), full_page=True)
