"""Quiz forms, built from a module's questions; the right answers never reach the page."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectMultipleField, SubmitField
from wtforms.validators import InputRequired
from wtforms.widgets import CheckboxInput, ListWidget

from courses.catalog.models import Question
from courses.forms import Form


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class QuizFormBase(Form):
    submit = SubmitField(_l("Check my answers"))

    questions: Sequence[Question] = ()

    def answers(self) -> dict[int, list[int]]:
        """Question id -> chosen choice indexes, from validated data."""
        chosen = {}
        for question in self.questions:
            data = self[field_name(question)].data
            chosen[question.id] = [int(value) for value in (data if isinstance(data, list) else [data])]
        return chosen


def field_name(question: Question) -> str:
    return f"q{question.id}"


def shuffled(choices: list, seed: str) -> list:
    """`choices` in an order drawn from `seed`: the same for one learner and question on every visit,
    different from one learner to the next, so the right answer is not always where the file put it."""
    order = list(choices)
    random.Random(hashlib.sha256(seed.encode()).digest()).shuffle(order)  # noqa: S311  # nosec B311 (not secret)
    return order


def quiz_form(questions: Sequence[Question], shuffle: str | None = None, **kwargs) -> QuizFormBase:
    """A form with one radio group (one right answer) or checkbox group (several) per question.

    With `shuffle` (a key for the learner, e.g. the enrollment's id), each question's choices come in
    an order of their own; their values stay the choices' positions in the file, which grading reads.
    """
    attributes: dict = {"questions": tuple(questions)}
    for question in questions:
        choices = [(str(index), text) for index, text in enumerate(question.choices)]
        if shuffle is not None:
            choices = shuffled(choices, f"{shuffle}:{question.id}")
        if question.is_multiple:
            field = CheckboxesField(
                question.prompt, choices=choices, validators=[InputRequired(_l("Tick at least one answer."))]
            )
        else:
            field = RadioField(question.prompt, choices=choices, validators=[InputRequired(_l("Choose an answer."))])
        attributes[field_name(question)] = field
    form_class = type("QuizForm", (QuizFormBase,), attributes)
    return form_class(**kwargs)
