"""Signing in to the portal through its real form and checking a page, for bench/run.

Production sets SESSION_COOKIE_SECURE, so a cookie jar would not send the session cookie back over
plain http: the session cookie is read from the Set-Cookie headers and sent by hand, and the request
that wrk makes later carries the same cookie and the same User-Agent (Flask-Login's session protection
compares the User-Agent and the address the session was opened with).
"""

import html
import http.client
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

SESSION_COOKIE = "opora_session"  # app/config.py: SESSION_COOKIE_NAME
USER_AGENT = "opora-bench"
TIMEOUT = 30
CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*?value="([^"]+)"')
LOGIN_FORM = 'data-testid="login-form"'


class SignInError(RuntimeError):
    """The sign-in form did not let the account in."""


@dataclass
class Reply:
    """One HTTP answer: status, Location, the session cookie it set (if any), the body."""

    status: int
    location: str
    session: str
    body: str


def request(base_url, method, path, session="", form=None):
    """One request without following redirects; the session cookie goes in a Cookie header."""
    address = urlsplit(base_url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=TIMEOUT)
    headers = {"User-Agent": USER_AGENT}
    if session:
        headers["Cookie"] = f"{SESSION_COOKIE}={session}"
    body = None
    if form is not None:
        body = urlencode(form)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read().decode("utf-8", errors="replace")
        return Reply(response.status, response.getheader("Location", ""), _session_of(response), text)
    finally:
        connection.close()


def _session_of(response):
    cookies = SimpleCookie()
    for header in response.headers.get_all("Set-Cookie") or []:
        cookies.load(header)
    morsel = cookies.get(SESSION_COOKIE)
    return morsel.value if morsel is not None else ""


def sign_in(base_url, email, password):
    """The session cookie value of a fresh sign-in through GET and POST /login."""
    form_page = request(base_url, "GET", "/login")
    token = CSRF_FIELD.search(form_page.body)
    if form_page.status != 200 or token is None:
        raise SignInError(f"/login ответил {form_page.status} без поля csrf_token")
    reply = request(base_url, "POST", "/login", form_page.session,
                    {"csrf_token": html.unescape(token.group(1)), "email": email, "password": password})
    if reply.status != 302 or not reply.session:
        raise SignInError(f"вход {email} не удался: POST /login ответил {reply.status}"
                          + (" (неверный пароль или CSRF?)" if reply.status in (400, 401) else ""))
    return reply.session


def check_page(base_url, path, session):
    """(None, body size in bytes, session) when the page answers 200, else (what is wrong, 0, session).

    The session returned is the one a browser would hold afterwards: the cookie the page set, if any
    (an article remembers in the session that it was read, so a reload is not another view).
    """
    try:
        reply = request(base_url, "GET", path, session)
    except OSError as error:
        return f"{path}: нет ответа ({error})", 0, session
    problem, size = _verdict(path, reply)
    return problem, size, reply.session or session


def _verdict(path, reply):
    if reply.status in (301, 302, 303) and "/login" in reply.location:
        return f"{path}: перенаправляет на вход ({reply.location}) — сессия не принята", 0
    if reply.status != 200:
        where = f", Location: {reply.location}" if reply.location else ""
        return f"{path}: ответ {reply.status}{where}", 0
    if LOGIN_FORM in reply.body:
        return f"{path}: вместо страницы показана форма входа", 0
    return None, len(reply.body.encode("utf-8"))


def prime(base_url, path, session, workers):
    """Request the page from every worker at once, so each has paid its first-request costs (caches,
    index files) before the warm-up: a busy sync worker does not accept, so concurrent requests spread."""
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(lambda _n: request(base_url, "GET", path, session), range(workers * 2)))
