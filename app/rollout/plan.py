"""The plan of the order as data: loading it from content/, and the deadlines its activities set."""

import os

import yaml
from sqlalchemy import select

from app.extensions import db
from app.rollout import constants as c
from app.rollout.models import PlanActivity

PLAN_FILE = os.path.join(os.path.dirname(__file__), "content", "plan-3116-2010.yaml")


def read_plan_file(path=PLAN_FILE):
    """The activities of the plan file as dicts of PlanActivity columns, in plan order."""
    with open(path, encoding="utf-8") as handle:
        document = yaml.safe_load(handle)
    activities = []
    for section in document["sections"]:
        for item in section["activities"]:
            activities.append({
                "number": str(item["number"]), "section_number": str(section["number"]),
                "section_title": section["title"], "position": len(activities) + 1,
                "text": item["text"], "responsible": item.get("responsible", ""),
                "periodicity": item.get("periodicity", c.ONCE), "deadline_on": item.get("deadline"),
                "result": item.get("result") or "", "milestone": item.get("milestone"),
            })
    return activities


def ensure_plan():
    """Insert the activities of the plan file that are missing; never overwrite the administrator's edits.

    Returns how many were added. The caller commits (part of `opora init`).
    """
    existing = set(db.session.scalars(select(PlanActivity.number)))
    added = 0
    for values in read_plan_file():
        if values["number"] not in existing:
            db.session.add(PlanActivity(**values))
            added += 1
    db.session.flush()
    return added


def plan_activities():
    """Every activity of the plan, in plan order."""
    return db.session.scalars(select(PlanActivity).order_by(PlanActivity.position, PlanActivity.number)).all()


def milestone_deadlines():
    """{milestone key: deadline or None} from the plan.

    Daily entry (2.4) has no date of its own in the order («ежедневно»): unless the administrator gives
    it one, it is due when the information space is (2.3), because marks go in from then on.
    """
    rows = db.session.execute(
        select(PlanActivity.milestone, PlanActivity.deadline_on).where(PlanActivity.milestone.is_not(None))
    ).all()
    deadlines = dict.fromkeys(c.MILESTONES)
    deadlines.update({key: deadline for key, deadline in rows if key in deadlines})
    if deadlines[c.DAILY_ENTRY] is None:
        deadlines[c.DAILY_ENTRY] = deadlines[c.INFO_SPACE]
    return deadlines


def state_of(done_on, deadline, today):
    """done / due / overdue of one milestone on a day."""
    if done_on is not None and done_on <= today:
        return c.DONE
    if deadline is not None and deadline < today:
        return c.OVERDUE
    return c.DUE


def is_late(done_on, deadline):
    """Whether a milestone was done after its deadline."""
    return done_on is not None and deadline is not None and done_on > deadline
