"""The catalog's filter form (GET: bookmarkable, no CSRF needed since it changes nothing)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SearchField, SelectField
from wtforms.validators import Length, Optional


class CatalogFilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = SearchField(_l("Search"), validators=[Optional(), Length(max=100)])
    language = SelectField(_l("Course language"), validators=[Optional()], validate_choice=False)
    tag = SelectField(_l("Topic"), validators=[Optional()], validate_choice=False)
