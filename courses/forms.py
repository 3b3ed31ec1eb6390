"""The base of every form: typed text is cleaned before any validator or view sees it.

Every text field of every form gets `courses.text.clean_line` (or `clean_text` for a text area)
as its first filter, when the form binds its fields. New forms inherit it by deriving from `Form`
(a test checks that every form of the application does); no field has to remember it. Passwords
and hidden fields are left exactly as sent.
"""

from __future__ import annotations

from collections.abc import Callable

from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import HiddenField, PasswordField, StringField, TextAreaField
from wtforms.widgets import HiddenInput

from courses.text import clean_line, clean_text


def cleaner_for(field_class: type) -> Callable[[str | None], str | None] | None:
    """The cleaning filter for a field class; None for fields that are not typed text."""
    if not issubclass(field_class, StringField) or issubclass(field_class, (PasswordField, HiddenField)):
        return None
    return clean_text if issubclass(field_class, TextAreaField) else clean_line


class Form(FlaskForm):
    class Meta:
        def bind_field(self, form, unbound_field, options):
            field = unbound_field.bind(form=form, **options)
            cleaner = cleaner_for(unbound_field.field_class)
            if cleaner is not None:
                field.filters = (cleaner, *field.filters)
            return field


class ActionForm(Form):
    """A button that changes something (enroll, close a session, change a role): CSRF and nothing else."""

    def hidden_tag(self, *fields):
        """The hidden fields without ids: a page repeats this form once per row, and ids must be unique."""
        # Markup: WTForms renders each hidden input escaped; they are only joined here.
        hidden = (str(field(id=False)) for field in self if isinstance(field.widget, HiddenInput))
        return Markup("".join(hidden))  # noqa: S704  # nosec B704
