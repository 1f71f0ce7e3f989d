"""Demo step for the hotline: more support staff, queue leads and ~300 tickets over half a year.

Rows are built directly (no open_ticket): demo data must not send notifications, and a few
thousand rows go in as one batch in the build's transaction. Seeded, so every build is the same
apart from timestamps, which are relative to now; skipped when the hotlines already hold tickets.
"""

from datetime import datetime, time, timedelta

from sqlalchemy import func, select

from app.auth import permissions, roles
from app.auth.models import User
from app.demo import accounts, tambov
from app.directory import kinds
from app.directory.models import Person
from app.timeutil import MOSCOW_OFFSET, utcnow
from tickets import constants as c
from tickets import demo_texts as texts
from tickets import services
from tickets.models import Ticket, TicketChange, TicketMessage

TICKETS = 300
HISTORY_DAYS = 182
STAFF_SCHOOLS = 24
STAFF_POSITIONS = (*tambov.TEACHER_POSITIONS, tambov.SCHOOL_HEAD_POSITIONS[tambov.SCHOOL_APPOINTEE])
# (e-mail, role, organization code, position): agents besides operator@ and methodologist@.
_CENTER, _INSTITUTE = tambov.COMPUTER_CENTER_CODE, tambov.INSTITUTE_CODE
EXTRA_AGENTS = (
    ("operator2@opora.test", roles.OPERATOR, _CENTER, tambov.COMPUTER_CENTER_POSITIONS[3]),
    ("operator3@opora.test", roles.OPERATOR, _CENTER, tambov.COMPUTER_CENTER_POSITIONS[2]),
    ("methodologist2@opora.test", roles.METHODOLOGIST, _INSTITUTE, tambov.INSTITUTE_POSITIONS[4]),
    ("methodologist3@opora.test", roles.METHODOLOGIST, _INSTITUTE, tambov.INSTITUTE_POSITIONS[2]),
)
LEADS = {c.TECHNICAL: "operator@opora.test", c.METHODOLOGICAL: "methodologist@opora.test"}
# Demo logins that file tickets, with a weight: the school and its teacher see plenty of their own.
DEMO_REQUESTERS = {"school@opora.test": 6, "teacher@opora.test": 5, "municipal@opora.test": 2,
                   "teacher2@opora.test": 2, "teacher3@opora.test": 1, "teacher4@opora.test": 1,
                   "teacher5@opora.test": 1, "teacher6@opora.test": 1}
QUEUE_WEIGHTS = {c.TECHNICAL: 6, c.METHODOLOGICAL: 4}
CATEGORY_WEIGHTS = {"activation": 2, "sign-in": 4, "marks": 4, "parents-diary": 3, "reports": 2,
                    "other-tech": 1, "marks-rules": 3, "quarter-marks": 4, "parents": 2,
                    "reports-method": 2, "training": 3, "other-method": 1}
PRIORITY_WEIGHTS = {c.LOW: 20, c.NORMAL: 55, c.HIGH: 18, c.URGENT: 7}
RATING_WEIGHTS = {5: 55, 4: 25, 3: 10, 2: 6, 1: 4}
WORK_HOURS = range(8, 19)  # Moscow time
CLOSED_AUTOMATICALLY = "закрыто автоматически"


def build_tickets(ctx):
    """Support staff, queue leads, then the demo tickets unless the hotlines already have some."""
    queues = services.seed_queues()
    agents = _build_agents(ctx)
    for key, email in LEADS.items():
        if queues[key].lead_id is None:
            queues[key].lead = ctx.users[email]
    existing = ctx.session.scalar(select(func.count(Ticket.id)))
    if existing:
        ctx.progress(f"Горячие линии: обращений уже {existing}, новые не созданы")
        return
    ctx.reseed("tickets")
    requesters = _requesters(ctx)
    ctx.session.flush()
    maker = _TicketMaker(ctx, queues, agents, requesters, utcnow().replace(second=0, microsecond=0))
    tickets = [maker.make() for _ in range(TICKETS)]
    ctx.session.add_all(tickets)
    messages = sum(len(ticket.messages) for ticket in tickets)
    ctx.count("tickets", len(tickets))
    ctx.count("ticket_messages", messages)
    by_queue = {key: sum(1 for t in tickets if t.queue_id == queue.id) for key, queue in queues.items()}
    ctx.progress(f"Горячие линии: создано обращений {len(tickets)} (технических {by_queue[c.TECHNICAL]}, "
                 f"методических {by_queue[c.METHODOLOGICAL]}), сообщений {messages}")


