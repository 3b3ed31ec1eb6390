"""Quiz forms, built from a module's questions; the right answers never reach the page."""

from __future__ import annotations

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


def quiz_form(questions: Sequence[Question], **kwargs) -> QuizFormBase:
    """A form with one radio group (one right answer) or checkbox group (several) per question."""
    attributes: dict = {"questions": tuple(questions)}
    for question in questions:
        choices = [(str(index), text) for index, text in enumerate(question.choices)]
        if question.is_multiple:
            field = CheckboxesField(
                question.prompt, choices=choices, validators=[InputRequired(_l("Tick at least one answer."))]
            )
        else:
            field = RadioField(question.prompt, choices=choices, validators=[InputRequired(_l("Choose an answer."))])
        attributes[field_name(question)] = field
    form_class = type("QuizForm", (QuizFormBase,), attributes)
    return form_class(**kwargs)
