"""The navigation bar: the sections a reader may use, the current one marked, kept per reader session."""

import re

from tests.fixtures.auth import csrf_token_from


def nav_of(client, url):
    response = client.get(url)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    return html[html.index('<nav class="navbar'):html.index("</nav>")]


def active_item(nav):
    return re.search(r'nav-link active"\s+aria-current="page" href="([^"]+)"', nav).group(1)


def test_the_current_section_is_marked_and_a_guest_gets_no_session(client):
    assert active_item(nav_of(client, "/kb/")) == "/kb/"
    assert active_item(nav_of(client, "/")) == "/"
    assert "Войти" in nav_of(client, "/kb/")
    response = client.get("/kb/")
    assert "Set-Cookie" not in response.headers  # a guest's bar has no form: no session is opened for it


def test_each_reader_sees_their_own_bar_and_signs_out_from_a_kept_one(auth, client, make):
    teacher = auth.login("teacher")
    nav_of(client, "/kb/")
    kept = nav_of(client, "/kb/")
    assert teacher.person.short_name in kept and "/tickets/" in kept
    response = client.post("/logout", data={"csrf_token": csrf_token_from(kept)})
    assert response.status_code == 302
    assert "Войти" in nav_of(client, "/kb/")
    auth.csrf_token = None
    administrator = auth.login("admin")
    assert administrator.person.short_name in nav_of(client, "/kb/") and "/users/" in nav_of(client, "/kb/")