def _build_agents(ctx):
    """Two more operators and methodologists, sharing the demo password; {queue key: agents}."""
    emails = [spec[0] for spec in EXTRA_AGENTS]
    existing = {u.email: u for u in ctx.session.scalars(select(User).where(User.email.in_(emails)))}
    password_hash = ctx.users["operator@opora.test"].password_hash  # one hash for every demo account
    if ctx.password_set is not None and existing:
        accounts._reset_passwords(ctx, list(existing.values()), password_hash)
    created = []
    for email, role, code, position in EXTRA_AGENTS:
        if email not in existing:
            person = accounts._person_for(ctx, ctx.orgs[code], position)
            person.email = email
            existing[email] = User(person=person, email=email, role=role, password_hash=password_hash)
            created.append(existing[email])
    ctx.session.add_all(created)
    ctx.count("users", len(created))
    if created:
        ctx.progress(f"Сотрудники горячих линий: создано учётных записей {len(created)} "
                     f"({', '.join(user.email for user in created)})")
    team = {role: [ctx.users[LEADS[key]]] for role, key in permissions.AGENT_QUEUES.items()}
    for email, role, _code, _position in EXTRA_AGENTS:
        team[role].append(existing[email])
    return {key: team[role] for role, key in permissions.AGENT_QUEUES.items()}


def _requesters(ctx):
    """(users, weights): demo logins and accounts made for staff of some two dozen schools."""
    users = [ctx.users[email] for email in DEMO_REQUESTERS]
    weights = list(DEMO_REQUESTERS.values())
    staff = _staff_accounts(ctx)
    return users + staff, weights + [1] * len(staff)


def _staff_accounts(ctx):
    """Accounts for one or two members of staff of sampled schools (one password hash for all)."""
    schools = sorted((org for org in ctx.orgs.values() if org.kind == kinds.SCHOOL), key=lambda org: org.code)
    chosen = ctx.rng.sample(schools, min(STAFF_SCHOOLS, len(schools)))
    people = ctx.session.scalars(
        select(Person)
        .where(Person.organization_id.in_([org.id for org in chosen]), Person.position.in_(STAFF_POSITIONS),
               Person.id.not_in(select(User.person_id)))
        .order_by(Person.id)
    ).all()
    taken = set(ctx.session.scalars(select(User.email).where(User.email.in_([p.email for p in people]))))
    by_school, users = {}, []
    password_hash = ctx.users["school@opora.test"].password_hash
    for person in people:
        school_staff = by_school.setdefault(person.organization_id, [])
        if len(school_staff) >= 2 or not person.email or person.email in taken:
            continue
        taken.add(person.email)
        role = roles.TEACHER if person.position.startswith(tambov.TEACHER_PREFIX) else roles.SCHOOL
        school_staff.append(User(person=person, email=person.email, role=role, password_hash=password_hash))
        users.extend(school_staff[-1:])
    ctx.session.add_all(users)
    ctx.count("users", len(users))
    ctx.progress(f"Заявители: создано учётных записей сотрудников школ {len(users)}")
    return users


