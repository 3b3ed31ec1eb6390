"""People and their roles."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, validates

from courses.auth import emails
from courses.database import UTCDateTime, utcnow
from courses.extensions import db

ROLES = ("learner", "trainer", "coordinator", "admin")


class User(UserMixin, db.Model):
    __tablename__ = "user_account"  # "user" is reserved in PostgreSQL

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored as `emails.normalise_email` gives it (NFC, case-folded): the unique constraint then
    # makes addresses unique whatever their case or Unicode form.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    # Derived from `email` whenever it is set (see `_derive_keys`). The key (NFKC, case-folded) is
    # unique: a full-width look-alike of an address is refused. NULL only for legacy accounts whose
    # key another account already had when the column was added (the migration logs them).
    email_key: Mapped[str | None] = mapped_column(String(254), unique=True)
    # Look-alike letters replaced by Latin ones: equal skeletons are a warning for the admin.
    email_skeleton: Mapped[str] = mapped_column(String(254), index=True)
    full_name: Mapped[str] = mapped_column(String(200))
    full_name_ar: Mapped[str | None] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), default="learner", index=True)
    organisation: Mapped[str] = mapped_column(String(200), default="")
    organisation_type: Mapped[str | None] = mapped_column(String(20))
    region: Mapped[str | None] = mapped_column(String(40))
    job_title: Mapped[str] = mapped_column(String(200), default="")
    preferred_language: Mapped[str | None] = mapped_column(String(5))
    # The interface language of the last signed-in visit, written only when it changes: mail to
    # someone without a saved preference goes out in it (courses.i18n.message_language).
    last_language: Mapped[str | None] = mapped_column(String(5))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Advanced by logout: every session and remember-me cookie issued before then stops working.
    session_epoch: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    __table_args__ = (CheckConstraint(f"role IN {ROLES!r}", name="role"),)

    @validates("email")
    def _derive_keys(self, _key: str, email: str) -> str:
        self.email_key = emails.email_key(email)
        self.email_skeleton = emails.email_skeleton(email)
        return email

    def get_id(self) -> str:
        """What the session and remember-me cookie hold: the id, the session epoch and a password fingerprint.

        Logging out advances the epoch and changing or resetting the password changes the
        fingerprint: either ends every session and remember-me cookie issued before, server-side.
        """
        return f"{self.id}:{self.session_epoch or 0}:{(self.password_hash or 'unset')[-12:]}"

    def name_in(self, language: str | None) -> str:
        """The name to address the person by in `language`: the Arabic-script name in Arabic, when given."""
        if language == "ar" and self.full_name_ar:
            return self.full_name_ar
        return self.full_name or self.full_name_ar or ""  # a name in Arabic script only is a name too

    def has_role(self, *roles: str) -> bool:
        """True if the user's role is one of `roles` (admins pass every check)."""
        return self.role in roles or self.role == "admin"

    def __repr__(self) -> str:
        return f"<User {self.email}>"
