"""Coordinators' forms."""

from __future__ import annotations

import secrets

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import DateField, HiddenField, IntegerField, SelectField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from courses.auth.territory import REGIONS
from courses.forms import ActionForm, Form


class CohortForm(Form):
    course = SelectField(_l("Course"), validators=[DataRequired()])
    name = StringField(_l("Name of the session"), validators=[DataRequired(), Length(max=200)])
    starts_on = DateField(_l("Starts on"), validators=[DataRequired()])
    ends_on = DateField(_l("Ends on"), validators=[DataRequired()])
    place = StringField(_l("Place (leave empty for an online session)"), validators=[Optional(), Length(max=200)])
    region = SelectField(_l("Region"), validators=[Optional()])
    capacity = IntegerField(_l("Capacity (optional)"), validators=[Optional(), NumberRange(min=1, max=100_000)])
    trainers = SelectMultipleField(_l("Trainers"), coerce=int, validators=[Optional()])
    min_attendance = IntegerField(
        _l("Attendance required for the certificate, in percent of the session's days (optional)"),
        validators=[Optional(), NumberRange(min=1, max=100)],
    )
    submit = SubmitField(_l("Save the session"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.region.choices = [("", _l("Not given")), *REGIONS.items()]

    def validate_ends_on(self, field):
        if self.starts_on.data and field.data and field.data < self.starts_on.data:
            raise ValidationError(_l("The end date must not be before the start date."))


class ImportForm(Form):
    file = FileField(
        _l("CSV file"), validators=[FileRequired(), FileAllowed(["csv", "txt"], _l("Choose a .csv file."))]
    )
    submit = SubmitField(_l("Check the file"))


def _new_key() -> str:
    return secrets.token_urlsafe(16)


class SendOnceForm(ActionForm):
    """A button that sends mail: the key, new each time the page is drawn, makes the same
    submission send once however many times it arrives (see `outreach.py`)."""

    key = HiddenField(default=_new_key, validators=[InputRequired(), Length(min=16, max=64)])  # sent, not defaulted
