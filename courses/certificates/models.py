"""Certificates: issued once per completed enrollment, from a signed snapshot that never changes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from courses.database import UTCDateTime, utcnow
from courses.extensions import db
from courses.learning.models import Enrollment


class Certificate(db.Model):
    __tablename__ = "certificate"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)  # canonical form, e.g. TDB-7K3Q-9XWM-ABCD
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollment.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), index=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Everything printed and verified: names, course, hours, version, dates, institutions.
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    signature: Mapped[str] = mapped_column(Text)  # Ed25519 over the canonical snapshot, base64
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoke_reason: Mapped[str | None] = mapped_column(Text)
    replaced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    replaced_by_id: Mapped[int | None] = mapped_column(ForeignKey("certificate.id"))

    enrollment: Mapped[Enrollment] = relationship()
    replaced_by: Mapped[Certificate | None] = relationship(remote_side="Certificate.id")

    __table_args__ = (
        # One current certificate per enrollment: the database refuses a second (race or bug).
        Index(
            "uq_certificate_current",
            "enrollment_id",
            unique=True,
            sqlite_where=db.text("replaced_at IS NULL"),
            postgresql_where=db.text("replaced_at IS NULL"),
        ),
        Index("ix_certificate_issued_at", "issued_at"),
    )

    @property
    def status(self) -> str:
        if self.replaced_at is not None:
            return "replaced"
        if self.revoked_at is not None:
            return "revoked"
        return "valid"
