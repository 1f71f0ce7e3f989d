"""Hotline tickets of the bench region, with their conversations and history, as bulk rows in chunks.

Every ticket gets a subject and text from the demo's banks (tickets/demo_texts.py, placeholders filled
per ticket), a status that fits its age and timestamps that agree with it: the first response, the
resolution, the automatic closing a week later, the rating in between. With `messages` it also gets
1–15 messages — the agent's answer at the first response, then the requester and the agent taking
turns, an internal note now and then — all between its creation and its last update, and the history
of its status and assignee changes. Tickets are written CHUNK at a time, so memory stays flat.
"""

from dataclasses import dataclass
from datetime import timedelta

CHUNK = 5_000
# How many messages a ticket that was answered has: 1 … 15, most of them a few.
MESSAGE_WEIGHTS = (8, 16, 18, 15, 12, 9, 7, 5, 4, 3, 1.5, 1, 0.6, 0.4, 0.3)
NOTE_SHARE = 0.15  # tickets of three or more messages with an internal note among them
EMAIL_SHARE = 0.2
CLOSED_AUTOMATICALLY = "закрыто автоматически"


@dataclass(frozen=True)
class Party:
    """A requester or an agent: account, organization and the names the texts use."""

    user_id: int
    organization_id: int
    login: str
    name: str  # «Имя Отчество» of a requester, «Фамилия И. О.» of an agent
    organization: str


@dataclass
class Thread:
    """One ticket being made: its row, its messages and its changes (without the ticket id yet)."""

    row: dict
    messages: list
    changes: list


