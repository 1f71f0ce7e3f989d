"""Hotline endpoints: filing with files, the filtered list, replies, status changes, bad input."""

import io

import pytest

from app.api import constants as ac
from app.api.ticket_schemas import Priority, Status
from tickets import constants as c
from tickets import services
from tickets.models import Ticket

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
URL = "/api/v1/tickets"


def error_of(response):
    body = response.get_json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}, body
    return body["error"]


def new_ticket(**fields):
    """A multipart form of a new ticket; files=[(bytes, name)…] become file parts."""
    files = fields.pop("files", ())
    data = {"queue": c.TECHNICAL, "subject": "Не входит в журнал", "body": "Пишет «неверный пароль».",
            **fields}
    data["files"] = [(io.BytesIO(content), name) for content, name in files]
    return {"data": data, "content_type": "multipart/form-data"}


@pytest.fixture
def teacher(make, queues):
    return make.user("teacher")


def test_the_literals_of_the_document_are_the_hotline_s_values():
    assert set(Status.__args__) == set(c.STATUSES) and set(Priority.__args__) == set(c.PRIORITIES)


def test_a_script_files_a_ticket_with_a_file_polls_it_and_reads_the_answer(make, tokens, db, teacher):
    api = tokens.client_for(teacher)
    response = api.post(URL, **new_ticket(files=[(PNG, "экран.png")]))
    assert response.status_code == 201, response.get_json()
    ticket = response.get_json()
    assert ticket["reference"].startswith("Т-") and ticket["status"] == "new"
    assert ticket["queue"] == "technical"
    assert [(f["filename"], f["size"], f["content_type"]) for f in ticket["attachments"]] == \
        [("экран.png", len(PNG), "image/png")]
    assert ticket["requester"]["id"] == teacher.id and ticket["organization"]["id"] == teacher.organization_id
    assert ticket["first_response_due_at"] is None  # a teacher does not see SLA deadlines
    assert ticket["created_at"].endswith("Z") or ticket["created_at"].endswith("+00:00")
    assert db.session.get(Ticket, ticket["id"]).source == c.API

    operator = make.user("operator")
    answer = tokens.client_for(operator).post(f"{URL}/{ticket['id']}/messages",
                                              **{"data": {"body": "Сбросили пароль, войдите снова."},
                                                 "content_type": "multipart/form-data"})
    assert answer.status_code == 201, answer.get_json()
    polled = api.get(f"{URL}/{ticket['id']}").get_json()
    assert polled["status"] == "in_progress"
    assert [m["body"] for m in polled["messages"]] == ["Сбросили пароль, войдите снова."]
    assert polled["messages"][0]["author"]["id"] == operator.id


def test_an_agent_sees_sla_deadlines_and_next_statuses(make, tokens, teacher):
    ticket = services.open_ticket(teacher, c.TECHNICAL, "Тема", "Текст")
    body = tokens.client_for(make.user("operator")).get(f"{URL}/{ticket.id}").get_json()
    assert body["first_response_due_at"] and body["resolution_due_at"]
    assert body["next_statuses"] == list(c.ALLOWED_TRANSITIONS[c.NEW]) and body["can_reply"]
    assert tokens.client_for(teacher).get(f"{URL}/{ticket.id}").get_json()["next_statuses"] == []


def test_a_reply_with_a_file_and_a_requester_s_reply_reopens_a_resolved_ticket(make, tokens, teacher):
    ticket = services.open_ticket(teacher, c.TECHNICAL, "Тема", "Текст")
    operator = tokens.client_for(make.user("operator"))
    resolved = operator.post(f"{URL}/{ticket.id}/status",
                             json={"status": "resolved", "version": ticket.version})
    assert resolved.status_code == 200 and resolved.get_json()["status"] == "resolved"
    reply = tokens.client_for(teacher).post(
        f"{URL}/{ticket.id}/messages", content_type="multipart/form-data",
        data={"body": "Снова не входит", "files": [(io.BytesIO(b"log line\n"), "ошибка.log")]})
    assert reply.status_code == 201, reply.get_json()
    assert [a["filename"] for a in reply.get_json()["attachments"]] == ["ошибка.log"]
    assert tokens.client_for(teacher).get(f"{URL}/{ticket.id}").get_json()["status"] == "in_progress"


def test_a_stale_version_is_a_conflict(make, tokens, teacher):
    ticket = services.open_ticket(teacher, c.TECHNICAL, "Тема", "Текст")
    seen = ticket.version
    operator = tokens.client_for(make.user("operator"))
    moved = operator.post(f"{URL}/{ticket.id}/status", json={"status": "waiting", "version": seen})
    assert moved.status_code == 200 and moved.get_json()["version"] > seen
    stale = operator.post(f"{URL}/{ticket.id}/status", json={"status": "resolved", "version": seen})
    assert stale.status_code == 409 and error_of(stale)["code"] == "conflict"
    note = operator.post(f"{URL}/{ticket.id}/messages", content_type="multipart/form-data",
                         data={"body": "Заметка", "internal": "true", "version": str(seen)})
    assert note.status_code == 409


