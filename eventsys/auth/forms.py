from __future__ import annotations

from flask_babel import get_locale, lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from eventsys.auth.models import STAKEHOLDER_CATEGORIES
from eventsys.forms import apply_domain_error, as_choices  # noqa: F401  (re-exported)
# The safe field types under the usual names (tests/test_forms.py):
from eventsys.forms import SingleLineEmailField as EmailField, SingleLineField as StringField
from eventsys.reference import country_choices, sorted_timezones

STAKEHOLDER_LABELS = {
    "researcher": _l("Researcher"),
    "clinician": _l("Clinician or health professional"),
    "patient_organisation": _l("Patient or citizen organisation"),
    "industry": _l("Industry"),
    "policy_maker": _l("Policy maker"),
    "funder": _l("Funder"),
    "other": _l("Other"),
}
LANGUAGE_LABELS = {"en": "English", "es": "Español"}


class ProfileFieldsMixin:
    def fill_choices(self):
        self.country.choices = as_choices([("", _l("— not given —"))] + country_choices(str(get_locale() or "en")))
        self.timezone.choices = as_choices([("", _l("— use the event's time zone —"))] + [(z, z) for z in sorted_timezones(keep=self.timezone.data)])
        self.stakeholder_category.choices = as_choices([("", _l("— not given —"))] + [
            (key, STAKEHOLDER_LABELS[key]) for key in STAKEHOLDER_CATEGORIES])
        self.locale.choices = as_choices([("", _l("— as my browser —"))] + list(LANGUAGE_LABELS.items()))
        return self


class SignupForm(ProfileFieldsMixin, FlaskForm):
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("Email address"), validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1024)],
                             description=_l("At least 10 characters."))
    confirm = PasswordField(_l("Repeat the password"),
                            validators=[DataRequired(), EqualTo("password", _l("The passwords do not match."))])
    organisation = StringField(_l("Organisation"), validators=[Optional(), Length(max=200)])
    country = SelectField(_l("Country"), validate_choice=False)
    timezone = SelectField(_l("Time zone"), validate_choice=False)
    stakeholder_category = SelectField(_l("Stakeholder group"), validate_choice=False)
    locale = SelectField(_l("Language"), validate_choice=False)
    submit = SubmitField(_l("Create account"))


class LoginForm(FlaskForm):
    email = EmailField(_l("Email address"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    remember = BooleanField(_l("Keep me logged in on this device"))
    submit = SubmitField(_l("Log in"))


class ProfileForm(ProfileFieldsMixin, FlaskForm):
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    organisation = StringField(_l("Organisation"), validators=[Optional(), Length(max=200)])
    country = SelectField(_l("Country"), validate_choice=False)
    timezone = SelectField(_l("Time zone"), validate_choice=False,
                           description=_l("Agenda times can be shown in this zone."))
    stakeholder_category = SelectField(_l("Stakeholder group"), validate_choice=False)
    locale = SelectField(_l("Language"), validate_choice=False)
    submit = SubmitField(_l("Save profile"))


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    new_password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=1024)],
                                 description=_l("At least 10 characters. You will be logged out everywhere else."))
    confirm = PasswordField(_l("Repeat the new password"),
                            validators=[DataRequired(), EqualTo("new_password", _l("The passwords do not match."))])
    submit = SubmitField(_l("Change password"))


class ResetRequestForm(FlaskForm):
    email = EmailField(_l("Email address"), validators=[DataRequired(), Length(max=254)])
    submit = SubmitField(_l("Send me a reset link"))


class ResetPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=1024)],
                             description=_l("At least 10 characters."))
    confirm = PasswordField(_l("Repeat the new password"),
                            validators=[DataRequired(), EqualTo("password", _l("The passwords do not match."))])
    submit = SubmitField(_l("Set new password"))


class LogoutForm(FlaskForm):
    submit = SubmitField(_l("Log out"))


class ResendVerificationForm(FlaskForm):
    submit = SubmitField(_l("Send the link again"))
