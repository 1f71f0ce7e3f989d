"""CSRF, security headers and error pages."""

from tests.fixtures.factories import PASSWORD


def test_post_without_csrf_token_is_refused(client, make):
    user = make.user("teacher")
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "Форма устарела" in response.get_data(as_text=True)


def test_logout_without_csrf_token_does_not_log_out(client, auth):
    auth.login("teacher")
    assert client.post("/logout").status_code == 400
    assert client.get("/account/password").status_code == 200


def test_security_headers(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_pages_carry_no_inline_script(client, auth):
    auth.login("admin")
    for url in ("/", "/login", "/account/password", "/admin/users/"):
        html = client.get(url).get_data(as_text=True)
        assert "<script>" not in html and "onclick=" not in html, url


def test_unknown_page_is_a_russian_404(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Страница не найдена" in response.get_data(as_text=True)


def test_crash_shows_a_generic_page_without_traceback(app, client):
    @app.route("/boom")
    def boom():
        raise RuntimeError("secret internals")

    response = client.get("/boom")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "secret internals" not in html and "Traceback" not in html
    assert "Что-то пошло не так" in html
