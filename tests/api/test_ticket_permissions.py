"""Who sees, answers and moves which tickets through the API: the web's rules, role by role."""

import pytest

from tickets import constants as c
from tickets import services

URL = "/api/v1/tickets"
ROLES = ("teacher", "school", "municipal", "operator", "methodologist", "coordinator", "admin")

# Which of the tickets (see `world`) each role sees.
VISIBLE = {
    "teacher": {"own"},  # their school's
    "school": {"own"},
    "municipal": {"own", "neighbour"},  # their municipality's schools
    "operator": {"own", "far"},  # the technical hotline
    "methodologist": {"neighbour"},  # the methodological hotline
    "coordinator": {"own", "neighbour", "far"},
    "admin": {"own", "neighbour", "far"},
}
AGENTS_OF_OWN = {"operator", "admin"}  # «own» is a technical ticket


@pytest.fixture
def world(make, queues):
    """A municipality with two schools, another municipality, a ticket from each school, one user per role."""
    municipality = make.municipality()
    school, neighbour_school = make.school(municipality), make.school(municipality)
    users = {
        "teacher": make.user("teacher", organization=school),
        "school": make.user("school", organization=school),
        "municipal": make.user("municipal", organization=municipality),
        **{role: make.user(role) for role in ("operator", "methodologist", "coordinator", "admin")},
    }
    requester = make.user("teacher", organization=school)
    tickets = {
        "own": services.open_ticket(requester, c.TECHNICAL, "Не входит", "Текст"),
        "neighbour": services.open_ticket(make.user("teacher", organization=neighbour_school),
                                          c.METHODOLOGICAL, "Четвертные", "Текст"),
        "far": services.open_ticket(make.user("teacher"), c.TECHNICAL, "Пароль", "Текст"),
    }
    services.add_message(users["operator"], tickets["own"], "Служебная заметка", is_internal=True)
    return {"users": users, "tickets": tickets, "requester": requester}


@pytest.mark.parametrize("role", ROLES)
def test_the_list_and_the_ticket_page_show_what_the_role_may_see(world, tokens, role):
    api = tokens.client_for(world["users"][role])
    ids = {item["id"] for item in api.get(URL + "?per_page=100").get_json()["items"]}
    expected = {world["tickets"][name].id for name in VISIBLE[role]}
    assert ids == expected
    for name, ticket in world["tickets"].items():
        status = api.get(f"{URL}/{ticket.id}").status_code
        assert status == (200 if name in VISIBLE[role] else 404), (name, status)


@pytest.mark.parametrize("role", [role for role in ROLES if "own" in VISIBLE[role]])
def test_internal_notes_only_for_the_queue_s_agents_and_the_region(world, tokens, role):
    ticket = world["tickets"]["own"]
    messages = tokens.client_for(world["users"][role]).get(f"{URL}/{ticket.id}").get_json()["messages"]
    sees_notes = role in AGENTS_OF_OWN | {"coordinator"}
    assert [m["body"] for m in messages] == (["Служебная заметка"] if sees_notes else [])


@pytest.mark.parametrize("role", ROLES)
def test_only_the_queue_s_agents_change_the_status(world, tokens, role):
    ticket = world["tickets"]["own"]
    response = tokens.client_for(world["users"][role]).post(f"{URL}/{ticket.id}/status",
                                                            json={"status": "waiting"})
    if role in AGENTS_OF_OWN:
        assert response.status_code == 200 and response.get_json()["status"] == "waiting"
    else:
        assert response.status_code == (403 if "own" in VISIBLE[role] else 404)


@pytest.mark.parametrize("role", ROLES)
def test_who_replies_and_who_adds_internal_notes(world, tokens, role):
    ticket = world["tickets"]["own"]
    api = tokens.client_for(world["users"][role])
    url, multipart = f"{URL}/{ticket.id}/messages", "multipart/form-data"
    reply = api.post(url, data={"body": "Ответ"}, content_type=multipart)
    note = api.post(url, data={"body": "Заметка", "internal": "true"}, content_type=multipart)
    if "own" not in VISIBLE[role]:
        assert reply.status_code == note.status_code == 404
    elif role in AGENTS_OF_OWN:
        assert reply.status_code == note.status_code == 201 and note.get_json()["is_internal"]
    else:
        assert reply.status_code == 201 and note.status_code == 403


def test_the_requester_sees_their_own_ticket_and_a_closed_one_takes_no_more_replies(world, tokens):
    ticket = world["tickets"]["own"]
    requester = tokens.client_for(world["requester"])
    services.change_status(world["users"]["operator"], ticket, c.CLOSED)
    body = requester.get(f"{URL}/{ticket.id}").get_json()
    assert body["status"] == "closed" and not body["can_reply"]
    refused = requester.post(f"{URL}/{ticket.id}/messages", data={"body": "Ещё вопрос"},
                             content_type="multipart/form-data")
    assert refused.status_code == 403


def test_urgent_is_for_agents(world, tokens):
    form = {"queue": "technical", "subject": "Срочно", "body": "Не работает", "priority": "urgent"}
    operator = tokens.client_for(world["users"]["operator"])
    assert operator.post(URL, data=form, content_type="multipart/form-data").status_code == 201
    teacher = tokens.client_for(world["users"]["teacher"])
    assert teacher.post(URL, data=form, content_type="multipart/form-data").status_code == 422
