"""The manifest bench/run reads, <instance>/bench.json: logins, the pages each role requests, the report.

The pages are picked from the generated data: the operator's ticket list, the list of a school
coordinator whose school has the most tickets of the first municipality, a technical ticket with
exactly ten messages (assigned to the operator where one is), a published public article of the
progit-ru corpus, the search queries of bench/search_bench.py, the measured teacher's journal, the
regional dashboard and the first municipality's (its specialist is the municipal login). The report
quarter is the last finished one, as bench/rollout_bench.py takes it.
"""

from urllib.parse import quote

OPERATOR = "operator0@bench.opora.test"
METHODOLOGIST = "metod0@bench.opora.test"
MUNICIPALITY = "68-01"
TICKET_MESSAGES = 10
MAX_QUERIES = 50  # the first 50 of search_bench.QUERIES: 46 word forms and phrases, 4 typos («did you mean»)
ROLES = {"operator_tickets": "operator", "school_tickets": "school", "ticket": "operator",
         "article": "teacher", "kb_search": "teacher", "journal": "teacher",
         "regional_dashboard": "coordinator", "municipal_dashboard": "municipal"}


def busiest_school(builder):
    """The coordinator's e-mail of the first municipality's school with the most tickets."""
    from sqlalchemy import func, select

    from app.extensions import db
    from tickets.models import Ticket

    prefix = f"{MUNICIPALITY}-"
    schools = {builder.orgs[code]: code for code in builder.schools if code.startswith(prefix)}
    org_id = db.session.execute(
        select(Ticket.organization_id).where(Ticket.organization_id.in_(schools))
        .group_by(Ticket.organization_id).order_by(func.count().desc(), Ticket.organization_id).limit(1)
    ).scalar_one()
    return f"coord-{schools[org_id]}@bench.opora.test"


def ticket_with_messages(operator_id):
    """A technical ticket with exactly TICKET_MESSAGES messages, the operator's own first, newest first."""
    from sqlalchemy import func, select

    from app.extensions import db
    from tickets import constants as c
    from tickets.models import Ticket, TicketMessage, TicketQueue

    sized = (select(TicketMessage.ticket_id).group_by(TicketMessage.ticket_id)
             .having(func.count() == TICKET_MESSAGES).subquery())
    return db.session.execute(
        select(Ticket.id).join(sized, sized.c.ticket_id == Ticket.id).join(TicketQueue)
        .where(TicketQueue.key == c.TECHNICAL)
        .order_by((Ticket.assignee_id == operator_id).desc(), Ticket.id.desc()).limit(1)
    ).scalar_one()


def public_article():
    """The slug of the first published public article of the corpus (not a generated variant)."""
    from sqlalchemy import select

    from app.extensions import db
    from knowledge_base import constants as c
    from knowledge_base.models import Article

    return db.session.execute(
        select(Article.slug).where(Article.status == c.PUBLISHED, Article.audience == c.PUBLIC,
                                   Article.slug.not_like("variant-%")).order_by(Article.id).limit(1)
    ).scalar_one()


def search_pages():
    """The knowledge-base search as a teacher types it: the bench queries, URL-encoded."""
    from search_bench import QUERIES

    return [f"/kb/search?q={quote(text)}" for text in QUERIES[:MAX_QUERIES]]


def report_quarter():
    """The last finished quarter (year, quarter)."""
    from app.rollout import clock
    from app.rollout import constants as c

    return c.previous_quarter(*c.quarter_of(clock.today()))


def manifest(builder, journals, scale, url, instance):
    """The manifest without its timing fields (generated_at, seconds, counts)."""
    logins = builder.region.logins
    year, quarter = report_quarter()
    return {
        "scale": scale, "database_url": url, "instance": str(instance),
        "password": logins["password"],
        "logins": {"operator": OPERATOR, "school": logins["school"], "coordinator": logins["coordinator"],
                   "municipal": logins["municipal"], "teacher": logins["teacher"],
                   "methodologist": METHODOLOGIST, "admin": logins["admin"]},
        "pages": {
            "operator_tickets": "/tickets/", "school_tickets": "/tickets/",
            "ticket": f"/tickets/{ticket_with_messages(builder.users[OPERATOR])}",
            "article": f"/kb/{public_article()}", "kb_search": search_pages(),
            "journal": f"/journal/classes/{journals.class_id}/{journals.subject_id}?period={journals.period}",
            "regional_dashboard": "/rollout/",
            "municipal_dashboard": f"/rollout/municipalities/{builder.orgs[MUNICIPALITY]}",
        },
        "roles": dict(ROLES),
        "report": {"year": year, "quarter": quarter},
    }