class _TicketMaker:
    """Builds one realistic ticket at a time: timeline, conversation, history and rating."""

    def __init__(self, ctx, queues, agents, requesters, now):
        self.rng, self.fake, self.now = ctx.rng, ctx.fake, now
        self.queues, self.agents = queues, agents
        self.requesters, self.requester_weights = requesters
        self.numbers = {key: queue.last_number for key, queue in queues.items()}
        self.sla = {key: {policy.priority: (policy.first_response_hours, policy.resolution_hours)
                          for policy in queue.sla_policies} for key, queue in queues.items()}

    def _pick(self, weights):
        return self.rng.choices(list(weights), list(weights.values()))[0]

    def make(self):
        """A ticket with its messages and history (not yet added to the session)."""
        rng = self.rng
        key = self._pick(QUEUE_WEIGHTS)
        queue = self.queues[key]
        slugs = {cat.slug: cat for cat in queue.categories}
        category = slugs[self._pick({s: w for s, w in CATEGORY_WEIGHTS.items() if s in slugs})]
        requester = rng.choices(self.requesters, self.requester_weights)[0]
        subject, body = rng.choice(texts.QUESTIONS[category.slug])
        values = self._placeholders(requester)
        priority = self._pick(PRIORITY_WEIGHTS)
        created = self._created_at()
        self.numbers[key] += 1
        queue.last_number = self.numbers[key]
        ticket = Ticket(
            queue_id=queue.id, number=self.numbers[key], subject=subject.format_map(values)[:200],
            body=body.format_map(values), category_id=category.id, priority=priority,
            source=c.EMAIL if rng.random() < 0.2 else c.WEB, requester_id=requester.id,
            organization_id=requester.organization_id, created_at=created, status=c.NEW,
        )
        first, resolution = self.sla[key].get(priority, c.DEFAULT_SLA_HOURS[priority])
        ticket.first_response_due_at = created + timedelta(hours=first)
        ticket.resolution_due_at = created + timedelta(hours=resolution)
        _Story(self, ticket, requester, rng.choice(self.agents[key]), category, values).tell()
        return ticket

    def _created_at(self):
        """Mostly on working days and hours; more tickets lately, as the rollout gathers pace."""
        rng = self.rng
        days_ago = rng.uniform(0, 30) if rng.random() < 0.3 else rng.uniform(0, HISTORY_DAYS)
        local_day = (self.now + MOSCOW_OFFSET - timedelta(days=days_ago)).date()
        to_friday = rng.random() < 0.8  # drawn every time, so the sequence does not depend on today
        if local_day.weekday() >= 5 and to_friday:
            local_day -= timedelta(days=local_day.weekday() - 4)
        moment = (_midnight(local_day) + timedelta(hours=rng.choice(WORK_HOURS), minutes=rng.randrange(60))
                  - MOSCOW_OFFSET)
        return moment if moment < self.now - timedelta(minutes=30) else moment - timedelta(days=1)

    def _placeholders(self, requester):
        rng, fake, person = self.rng, self.fake, requester.person
        return {
            "school": requester.organization.display_name,
            "klass": f"{rng.randint(1, 11)}«{rng.choice(texts.LETTERS)}»",
            "subject": rng.choice(texts.SUBJECTS), "n": rng.randint(3, 28),
            "quarter": rng.choice(texts.QUARTERS),
            "parent": f"{fake.last_name_female()} {fake.first_name_female()} {fake.middle_name_female()}",
            "login": requester.email.partition("@")[0], "browser": rng.choice(texts.BROWSERS),
            "date": (self.now - timedelta(days=rng.randint(3, 20))).strftime("%d.%m.%Y"),
            "requester": f"{person.first_name} {person.middle_name}".strip(),
        }


def _midnight(day):
    return datetime.combine(day, time())


def _hours(delta):
    return delta.total_seconds() / 3600


