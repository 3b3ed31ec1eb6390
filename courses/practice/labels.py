"""The states of a written exercise as people read them (lazy: translated where they are shown)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from courses.practice.models import DRAFT, NOT_PASSED, PASSED, REVISE, SUBMITTED

STATE_NAMES = {
    DRAFT: _l("Draft"),
    SUBMITTED: _l("Handed in, awaiting review"),
    PASSED: _l("Passed"),
    REVISE: _l("To revise"),
    NOT_PASSED: _l("Not passed"),
}

# A review's decision, as the learner reads it under their text.
DECISION_NAMES = {
    PASSED: _l("Passed"),
    REVISE: _l("Revision asked"),
    NOT_PASSED: _l("Not passed"),
}
