"""The plan of the order, each organization's milestones, quarterly reports and sent reminders."""

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.directory.models import Organization
from app.extensions import db
from app.rollout import constants as c
from app.timeutil import utcnow


class PlanActivity(db.Model):
    """One line of the plan's appendix table: number, activity, responsible, deadline, result."""

    __tablename__ = "plan_activities"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(10), unique=True)
    section_number: Mapped[str] = mapped_column(String(10))
    section_title: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(default=0)
    text: Mapped[str] = mapped_column(Text)
    responsible: Mapped[str] = mapped_column(Text, default="")
    periodicity: Mapped[str] = mapped_column(String(20), default=c.ONCE)
    deadline_on: Mapped[date | None]
    result: Mapped[str] = mapped_column(Text, default="")
    # The organization milestone the activity stands for (2.1–2.4), if any.
    milestone: Mapped[str | None] = mapped_column(String(20), unique=True)
    version: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    updated_by: Mapped[User | None] = relationship()

    __mapper_args__ = {"version_id_col": version}

    @property
    def periodicity_label(self):
        """Translated periodicity («Постоянно», «Ежеквартально»…)."""
        return c.PERIODICITY_LABELS.get(self.periodicity, self.periodicity)

    def __repr__(self):
        return f"<PlanActivity {self.number}>"


class RolloutStatus(db.Model):
    """Where one organization stands on plan items 2.2–2.4 (2.1 comes from the directory's appointments)."""

    __tablename__ = "rollout_statuses"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"),
                                                 unique=True)
    activated_on: Mapped[date | None]
    activated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    classes_on: Mapped[date | None]
    subjects_on: Mapped[date | None]
    staff_on: Mapped[date | None]
    pupils_on: Mapped[date | None]
    timetable_on: Mapped[date | None]
    # The day the whole checklist was complete (the latest of its dates), kept by refresh_info_space().
    info_space_on: Mapped[date | None]
    daily_entry_on: Mapped[date | None]
    note: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    organization: Mapped[Organization] = relationship()
    activated_by: Mapped[User | None] = relationship(foreign_keys=[activated_by_id])
    updated_by: Mapped[User | None] = relationship(foreign_keys=[updated_by_id])

    __mapper_args__ = {"version_id_col": version}

    def checklist_date(self, item):
        """The date a checklist item («classes», «pupils»…) was loaded, or None."""
        return getattr(self, f"{item}_on")

    def refresh_info_space(self):
        """Set info_space_on to the latest checklist date once every item is done, else None."""
        dates = [self.checklist_date(item) for item in c.CHECKLIST]
        self.info_space_on = max(dates) if all(dates) else None

    def __repr__(self):
        return f"<RolloutStatus org={self.organization_id}>"


class QuarterlyReport(db.Model):
    """A municipality's report on the rollout for a quarter (plan item 2.6)."""

    __tablename__ = "quarterly_reports"
    __table_args__ = (UniqueConstraint("municipality_id", "year", "quarter"),
                      Index("ix_quarterly_reports_period", "year", "quarter"))

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    year: Mapped[int]
    quarter: Mapped[int]
    status: Mapped[str] = mapped_column(String(20), default=c.DRAFT)
    problems: Mapped[str] = mapped_column(Text, default="")
    measures: Mapped[str] = mapped_column(Text, default="")
    proposals: Mapped[str] = mapped_column(Text, default="")
    # The figures as they were when submitted; None while the report is being prepared.
    figures: Mapped[dict | None] = mapped_column(JSON)
    figures_at: Mapped[datetime | None]
    submitted_at: Mapped[datetime | None]
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime | None]
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    review_comment: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    municipality: Mapped[Organization] = relationship()
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])
    transitions: Mapped[list["ReportTransition"]] = relationship(
        back_populates="report", order_by="ReportTransition.id", cascade="all, delete-orphan")

    __mapper_args__ = {"version_id_col": version}

    @property
    def status_label(self):
        """Translated status."""
        return c.REPORT_STATUS_LABELS.get(self.status, self.status)

    @property
    def is_editable(self):
        """Whether the text sections may still change (being prepared or returned)."""
        return self.status in c.EDITABLE_REPORT_STATUSES

    @property
    def is_frozen(self):
        """Whether the figures are the ones frozen at submission."""
        return self.figures is not None and not self.is_editable

    def __repr__(self):
        return f"<QuarterlyReport {self.id} org={self.municipality_id} {self.year}Q{self.quarter}>"


class ReportTransition(db.Model):
    """One move of a report through the workflow, with the reviewer's comment when returned."""

    __tablename__ = "report_transitions"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("quarterly_reports.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[str] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    report: Mapped[QuarterlyReport] = relationship(back_populates="transitions")
    actor: Mapped[User | None] = relationship()

    def __repr__(self):
        return f"<ReportTransition {self.report_id} {self.from_status}→{self.to_status}>"


class RolloutReminder(db.Model):
    """A reminder e-mail already sent, so the daily run sends each one once."""

    __tablename__ = "rollout_reminders"
    __table_args__ = (UniqueConstraint("kind", "organization_id", "subject", "recipient"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"),
                                                 index=True)
    subject: Mapped[str] = mapped_column(String(60))
    recipient: Mapped[str] = mapped_column(String(254))
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self):
        return f"<RolloutReminder {self.kind} org={self.organization_id} {self.subject}>"