class TicketWriter:
    """Writes tickets created over the last days into the hotlines; see the module docstring."""

    def __init__(self, rng, now, queues, agents, requesters, messages=True):
        from tickets import demo
        from tickets import demo_texts as texts

        self.rng, self.now, self.texts, self.with_messages = rng, now, texts, messages
        self.queues = queues  # {key: TicketQueue}
        self.agents, self.requesters = agents, requesters  # {key: [Party]}, [Party]
        self.categories = {key: {category.slug: category.id for category in queue.categories}
                           for key, queue in queues.items()}
        self.category_weights = {key: [demo.CATEGORY_WEIGHTS.get(slug, 1) for slug in slugs]
                                 for key, slugs in self.categories.items()}
        self.sla = {key: {policy.priority: (policy.first_response_hours, policy.resolution_hours)
                          for policy in queue.sla_policies} for key, queue in queues.items()}
        self.priorities = list(demo.PRIORITY_WEIGHTS), list(demo.PRIORITY_WEIGHTS.values())
        self.numbers = dict.fromkeys(queues, 0)
        self.counts = {"tickets": 0, "ticket_messages": 0, "ticket_changes": 0}

    def write(self, count, days, progress=None):
        """Insert the tickets (and messages, changes) chunk by chunk; progress(n) after each chunk."""
        from app.extensions import db
        from tickets.models import TicketQueue

        span = days * 86400
        moments = sorted(self.now - timedelta(seconds=self.rng.randrange(60, span)) for _ in range(count))
        for start in range(0, count, CHUNK):
            threads = [self._make(created) for created in moments[start:start + CHUNK]]
            self._insert(threads)
            if progress:
                progress(len(threads))
        for key, queue in self.queues.items():
            db.session.get(TicketQueue, queue.id).last_number = self.numbers[key]
        return self.counts

    def _insert(self, threads):
        from bulk import copy_rows
        from sqlalchemy import func, insert, select

        from app.extensions import db
        from tickets.models import Ticket, TicketChange, TicketMessage

        # Read back by (queue, number) rather than with RETURNING: with its rows in order, PostgreSQL
        # would get one statement per ticket.
        last_id = db.session.scalar(select(func.max(Ticket.id))) or 0
        db.session.execute(insert(Ticket.__table__), [thread.row for thread in threads])
        found = {(queue_id, number): ticket_id for queue_id, number, ticket_id in db.session.execute(
            select(Ticket.queue_id, Ticket.number, Ticket.id).where(Ticket.id > last_id))}
        ids = [found[(thread.row["queue_id"], thread.row["number"])] for thread in threads]
        self.counts["tickets"] += len(ids)
        if not self.with_messages:
            return
        for model, attribute in ((TicketMessage, "messages"), (TicketChange, "changes")):
            rows = [{"ticket_id": ticket_id} | row for ticket_id, thread in zip(ids, threads, strict=True)
                    for row in getattr(thread, attribute)]
            copy_rows(model.__table__, rows)
            self.counts[model.__tablename__] += len(rows)

    # --- one ticket ------------------------------------------------------------------------------

    def _make(self, created):
        """A ticket created at `created`: row, conversation and history."""
        from tickets import constants as c

        rng = self.rng
        key = c.TECHNICAL if rng.random() < 0.7 else c.METHODOLOGICAL
        self.numbers[key] += 1
        slug = rng.choices(list(self.categories[key]), self.category_weights[key])[0]
        requester, agent = rng.choice(self.requesters), rng.choice(self.agents[key])
        values = self._placeholders(requester, agent)
        subject, body = rng.choice(self.texts.QUESTIONS[slug])
        priority = rng.choices(*self.priorities)[0]
        first_hours, resolution_hours = self.sla[key].get(priority, c.DEFAULT_SLA_HOURS[priority])
        row = {
            "queue_id": self.queues[key].id, "number": self.numbers[key],
            "subject": subject.format_map(values)[:200], "body": body.format_map(values),
            "category_id": self.categories[key][slug], "priority": priority,
            "source": c.EMAIL if rng.random() < EMAIL_SHARE else c.WEB, "requester_id": requester.user_id,
            "organization_id": requester.organization_id, "merged_into_id": None, "version": 1,
            "created_at": created, "first_response_due_at": created + timedelta(hours=first_hours),
            "resolution_due_at": created + timedelta(hours=resolution_hours), "overdue_notified_at": None,
        }
        end = self._timeline(row, agent)
        thread = Thread(row, [], [])
        if self.with_messages:
            _Story(self, thread, requester, agent, (key, slug), values).tell(end)
        return thread

    def _placeholders(self, requester, agent):
        rng, texts = self.rng, self.texts
        parent = rng.choice(self.requesters).name
        return {
            "school": requester.organization, "klass": f"{rng.randint(1, 11)}«{rng.choice(texts.LETTERS)}»",
            "subject": rng.choice(texts.SUBJECTS), "n": rng.randint(3, 28),
            "quarter": rng.choice(texts.QUARTERS), "parent": parent,
            "login": requester.login.partition("@")[0], "browser": rng.choice(texts.BROWSERS),
            "date": (self.now - timedelta(days=rng.randint(3, 20))).strftime("%d.%m.%Y"),
            "requester": requester.name, "agent": agent.name,
        }

    def _timeline(self, row, agent):
        """Status and its timestamps, consistent with each other and with now."""
        from tickets import constants as c

        rng, now, created = self.rng, self.now, row["created_at"]
        status = self._status((now - created).days)
        responded = created + timedelta(minutes=rng.randint(10, 600))
        resolved = responded + timedelta(minutes=30, hours=rng.expovariate(1 / 30))
        closed = resolved + timedelta(days=c.CLOSE_RESOLVED_AFTER_DAYS, minutes=rng.randint(5, 600))
        if status != c.NEW and responded >= now:
            status = c.NEW
        if status in (c.RESOLVED, c.CLOSED) and resolved >= now:
            status = c.IN_PROGRESS
        if status in (c.RESOLVED, c.CLOSED):  # closed automatically a week after the resolution
            status = c.CLOSED if closed < now else c.RESOLVED
        answered, done = status != c.NEW, status in (c.RESOLVED, c.CLOSED)
        start = responded if answered else created
        end = resolved if done else min(now, start + timedelta(hours=rng.expovariate(1 / 30)))
        rating = rng.choices((5, 4, 3, 2, 1), (50, 30, 10, 6, 4))[0] if done and rng.random() < 0.4 else None
        rated = resolved + (min(closed, now) - resolved) * rng.random() if rating else None
        closed = closed if status == c.CLOSED else None
        row.update(status=status, assignee_id=agent.user_id if answered else None,
                   first_responded_at=responded if answered else None, resolved_at=resolved if done else None,
                   closed_at=closed, rating=rating, rated_at=rated,
                   rating_comment=rng.choice(self.texts.RATING_COMMENTS[rating]) if rating else "",
                   updated_at=max(closed or end, rated or end))
        return end

    def _status(self, age_days):
        """Older tickets are done; recent ones partly open."""
        from tickets import constants as c

        if age_days > 30:
            return self.rng.choices((c.CLOSED, c.RESOLVED, c.IN_PROGRESS), (85, 10, 5))[0]
        return self.rng.choices(c.STATUSES, (15, 25, 10, 25, 25))[0]


