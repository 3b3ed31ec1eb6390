"""The catalog's filter form (GET: bookmarkable, no CSRF needed since it changes nothing)."""

from flask_babel import lazy_gettext as _l
from wtforms import SearchField, SelectField
from wtforms.validators import Optional

from courses.forms import Form
from courses.material.normalize import MAX_QUERY_CHARACTERS


def _capped(text: str | None) -> str | None:
    """A pasted page is searched by its beginning, not refused (the search reads no further)."""
    return text[:MAX_QUERY_CHARACTERS] if text else text


class CatalogFilterForm(Form):
    class Meta:
        csrf = False

    q = SearchField(_l("Search"), validators=[Optional()], filters=[_capped])
    language = SelectField(_l("Course language"), validators=[Optional()], validate_choice=False)
    tag = SelectField(_l("Topic"), validators=[Optional()], validate_choice=False)
