"""Organizations, people and responsible-person appointments (plan item 2.1)."""

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.directory.kinds import kind_label
from app.extensions import db
from app.timeutil import utcnow


class Organization(db.Model):
    """A node of the region's tree: region, municipality, school, institute or computer center."""

    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    short_name: Mapped[str] = mapped_column(String(120), default="")
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"), index=True)
    address: Mapped[str] = mapped_column(String(300), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    parent: Mapped["Organization | None"] = relationship(
        remote_side=[id], back_populates="children"
    )
    children: Mapped[list["Organization"]] = relationship(
        back_populates="parent", order_by="Organization.name"
    )
    people: Mapped[list["Person"]] = relationship(
        back_populates="organization", order_by="(Person.last_name, Person.first_name)"
    )
    appointments: Mapped[list["Appointment"]] = relationship(
        back_populates="organization",
        order_by="Appointment.starts_on.desc()",
        cascade="all, delete-orphan",
    )

    @property
    def display_name(self):
        """Short name where one is set, else the full name."""
        return self.short_name or self.name

    @property
    def kind_label(self):
        """Translated kind of organization."""
        return kind_label(self.kind)

    def __repr__(self):
        return f"<Organization {self.id} {self.kind} {self.code!r}>"


class Person(db.Model):
    """A member of staff in the directory; an account (User) may belong to a person."""

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    last_name: Mapped[str] = mapped_column(String(80))
    first_name: Mapped[str] = mapped_column(String(80))
    middle_name: Mapped[str] = mapped_column(String(80), default="")
    position: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(254), default="", index=True)
    phone: Mapped[str] = mapped_column(String(40), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    organization: Mapped[Organization] = relationship(back_populates="people", lazy="joined")

    @property
    def full_name(self):
        """Фамилия Имя Отчество."""
        return " ".join(p for p in (self.last_name, self.first_name, self.middle_name) if p)

    @property
    def short_name(self):
        """Фамилия И. О."""
        initials = "".join(f"{p[0]}." for p in (self.first_name, self.middle_name) if p)
        return f"{self.last_name} {initials}".strip()

    def __repr__(self):
        return f"<Person {self.id} {self.last_name!r}>"


class Appointment(db.Model):
    """A person appointed responsible for the rollout in an organization by an order."""

    __tablename__ = "appointments"
    __table_args__ = (UniqueConstraint("organization_id", "order_number", "order_date", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    order_number: Mapped[str] = mapped_column(String(40))
    order_date: Mapped[date]
    starts_on: Mapped[date]
    ends_on: Mapped[date | None]
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    organization: Mapped[Organization] = relationship(back_populates="appointments")
    person: Mapped[Person] = relationship(lazy="joined")

    def is_current_on(self, day):
        """Whether the appointment is in force on the given date."""
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)

    def __repr__(self):
        return f"<Appointment {self.id} org={self.organization_id} №{self.order_number}>"