class _Story:
    """What happened to one ticket: the answer, rounds of questions, resolution, closing, rating."""

    MAX_MESSAGES = 6

    def __init__(self, maker, ticket, requester, agent, category, values):
        self.rng, self.now = maker.rng, maker.now
        self.ticket, self.requester, self.agent = ticket, requester, agent
        self.slug, self.queue_key, self.values = category.slug, category.queue.key, values
        self.last, self.messages = ticket.created_at, 0

    def tell(self):
        """Play the ticket's life up to now and leave it in the status it reached."""
        rng, ticket = self.rng, self.ticket
        created = ticket.created_at
        self._change(self.requester, "status", "", c.NEW, created)
        first_target = _hours(ticket.first_response_due_at - created)
        resolution_target = _hours(ticket.resolution_due_at - created)
        first_at = created + timedelta(hours=first_target * (
            rng.uniform(1.1, 2.5) if rng.random() < 0.15 else rng.uniform(0.05, 0.9)))
        resolution_hours = resolution_target * (
            rng.uniform(1.1, 3) if rng.random() < 0.2 else rng.uniform(0.25, 0.95))
        resolved_at = created + timedelta(hours=max(resolution_hours, _hours(first_at - created) + 0.5))
        # Some recent tickets are still being worked on (most of them past a deadline by now).
        still_open = self.now - created < timedelta(days=21) and rng.random() < 0.25
        if first_at >= self.now or (still_open and rng.random() < 0.2):
            self._unanswered()
        elif still_open or resolved_at >= self.now:
            self._in_work(first_at)
        elif rng.random() < 0.03:
            self._duplicate(first_at)
        else:
            self._resolved(first_at, resolved_at)
        ticket.updated_at = self.last

    # --- building blocks

    def _text(self, template):
        return template.format_map(self.values)

    def _times(self, count, start, end):
        return sorted(start + (end - start) * self.rng.uniform(0.05, 0.95) for _ in range(count))

    def _change(self, actor, field, old, new, at, note=""):
        TicketChange(ticket=self.ticket, actor_id=actor.id if actor else None, field=field, old_value=old,
                     new_value=new, note=note, created_at=at)
        self.last = max(self.last, at)

    def _message(self, author, body, at, internal=False):
        source = self.ticket.source if author is self.requester else c.WEB
        TicketMessage(ticket=self.ticket, author_id=author.id, body=body, is_internal=internal, source=source,
                      created_at=at)
        self.last = max(self.last, at)
        self.messages += 1

    def _agent_says(self, text):
        person = self.agent.person
        return (f"Здравствуйте, {self.values['requester']}!\n\n{self._text(text)}\n\n"
                f"С уважением,\n{person.short_name}\n{self.agent.organization.display_name}")

    def _set_status(self, actor, new, at, note=""):
        self._change(actor, "status", self.ticket.status, new, at, note)
        self.ticket.status = new

    # --- the possible courses

    def _unanswered(self):
        ticket = self.ticket
        at = ticket.created_at + (self.now - ticket.created_at) * self.rng.uniform(0.1, 0.6)
        self._message(self.requester, self._text(self.rng.choice(texts.ADDITIONS)), at)

    def _answer(self, at, clarify=False):
        ticket, agent = self.ticket, self.agent
        ticket.assignee_id = agent.id
        self._change(agent, "assignee", "", agent.email, at - timedelta(minutes=5))
        bank = texts.CLARIFICATIONS if clarify else texts.ANSWERS[self.slug]
        self._message(agent, self._agent_says(self.rng.choice(bank)), at)
        ticket.first_responded_at = at
        self._set_status(agent, c.IN_PROGRESS, at)

    def _rounds(self, count, start, end):
        """Requester's follow-ups, each answered by the agent."""
        times = self._times(2 * count, start, end)
        key = self.queue_key
        for asked, answered in zip(times[::2], times[1::2], strict=True):
            self._message(self.requester, self._text(self.rng.choice(texts.FOLLOW_UPS[key])), asked)
            reply = self._agent_says(self.rng.choice(texts.FOLLOW_UP_ANSWERS[key]))
            self._message(self.agent, reply, answered)

    def _note(self, start, end):
        """Sometimes an internal note between agents (never shown to the requester)."""
        if self.rng.random() < 0.15 and self.messages < self.MAX_MESSAGES:
            at = self._times(1, start, end)[0]
            self._message(self.agent, self.rng.choice(texts.INTERNAL_NOTES), at, internal=True)

    def _in_work(self, first_at):
        waiting = self.rng.random() < 0.35
        self._answer(first_at, clarify=waiting)
        self._rounds(self.rng.choice((0, 1, 1, 2)), first_at, self.now)
        self._note(first_at, self.now)
        if waiting:
            self._set_status(self.agent, c.WAITING, min(self.last + timedelta(minutes=1), self.now))

    def _duplicate(self, first_at):
        self._answer(first_at)
        self._set_status(self.agent, c.CLOSED, first_at + timedelta(minutes=3), note="дубликат")
        self.ticket.closed_at = first_at + timedelta(minutes=3)

    def _resolved(self, first_at, resolved_at):
        rng, ticket = self.rng, self.ticket
        self._answer(first_at)
        self._rounds(rng.choice((0, 0, 1, 1, 2)), first_at, resolved_at)
        self._note(first_at, resolved_at)
        self._set_status(self.agent, c.RESOLVED, resolved_at)
        ticket.resolved_at = resolved_at
        after = min(self.now, resolved_at + timedelta(days=c.CLOSE_RESOLVED_AFTER_DAYS))
        if rng.random() < 0.4 and self.messages < self.MAX_MESSAGES:
            self._message(self.requester, rng.choice(texts.THANKS), self._times(1, resolved_at, after)[0])
        if rng.random() < 0.75:
            self._rate(resolved_at, after, late=resolved_at > ticket.resolution_due_at)
        if self.now - resolved_at > timedelta(days=c.CLOSE_RESOLVED_AFTER_DAYS):
            closed_at = after + timedelta(minutes=rng.randint(5, 600))
            self._set_status(None, c.CLOSED, min(closed_at, self.now), note=CLOSED_AUTOMATICALLY)
            ticket.closed_at = min(closed_at, self.now)

    def _rate(self, start, end, late):
        rng, ticket = self.rng, self.ticket
        weights = {5: 20, 4: 30, 3: 25, 2: 15, 1: 10} if late else RATING_WEIGHTS
        ticket.rating = rng.choices(list(weights), list(weights.values()))[0]
        ticket.rated_at = self._times(1, start, end)[0]
        if rng.random() < 0.3:
            ticket.rating_comment = rng.choice(texts.RATING_COMMENTS[ticket.rating])
        self._change(self.requester, "rating", "", str(ticket.rating), ticket.rated_at)
