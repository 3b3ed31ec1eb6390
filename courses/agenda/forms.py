"""The schedule form: one row per day, existing days first, then empty rows to add some."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, FieldList, FormField, HiddenField, SelectField, StringField, SubmitField
from wtforms import Form as PlainForm
from wtforms.fields import TimeField, URLField
from wtforms.validators import Length, Optional

from courses.forms import Form

NEW_ROWS = 2  # empty rows offered under the existing days (save, and two more appear)


class DayRow(PlainForm):
    """A day as typed; an empty row (no date) is ignored. Nested in ScheduleForm, which carries the CSRF token."""

    day_id = HiddenField()
    on = DateField(_l("Date"), validators=[Optional()])
    starts = TimeField(_l("Starts at"), validators=[Optional()])
    ends = TimeField(_l("Ends at"), validators=[Optional()])
    place = StringField(_l("Place (empty: online)"), validators=[Optional(), Length(max=200)])
    link = URLField(_l("Link for online days"), validators=[Optional(), Length(max=500)])
    topic = StringField(_l("Topic (optional)"), validators=[Optional(), Length(max=200)])
    trainer = SelectField(_l("Trainer (optional)"), validators=[Optional()], validate_choice=False)
    remove = BooleanField(_l("Remove this day"))

    @property
    def is_blank(self) -> bool:
        return not (self.on.data or self.starts.data or self.ends.data or self.place.data or self.topic.data)


class ScheduleForm(Form):
    days = FieldList(FormField(DayRow), min_entries=0, max_entries=60)
    submit = SubmitField(_l("Save the days"))


class DeadlineRow(PlainForm):
    """A module's date to finish by; empty for none. The module is named by the page, not the form."""

    module_id = HiddenField()
    due_on = DateField(_l("To finish by"), validators=[Optional()])


class DeadlinesForm(Form):
    modules = FieldList(FormField(DeadlineRow), min_entries=0, max_entries=200)
    submit = SubmitField(_l("Save the deadlines"))
