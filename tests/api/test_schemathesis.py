"""Schemathesis over the whole OpenAPI document, in-process: no 500, and every answer as documented.

Every operation the document holds at run time is fuzzed (positive and negative data, then positive data
aimed at the seeded objects' ids) as an administrator with a write token and as a teacher with a read
token. Deterministic: derandomized, a fixed number of examples per operation and mode. Failures are
collected over all operations and reported together.
"""

from datetime import date

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis import checks as st_checks

from app.api import constants as c
from knowledge_base import constants as kbc
from tests.knowledge_base.conftest import KbFactory
from tickets import constants as tc
from tickets import services as tickets

EXAMPLES = 10
CHECKS = [st_checks.not_a_server_error, st_checks.status_code_conformance,
          st_checks.content_type_conformance, st_checks.response_schema_conformance]
SETTINGS = settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
                    suppress_health_check=list(HealthCheck), print_blob=False,
                    phases=[Phase.explicit, Phase.generate])  # no shrinking: the first failure is reported


@pytest.fixture
def app_settings():
    """No per-token throttling: the run sends far more than a script would."""
    return {"API_LIMIT_PER_TOKEN": "100000 per minute"}


@pytest.fixture
def seeded(make, rollout, training, queues, fixed_today):
    """A small region: a municipality with two schools, people, tickets with a reply, a course, a guide."""
    fixed_today(date(2011, 1, 20))
    municipality = make.municipality(name="Город")
    first, second = make.school(municipality, name="Школа № 1"), make.school(municipality, name="Школа № 2")
    rollout.status(first, activated_on=date(2010, 11, 14))
    make.appointment(first)
    teacher, operator = make.user("teacher", organization=first), make.user("operator")
    ticket = tickets.open_ticket(teacher, tc.TECHNICAL, "Не входит в журнал", "Пишет «неверный пароль».")
    tickets.add_message(operator, ticket, "Сбросили пароль, попробуйте снова.")
    tickets.open_ticket(make.user("teacher", organization=second), tc.METHODOLOGICAL, "Как вести дневник",
                        "Нужна инструкция.")
    course = training.course()
    article = KbFactory(make).article(audience=kbc.PUBLIC)
    known = {"org_id": first.id, "ticket_id": ticket.id, "municipality_id": municipality.id, "year": 2010,
             "quarter": 4, "slug": article.slug, "article_id": article.id, "course_id": course.id}
    return {"admin": make.user("admin"), "teacher": teacher, "known": known}


def _operations(schema):
    for result in schema.get_all_operations():
        yield result.ok()


def _fuzz(app, operation, strategy, client, headers, failures):
    """Run one strategy over one operation; failures are appended as text."""

    @given(case=strategy)
    @SETTINGS
    def run(case):
        response = case.call(app=app, session=client, headers=headers)
        case.validate_response(response, checks=CHECKS, headers=headers)

    try:
        run()
    except (Exception, BaseExceptionGroup) as error:  # noqa: BLE001  (collected; the test fails at the end)
        failures.append(f"{operation.method.upper()} {operation.path}: {error}")


def _strategies(operation, known):
    names = {parameter.name for parameter in operation.path_parameters}
    fixed = {name: known[name] for name in names if name in known}
    yield operation.as_strategy(generation_mode=GenerationMode.POSITIVE)
    yield operation.as_strategy(generation_mode=GenerationMode.NEGATIVE)
    if fixed:
        yield operation.as_strategy(generation_mode=GenerationMode.POSITIVE, path_parameters=fixed)


def test_every_operation_answers_as_documented(app, client, tokens, seeded):
    document = client.get("/api/v1/openapi.json").get_json()
    schema = schemathesis.openapi.from_dict(document)
    operations = list(_operations(schema))
    assert len(operations) >= 6
    failures = []
    for user, scope in ((seeded["admin"], c.WRITE), (seeded["teacher"], c.READ)):
        raw, _token = tokens.token(user, scope)
        headers = {"Authorization": f"Bearer {raw}"}
        for operation in operations:
            for strategy in _strategies(operation, seeded["known"]):
                _fuzz(app, operation, strategy, client, headers, failures)
    assert not failures, "\n\n".join(failures)
