"""Personal API tokens: stored as a SHA-256 hash, shown to their owner once."""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.api import constants as c
from app.auth.models import User
from app.extensions import db
from app.timeutil import utcnow


class ApiToken(db.Model):
    """A user's token for the JSON API: acts as the user, within a scope, until it expires or is revoked."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    # The first characters of the token, so its owner can tell tokens apart; never enough to use it.
    prefix: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scope: Mapped[str] = mapped_column(String(10), default=c.READ)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(lazy="joined")

    @property
    def scope_label(self):
        """Translated scope."""
        return c.SCOPE_LABELS.get(self.scope, self.scope)

    def is_active_at(self, moment):
        """Whether the token may be used at that moment (not revoked, not expired)."""
        return self.revoked_at is None and moment < self.expires_at

    @property
    def can_write(self):
        """Whether the token's scope allows changes."""
        return self.scope == c.WRITE

    def __repr__(self):
        return f"<ApiToken {self.id} user={self.user_id} {self.prefix}… {self.scope}>"
