"""Accounts, their sign-in sessions and password-reset tokens."""

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.roles import role_label
from app.directory.models import Person
from app.extensions import db
from app.timeutil import utcnow


class User(UserMixin, db.Model):
    """A person's account: e-mail login, password hash and one role."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), unique=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), index=True)
    is_enabled: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    password_changed_at: Mapped[datetime] = mapped_column(default=utcnow)

    person: Mapped[Person] = relationship(lazy="joined")
    sessions: Mapped[list["LoginSession"]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    # Set by the session loader: the token of the sign-in session this request runs under.
    session_token = None

    # UserMixin compares users by get_id(), which here is the session token (None for every user
    # not signed in on this request): that would make all such users equal. Rows compare by identity,
    # as the session's identity map guarantees one object per row.
    __eq__ = object.__eq__
    __ne__ = object.__ne__
    __hash__ = object.__hash__

    @property
    def is_active(self):
        """Flask-Login: disabled accounts cannot sign in."""
        return self.is_enabled

    def get_id(self):
        """Flask-Login stores the session token, not the user id, so logout can revoke it."""
        return self.session_token

    @property
    def organization(self):
        """The organization the user works in."""
        return self.person.organization

    @property
    def organization_id(self):
        """Id of the user's organization."""
        return self.person.organization_id

    @property
    def full_name(self):
        """Фамилия Имя Отчество of the user."""
        return self.person.full_name

    @property
    def role_label(self):
        """Translated role name."""
        return role_label(self.role)

    def __repr__(self):
        return f"<User {self.id} {self.email!r} {self.role}>"


class LoginSession(db.Model):
    """One signed-in browser; deleting the row ends that session everywhere."""

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    ip_address: Mapped[str] = mapped_column(String(45), default="")
    user_agent: Mapped[str] = mapped_column(String(300), default="")

    user: Mapped[User] = relationship(back_populates="sessions", lazy="joined")

    def __repr__(self):
        return f"<LoginSession {self.id} user={self.user_id}>"


class PasswordResetToken(db.Model):
    """A single-use, expiring password-reset token; only its hash is stored."""

    __tablename__ = "password_reset_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()

    def __repr__(self):
        return f"<PasswordResetToken {self.id} user={self.user_id}>"
