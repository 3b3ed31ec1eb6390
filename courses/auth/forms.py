"""Account forms. Every label and message is translatable; CSRF comes with FlaskForm."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from courses.auth.services import MIN_PASSWORD_LENGTH
from courses.auth.territory import ORGANISATION_TYPES, REGIONS
from courses.forms import Form

LANGUAGE_CHOICES = [("", _l("Automatic")), ("fr", "Français"), ("ar", "العربية"), ("en", "English")]


def _choices(options: dict, empty: str) -> list[tuple[str, str]]:
    return [("", empty), *list(options.items())]


def _password_length():
    return Length(min=MIN_PASSWORD_LENGTH, max=200, message=_l("At least %(min)d characters.", min=MIN_PASSWORD_LENGTH))


class NameFields(Form):
    """A name in Latin script, in Arabic script, or both: a certificate prints whichever is given."""

    full_name = StringField(_l("Full name (Latin script)"), validators=[Optional(), Length(max=200)])
    full_name_ar = StringField(_l("Full name in Arabic script"), validators=[Optional(), Length(max=200)])

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not (self.full_name.data or "").strip() and not (self.full_name_ar.data or "").strip():
            self.full_name.errors = [*self.full_name.errors, _l("Give your name in Latin or Arabic script, or both.")]
            return False
        return valid


class ProfileFields(NameFields):
    organisation = StringField(_l("Organisation"), validators=[Optional(), Length(max=200)])
    organisation_type = SelectField(_l("Type of organisation"), validators=[Optional()])
    region = SelectField(_l("Region"), validators=[Optional()])
    job_title = StringField(_l("Function"), validators=[Optional(), Length(max=200)])
    preferred_language = SelectField(_l("Interface language"), choices=LANGUAGE_CHOICES, validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation_type.choices = _choices(ORGANISATION_TYPES, _l("Choose…"))
        self.region.choices = _choices(REGIONS, _l("Choose…"))


class SignupForm(NameFields):
    """Only what starting needs: the organisation fields are asked on the profile, before a report needs them.

    The password is chosen on the activation page, reached from the emailed link.
    """

    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])
    submit = SubmitField(_l("Create my account"))


class ProfileForm(ProfileFields):
    submit = SubmitField(_l("Save"))


class LoginForm(Form):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    remember = BooleanField(_l("Remember me on this device"))
    next = HiddenField()
    submit = SubmitField(_l("Log in"))


class PasswordChangeForm(Form):
    current = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=200)])
    password = PasswordField(_l("New password"), validators=[DataRequired(), _password_length()])
    confirm = PasswordField(
        _l("Confirm the new password"), validators=[DataRequired(), EqualTo("password", _l("The passwords differ."))]
    )
    submit = SubmitField(_l("Change the password"))


class ResetRequestForm(Form):
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])
    submit = SubmitField(_l("Send me a link"))


class ResetForm(Form):
    password = PasswordField(_l("New password"), validators=[DataRequired(), _password_length()])
    confirm = PasswordField(
        _l("Confirm the new password"), validators=[DataRequired(), EqualTo("password", _l("The passwords differ."))]
    )
    submit = SubmitField(_l("Set the password"))
