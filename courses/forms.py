"""Forms shared by every feature."""

from __future__ import annotations

from flask_wtf import FlaskForm


class ActionForm(FlaskForm):
    """A button that changes something (enroll, close a session, change a role): CSRF and nothing else."""