def test_a_transition_not_allowed_is_422(make, tokens, teacher):
    ticket = services.open_ticket(teacher, c.TECHNICAL, "Тема", "Текст")
    operator = tokens.client_for(make.user("operator"))
    assert operator.post(f"{URL}/{ticket.id}/status", json={"status": "closed"}).status_code == 200
    refused = operator.post(f"{URL}/{ticket.id}/status", json={"status": "waiting"})
    assert refused.status_code == 422 and error_of(refused)["code"] == "validation_failed"


def test_a_read_token_cannot_write(make, tokens, teacher):
    ticket = services.open_ticket(teacher, c.TECHNICAL, "Тема", "Текст")
    reader = tokens.client_for(teacher, ac.READ)
    for response in (reader.post(URL, **new_ticket()),
                     reader.post(f"{URL}/{ticket.id}/messages", data={"body": "Ответ"},
                                 content_type="multipart/form-data"),
                     tokens.client_for(make.user("operator"), ac.READ).post(f"{URL}/{ticket.id}/status",
                                                                            json={"status": "waiting"})):
        assert response.status_code == 403 and error_of(response)["code"] == "insufficient_scope"
    assert reader.get(f"{URL}/{ticket.id}").status_code == 200


def test_filters_combine_and_repeat(make, tokens, db, queues):
    teacher = make.user("teacher")
    low = services.open_ticket(teacher, c.TECHNICAL, "Журнал не открывается", "Текст", priority=c.LOW)
    high = services.open_ticket(teacher, c.TECHNICAL, "Пароль", "Текст", priority=c.HIGH)
    method = services.open_ticket(teacher, c.METHODOLOGICAL, "Как ставить четвертные", "Текст")
    operator = make.user("operator")
    services.change_status(operator, high, c.RESOLVED)
    high.assignee = operator
    db.session.commit()
    api = tokens.client_for(make.user("admin"))

    def ids(query):
        response = api.get(URL + query)
        assert response.status_code == 200, response.get_json()
        return {item["id"] for item in response.get_json()["items"]}

    assert ids("") == {low.id, high.id, method.id}
    assert ids("?queue=methodological") == {method.id}
    assert ids("?status=open") == {low.id, method.id}
    assert ids("?status=new&status=resolved") == {low.id, high.id, method.id}
    assert ids("?status=resolved&priority=low") == set()
    assert ids("?priority=low&priority=high") == {low.id, high.id}
    assert ids(f"?assignee={operator.id}") == {high.id}
    mine = tokens.client_for(operator).get(URL + "?assignee=me&status=resolved").get_json()["items"]
    assert [item["id"] for item in mine] == [high.id]
    assert ids("?assignee=none") == {low.id, method.id}
    assert ids("?q=журнал") == {low.id}
    assert ids(f"?q={method.reference}") == {method.id}


def test_pages(make, tokens, queues):
    teacher = make.user("teacher")
    for number in range(5):
        services.open_ticket(teacher, c.TECHNICAL, f"Тема {number}", "Текст")
    body = tokens.client_for(teacher).get(URL + "?per_page=2&page=3").get_json()
    assert len(body["items"]) == 1 and body["page"] == {"page": 3, "per_page": 2, "total": 5, "pages": 3}
    assert tokens.client_for(teacher).get(URL + "?page=9").get_json()["items"] == []


def test_the_list_runs_a_fixed_number_of_statements(make, tokens, db, queues, count_statements):
    api = tokens.client_for(make.user("coordinator"))
    api.get("/api/v1/me")  # the token's first use records last_used_at once
    counts = []
    for total in (3, 20):
        while db.session.query(Ticket).count() < total:
            services.open_ticket(make.user("teacher"), c.TECHNICAL, "Тема", "Текст")
        db.session.expire_all()
        response = None

        def load():
            nonlocal response
            response = api.get(URL + "?per_page=50")

        counts.append(count_statements(load))
        assert len(response.get_json()["items"]) == total
    assert counts[0] == counts[1], counts


@pytest.mark.parametrize("fields, bad", [
    ({"queue": "plumbing"}, "queue"),
    ({"subject": ""}, "subject"),
    ({"subject": "   "}, "subject"),
    ({"subject": "x" * 201}, "subject"),
    ({"body": "\t"}, "body"),
    ({"priority": "panic"}, "priority"),
    ({"priority": "urgent"}, "priority"),  # urgent is the agents' call
    ({"category_id": "abc"}, "category_id"),
    ({"category_id": "99999999999"}, "category_id"),
    ({"category_id": "999"}, "category_id"),
    ({"files": [(b"MZ\x90\x00", "setup.exe")]}, "files"),
    ({"files": [(b"just text", "screen.png")]}, "files"),
    ({"files": [(b"", "empty.txt")]}, "files"),
])
def test_bad_new_tickets_are_422_naming_the_field(tokens, teacher, fields, bad):
    response = tokens.client_for(teacher).post(URL, **new_ticket(**fields))
    assert response.status_code == 422, response.get_json()
    assert bad in error_of(response)["details"]