class _Story:
    """The messages and changes of one ticket, following the timeline already in its row."""

    def __init__(self, writer, thread, requester, agent, kinds, values):
        self.rng, self.texts, self.thread = writer.rng, writer.texts, thread
        self.requester, self.agent, self.values = requester, agent, values
        self.key, self.slug = kinds

    def tell(self, end):
        """Fill the thread's messages and changes; `end` is the latest moment of a message."""
        from tickets import constants as c

        row = self.thread.row
        self._change(self.requester, "status", "", c.NEW, row["created_at"])
        if row["status"] == c.NEW:
            for at in self._times(self.rng.choice((1, 1, 1, 2)), row["created_at"], end):
                self._message(self.requester, self._text(self.rng.choice(self.texts.ADDITIONS)), at)
            return
        responded = row["first_responded_at"]
        self._change(self.agent, "assignee", "", self.agent.login, responded - timedelta(minutes=5))
        self._change(self.agent, "status", c.NEW, c.IN_PROGRESS, responded)
        self._conversation(responded, end)
        self._closing(row)

    def _conversation(self, responded, end):
        from tickets import constants as c

        rng, texts, row = self.rng, self.texts, self.thread.row
        count = rng.choices(range(1, 16), MESSAGE_WEIGHTS)[0]
        note = rng.randrange(1, count) if count >= 3 and rng.random() < NOTE_SHARE else None
        waiting, done = row["status"] == c.WAITING, row["status"] in (c.RESOLVED, c.CLOSED)
        times = [responded, *self._times(count - 1, responded, end)]
        first = texts.CLARIFICATIONS if waiting and rng.random() < 0.5 else texts.ANSWERS[self.slug]
        self._message(self.agent, self._agent_says(rng.choice(first)), responded)
        turn = 1
        for position, at in enumerate(times[1:], start=1):
            if position == note:
                self._message(self.agent, self._text(rng.choice(texts.INTERNAL_NOTES)), at, internal=True)
                continue
            if turn % 2:
                last = position == count - 1
                bank = texts.THANKS if last and done else texts.FOLLOW_UPS[self.key]
                self._message(self.requester, self._text(rng.choice(bank)), at)
            else:
                self._message(self.agent, self._agent_says(rng.choice(texts.FOLLOW_UP_ANSWERS[self.key])), at)
            turn += 1
        if waiting:
            self._change(self.agent, "status", c.IN_PROGRESS, c.WAITING, times[-1])

    def _closing(self, row):
        from tickets import constants as c

        if row["resolved_at"]:
            self._change(self.agent, "status", c.IN_PROGRESS, c.RESOLVED, row["resolved_at"])
        if row["rating"]:
            self._change(self.requester, "rating", "", str(row["rating"]), row["rated_at"])
        if row["closed_at"]:
            self._change(None, "status", c.RESOLVED, c.CLOSED, row["closed_at"], CLOSED_AUTOMATICALLY)

    def _times(self, count, start, end):
        return sorted(start + (end - start) * self.rng.uniform(0.02, 1.0) for _ in range(count))

    def _text(self, template):
        return template.format_map(self.values)

    def _agent_says(self, text):
        return (f"Здравствуйте, {self.values['requester']}!\n\n{self._text(text)}\n\n"
                f"С уважением,\n{self.agent.name}\n{self.agent.organization}")

    def _message(self, author, body, at, internal=False):
        source = self.thread.row["source"] if author is self.requester else "web"
        self.thread.messages.append({"author_id": author.user_id, "body": body,
                                     "is_internal": internal, "source": source, "created_at": at})

    def _change(self, actor, field, old, new, at, note=""):
        self.thread.changes.append({"actor_id": actor.user_id if actor else None, "field": field,
                                    "old_value": old, "new_value": new, "note": note, "created_at": at})
