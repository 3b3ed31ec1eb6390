"""The coordination fixtures (a course with a quiz, a session in Rabat, logging in by role)."""

from tests.coordination.conftest import as_role, cohort_id, course  # noqa: F401  (fixtures)
