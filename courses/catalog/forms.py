"""The catalog's filter form (GET: bookmarkable, no CSRF needed since it changes nothing)."""

from flask_babel import lazy_gettext as _l
from wtforms import SearchField, SelectField
from wtforms.validators import Length, Optional

from courses.forms import Form


class CatalogFilterForm(Form):
    class Meta:
        csrf = False

    q = SearchField(_l("Search"), validators=[Optional(), Length(max=100)])
    language = SelectField(_l("Course language"), validators=[Optional()], validate_choice=False)
    tag = SelectField(_l("Topic"), validators=[Optional()], validate_choice=False)
