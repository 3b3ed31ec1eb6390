"""Every form of the application cleans its text fields, without each field having to ask."""

from __future__ import annotations

from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import EmailField, HiddenField, PasswordField, SearchField, StringField, TextAreaField

from courses.forms import Form

RLO = "\u202e"


def _subclasses(cls: type) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub, *_subclasses(sub)}
    return found


def test_every_form_of_the_application_derives_from_the_cleaning_base(app):
    forms = {cls for cls in _subclasses(FlaskForm) if cls.__module__.startswith("courses.")}
    assert len(forms) >= 10  # the app's modules are imported by create_app
    assert {f"{cls.__module__}.{cls.__qualname__}" for cls in forms if not issubclass(cls, Form)} == set()


class Sample(Form):
    class Meta:
        csrf = False

    name = StringField()
    email = EmailField()
    q = SearchField()
    notes = TextAreaField()
    password = PasswordField()
    token = HiddenField()


def test_text_fields_are_cleaned_passwords_and_hidden_fields_are_not(app):
    sent = f"  {RLO}Salma\tBenali\u202c "
    with app.test_request_context():
        form = Sample(
            MultiDict(
                {
                    "name": sent,
                    "email": f"a{RLO}@b.ma",
                    "q": f"{RLO}x",
                    "notes": f"un{RLO}\ndeux",
                    "password": sent,
                    "token": sent,
                }
            )
        )
    assert form.name.data == "Salma Benali" and form.email.data == "a@b.ma" and form.q.data == "x"
    assert form.notes.data == "un\ndeux"
    assert form.password.data == sent and form.token.data == sent


def test_a_field_keeps_its_own_filters_after_the_cleaning(app):
    class Upper(Form):
        class Meta:
            csrf = False

        name = StringField(filters=[str.upper])

    with app.test_request_context():
        assert Upper(MultiDict({"name": f" {RLO}abc "})).name.data == "ABC"