def test_a_category_of_the_other_hotline_is_refused(tokens, teacher, queues):
    other = queues[c.METHODOLOGICAL].categories[0]
    response = tokens.client_for(teacher).post(URL, **new_ticket(category_id=str(other.id)))
    assert response.status_code == 422 and "category_id" in error_of(response)["details"]
    mine = queues[c.TECHNICAL].categories[0]
    created = tokens.client_for(teacher).post(URL, **new_ticket(category_id=str(mine.id))).get_json()
    assert created["category"] == {"id": mine.id, "slug": mine.slug, "name": mine.name}


@pytest.mark.parametrize("query", [
    "?page=0", "?per_page=1000", "?per_page=0", "?page=abc", "?status=frozen", "?priority=x", "?queue=x",
    "?assignee=someone", "?assignee=99999999999", "?category=-1", "?category=99999999999", "?overdue=maybe",
    "?q=" + "я" * 201,
])
def test_bad_list_parameters_are_422(tokens, teacher, query):
    response = tokens.client_for(teacher).get(URL + query)
    assert response.status_code == 422 and error_of(response)["code"] == "validation_failed"


@pytest.mark.parametrize("url", [URL + "/99999999999", URL + "/0", URL + "/abc", URL + "/-1",
                                 URL + "/2147483647", URL + "/2147483647/messages"])
def test_odd_ids_are_404(tokens, teacher, url):
    api = tokens.client_for(teacher)
    response = api.get(url) if not url.endswith("messages") else api.post(url, data={"body": "x"})
    assert response.status_code == 404 and error_of(response)["code"] == "not_found"


def test_bad_status_bodies(make, tokens, teacher):
    ticket = services.open_ticket(teacher, c.TECHNICAL, "Тема", "Текст")
    api, url = tokens.client_for(make.user("operator")), f"{URL}/{ticket.id}/status"
    for body in ({"status": "frozen"}, {}, {"status": "waiting", "version": "abc"},
                 {"status": "waiting", "colour": "red"}, {"status": "waiting", "version": 2**40},
                 {"status": "waiting", "note": "x" * 2001}, [1, 2], "waiting"):
        response = api.post(url, json=body)
        assert response.status_code == 422, (body, response.get_json())
    assert api.post(url, data="{", content_type="application/json").status_code == 400
    assert api.post(url, data={"status": "waiting"}).status_code == 415


def test_bad_replies(make, tokens, teacher):
    ticket = services.open_ticket(teacher, c.TECHNICAL, "Тема", "Текст")
    api, url = tokens.client_for(teacher), f"{URL}/{ticket.id}/messages"
    for data in ({}, {"body": " "}, {"body": "x", "internal": "maybe"}, {"body": "x", "version": "-3"},
                 {"body": "x", "files": [(io.BytesIO(b"\x00\x01"), "a.txt")]}):
        response = api.post(url, data=data, content_type="multipart/form-data")
        assert response.status_code == 422, (data, response.get_json())


class TestTooLarge:
    @pytest.fixture
    def app_settings(self):
        return {"MAX_CONTENT_LENGTH": 4096}

    def test_a_request_over_the_limit_is_413_in_json(self, tokens, teacher):
        response = tokens.client_for(teacher).post(URL, **new_ticket(files=[(PNG * 200, "big.png")]))
        assert response.status_code == 413 and error_of(response)["code"] == "payload_too_large"


def test_the_document_describes_the_hotline(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    new = paths["/api/v1/tickets"]["post"]
    form = new["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert set(form["required"]) == {"queue", "subject", "body"}
    assert form["properties"]["files"]["type"] == "array"
    assert {"201", "413", "422"} <= set(new["responses"])
    assert "409" in paths["/api/v1/tickets/{ticket_id}/status"]["post"]["responses"]
    status = next(p for p in paths["/api/v1/tickets"]["get"]["parameters"] if p["name"] == "status")
    assert status["schema"]["type"] == "array" and status["explode"]


def test_an_attachment_downloads_for_who_may_see_the_ticket_only(make, tokens, teacher):
    api = tokens.client_for(teacher)
    ticket = api.post(URL, **new_ticket(files=[(PNG, "экран.png")])).get_json()
    file_url = f"{URL}/{ticket['id']}/attachments/{ticket['attachments'][0]['id']}"
    response = api.get(file_url)
    assert response.status_code == 200 and response.data == PNG
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "attachment" in response.headers["Content-Disposition"]
    stranger = tokens.client_for(make.user("teacher"))
    assert stranger.get(file_url).status_code == 404
    assert api.get(f"{URL}/{ticket['id']}/attachments/999999").get_json()["error"]["code"] == "not_found"
