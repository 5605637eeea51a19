"""Forms of the organiser pages of registration, and of the personal-data pages."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (BooleanField, HiddenField, RadioField, SelectField, SubmitField,
                     TextAreaField)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from eventsys.forms import (as_choices, BoundedIntegerField, SaneDateTimeLocalField, SingleLineEmailField,
                            SingleLineField)
from eventsys.registration.forms import MODE_LABELS

KIND_LABELS = {"short_text": _l("Short text"), "long_text": _l("Long text"), "single_choice": _l("Single choice"),
               "multiple_choice": _l("Multiple choice"), "yes_no": _l("Yes or no"), "country": _l("Country")}
APPLIES_LABELS = {"all": _l("Everyone"), "in_person": _l("Only people attending in person"),
                  "online": _l("Only people attending online")}
MESSAGE_STATUS_LABELS = {"active": _l("Everyone registered (confirmed, awaiting approval, waiting list)"),
                         "confirmed": _l("Confirmed only"), "pending": _l("Awaiting approval only"),
                         "waitlisted": _l("Waiting list only")}


class SettingsForm(FlaskForm):
    is_open = BooleanField(_l("Registration is open"),
                           description=_l("Registration also needs the event to be published."))
    opens_at = SaneDateTimeLocalField(_l("Opens at"), validators=[Optional()], format="%Y-%m-%dT%H:%M",
                                      description=_l("In the event's time zone. Leave empty to open at once."))
    closes_at = SaneDateTimeLocalField(_l("Closes at"), validators=[Optional()], format="%Y-%m-%dT%H:%M",
                                       description=_l("In the event's time zone. Leave empty to stay open."))
    in_person_capacity = BoundedIntegerField(_l("In-person seats"), validators=[Optional(), NumberRange(min=0)],
                                             description=_l("0 when nobody can attend in person."))
    online_capacity = BoundedIntegerField(_l("Online seats"), validators=[Optional(), NumberRange(min=0)],
                                          description=_l("Leave empty for unlimited; 0 when nobody can attend online."))
    requires_approval = BooleanField(_l("Registrations need approval by an organiser"))
    confirmation_message = TextAreaField(_l("Message shown on confirmation"), validators=[Length(max=5000)],
                                         description=_l("Shown on the confirmation page and in the email. "
                                                        "Markdown is allowed."))
    confirmation_message_in_person = TextAreaField(
        _l("Also on confirmation, for in-person participants only"), validators=[Length(max=5000)],
        description=_l("Directions, badges, the venue: online participants never see it."))
    confirmation_message_online = TextAreaField(
        _l("Also on confirmation, for online participants only"), validators=[Length(max=5000)],
        description=_l("In-person participants never see it."))
    privacy_notice = TextAreaField(_l("Privacy notice"), validators=[Length(max=20000)],
                                   description=_l("People accept it when they register. Changing the text "
                                                  "gives it a new version number."))
    submit = SubmitField(_l("Save settings"))

    def values(self, modes) -> dict:
        keys = ["is_open", "opens_at", "closes_at", "requires_approval", "confirmation_message",
                "confirmation_message_in_person", "confirmation_message_online", "privacy_notice"]
        keys += [f"{mode}_capacity" for mode in modes]
        return {key: getattr(self, key).data for key in keys}


class QuestionForm(FlaskForm):
    label = SingleLineField(_l("Question"), validators=[DataRequired(), Length(max=300)])
    kind = SelectField(_l("Type of answer"), choices=as_choices(KIND_LABELS.items()))
    options = TextAreaField(_l("Options"), description=_l("For choice questions: one option per line, "
                                                          "at least two."))
    help_text = SingleLineField(_l("Help text"), validators=[Optional(), Length(max=500)])
    applies_to = SelectField(_l("Asked of"), choices=as_choices(APPLIES_LABELS.items()))
    required = BooleanField(_l("An answer is required"))
    sensitive = BooleanField(_l("Personal or sensitive (for example health or accessibility needs)"),
                             description=_l("Answers are seen only by owners and organisers, never in "
                                            "other people's exports or in reports."))
    submit = SubmitField(_l("Save question"))

    def values(self) -> dict:
        return {key: getattr(self, key).data for key in
                ("label", "kind", "options", "help_text", "applies_to", "required", "sensitive")}


class AddParticipantForm(FlaskForm):
    email = SingleLineEmailField(_l("Email address"), validators=[DataRequired(), Length(max=254)])
    name = SingleLineField(_l("Full name"), validators=[Optional(), Length(max=200)],
                           description=_l("Needed unless the address belongs to a verified account: the "
                                          "person gets an invitation to confirm their place."))
    mode = RadioField(_l("Way of attending"), choices=[], validate_choice=False)
    submit = SubmitField(_l("Add participant"))

    def fill_choices(self, modes):
        self.mode.choices = as_choices((m, MODE_LABELS[m]) for m in modes)
        if len(modes) == 1 and not self.mode.data:
            self.mode.data = modes[0]
        return self


class MoveForm(FlaskForm):
    mode = SelectField(_l("Move to"), choices=as_choices(MODE_LABELS.items()))


class MessageForm(FlaskForm):
    batch_id = HiddenField()
    status = SelectField(_l("Send to"), choices=as_choices(MESSAGE_STATUS_LABELS.items()))
    mode = SelectField(_l("Way of attending"), choices=as_choices([("", _l("Both"))] + list(MODE_LABELS.items())))
    subject = SingleLineField(_l("Subject"), validators=[DataRequired(), Length(max=200)])
    body = TextAreaField(_l("Message"), validators=[DataRequired(), Length(max=20000)],
                         description=_l("Plain text. Each person receives their own copy."))
    preview = SubmitField(_l("Preview recipients"))
    send = SubmitField(_l("Send"))


class AttendanceImportForm(FlaskForm):
    file = FileField(_l("Attendance report (CSV)"),
                     description=_l("The report your video platform exports (Zoom, Teams, Webex…). "
                                    "People are matched by email address."))
    submit = SubmitField(_l("Import"))
