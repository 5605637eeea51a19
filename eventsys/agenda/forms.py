from __future__ import annotations

from datetime import datetime, time

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import FieldList, Form, FormField, SelectField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from eventsys.forms import ActionForm, apply_domain_error, as_choices  # noqa: F401  (re-exported)
from eventsys.forms import SaneDateTimeLocalField, SingleLineField, WebAddressField, optional_id
from eventsys.timeutil import to_local

KIND_LABELS = {
    "plenary": _l("Plenary"), "keynote": _l("Keynote"), "panel": _l("Panel"),
    "working_group": _l("Working group"), "break": _l("Break"), "social": _l("Social"), "other": _l("Other"),
}
STATUS_LABELS = {"scheduled": _l("Scheduled"), "cancelled": _l("Cancelled")}
ROLE_LABELS = {"speaker": _l("Speaker"), "chair": _l("Chair"), "moderator": _l("Moderator"),
               "panellist": _l("Panellist")}
BLANK_SPEAKER_ROWS = 3
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]


class SpeakerRowForm(Form):
    """One speaker of a slot; a row whose speaker is left empty is ignored."""
    speaker_id = SelectField(_l("Speaker"), coerce=optional_id)
    role = SelectField(_l("Role"), choices=as_choices(ROLE_LABELS.items()), default="speaker")


class SlotForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=as_choices(KIND_LABELS.items()), validate_choice=False)
    title = SingleLineField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    starts_at = SaneDateTimeLocalField(_l("Starts"), format=DATETIME_FORMATS, validators=[DataRequired()])
    ends_at = SaneDateTimeLocalField(_l("Ends"), format=DATETIME_FORMATS, validators=[DataRequired()])
    room_id = SelectField(_l("Room"), coerce=optional_id, validate_choice=False)
    online_link = WebAddressField(_l("Online link"), validators=[Optional(), Length(max=500)],
                                  description=_l("For online participants, e.g. a video-conference room."))
    description = TextAreaField(_l("Description"),
                                description=_l("Markdown: **bold**, *italic*, lists and links."))
    speakers = FieldList(FormField(SpeakerRowForm))
    submit = SubmitField(_l("Save slot"))

    def prepare(self, event, rooms, speakers) -> "SlotForm":
        """Fill the choices (rooms and speakers of the event) and add empty speaker rows."""
        self.time_zone = event.timezone
        self.room_id.choices = as_choices([("", _("— no room (online only) —"))] + [(r.id, r.name) for r in rooms])
        self._speaker_choices = as_choices([("", _("— choose a speaker —"))] + [
            (s.id, f"{s.name} ({s.organisation})" if s.organisation else s.name) for s in speakers])
        blanks = sum(1 for row in self.speakers if row.form.speaker_id.data is None)
        for _i in range(max(0, BLANK_SPEAKER_ROWS - blanks)):
            self.speakers.append_entry()
        for number, row in enumerate(self.speakers, start=1):
            row.form.speaker_id.choices = self._speaker_choices
            row.form.speaker_id.label.text = _("Speaker %(n)s", n=number)
            row.form.role.label.text = _("Role of speaker %(n)s", n=number)
        return self

    def values(self) -> dict:
        return {"kind": self.kind.data, "title": self.title.data, "description": self.description.data,
                "starts_at": self.starts_at.data, "ends_at": self.ends_at.data,
                "room_id": self.room_id.data, "online_link": self.online_link.data}

    def speaker_pairs(self) -> list[tuple[int, str]]:
        return [(row.form.speaker_id.data, row.form.role.data) for row in self.speakers
                if row.form.speaker_id.data is not None]


def slot_initial(event, slot=None) -> dict:
    """Initial form data: the slot's values (times in the event's zone), or a fresh slot
    on the event's first day."""
    if slot is None:
        return {"kind": "other", "starts_at": datetime.combine(event.start_date, time(9)),
                "ends_at": datetime.combine(event.start_date, time(10))}
    return {"kind": slot.kind, "title": slot.title, "description": slot.description,
            "starts_at": to_local(slot.starts_at, event.timezone).replace(tzinfo=None),
            "ends_at": to_local(slot.ends_at, event.timezone).replace(tzinfo=None),
            "room_id": slot.room_id, "online_link": slot.online_link,
            "speakers": [{"speaker_id": link.speaker_id, "role": link.role} for link in slot.speaker_links]}


class ImportForm(FlaskForm):
    file = FileField(_l("CSV file"), validators=[FileRequired(_l("Choose a CSV file to upload."))],
                     description=_l("UTF-8 text, comma-separated, with a header row."))
    submit = SubmitField(_l("Check and import"))
