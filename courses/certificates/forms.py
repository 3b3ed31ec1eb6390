"""Forms for verification, re-issue and revocation."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from courses.forms import Form


class VerifyForm(Form):
    class Meta:
        csrf = False  # a GET form that changes nothing

    code = StringField(_l("Certificate code"), validators=[DataRequired(), Length(max=40)])
    submit = SubmitField(_l("Verify"))


class ReissueForm(Form):
    name = StringField(_l("Full name (Latin script)"), validators=[DataRequired(), Length(max=200)])
    name_ar = StringField(_l("Full name in Arabic script (optional)"), validators=[Optional(), Length(max=200)])
    submit = SubmitField(_l("Re-issue with these names"))


class RevokeForm(Form):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=1000)])
    submit = SubmitField(_l("Revoke this certificate"))


class CredentialForm(Form):
    """A credential to check: pasted (VC-JWT or JSON) or a baked badge (SVG)."""

    credential = TextAreaField(
        _l("Credential (VC-JWT or JSON)"), validators=[Optional(), Length(max=100_000)], render_kw={"rows": 6}
    )
    badge = FileField(_l("Or a badge image carrying it (SVG or PNG)"))
    submit = SubmitField(_l("Check the credential"))
