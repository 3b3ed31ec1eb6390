"""The learner's exercise form and the trainer's review form (one group of levels per rubric criterion)."""

from __future__ import annotations

from collections.abc import Sequence

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

from courses.forms import Form
from courses.material.exercise import Criterion
from courses.practice.models import NOT_PASSED, PASSED, REVISE
from courses.practice.services import MAX_CHARACTERS

DECISION_LABELS = {
    PASSED: _l("Passed"),
    REVISE: _l("To revise: the learner rewrites and hands in again"),
    NOT_PASSED: _l("Not passed (this exercise allows no second handing-in)"),
}


class ExerciseForm(Form):
    text = TextAreaField(_l("Your text"), validators=[Length(max=MAX_CHARACTERS)])
    save = SubmitField(_l("Save the draft"))
    hand_in = SubmitField(_l("Hand in for review"))


class ReviewFormBase(Form):
    # Declared on each form after the criteria (review_form), so errors are listed in the page's order.
    comment = TextAreaField(_l("Comment for the learner"), validators=[Length(max=10_000)])
    submit = SubmitField(_l("Record the review"))

    criteria: Sequence[Criterion] = ()

    def levels(self) -> list[int]:
        """The chosen level's index for each criterion, in the rubric's order."""
        return [int(self[f"c{number}"].data) for number in range(len(self.criteria))]


def review_form(criteria: Sequence[Criterion], decisions: Sequence[str], **kwargs) -> ReviewFormBase:
    attributes: dict = {"criteria": tuple(criteria)}
    for number, criterion in enumerate(criteria):
        choices = [(str(index), level.label) for index, level in enumerate(criterion.levels)]
        attributes[f"c{number}"] = RadioField(
            criterion.name, choices=choices, validators=[InputRequired(_l("Choose a level for each criterion."))]
        )
    attributes["comment"] = TextAreaField(_l("Comment for the learner"), validators=[Length(max=10_000)])
    attributes["decision"] = RadioField(_l("Decision"), validators=[InputRequired(_l("Choose a decision."))])
    form = type("ReviewForm", (ReviewFormBase,), attributes)(**kwargs)
    form.decision.choices = [(decision, DECISION_LABELS[decision]) for decision in decisions]
    return form
