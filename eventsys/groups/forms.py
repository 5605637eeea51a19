"""Forms of the working-group pages. They only parse input and offer choices; the rules
(and their messages) live in the services."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, HiddenField, SelectField, SelectMultipleField, SubmitField,
                     TextAreaField)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from eventsys.formatting import event_datetime, event_time
from eventsys.forms import ActionForm, apply_domain_error, as_choices  # noqa: F401  (re-exported)
from eventsys.forms import (BoundedIntegerField, SaneDateTimeLocalField, SingleLineField, WebAddressField,
                            optional_id, required_id)
from eventsys.groups.models import GROUP_FORMATS, JOIN_MODES
from eventsys.groups.services import FORMAT_LABELS, JOIN_MODE_LABELS
from eventsys.timeutil import to_local

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]
ORDINALS = {1: _l("1st choice"), 2: _l("2nd choice"), 3: _l("3rd choice")}


class RoundForm(FlaskForm):
    title = SingleLineField(_l("Title"), validators=[DataRequired(), Length(max=200)],
                            description=_l("For example “Day 1 afternoon”."))
    join_mode = SelectField(_l("How participants join"), choices=as_choices((m, JOIN_MODE_LABELS[m]) for m in JOIN_MODES),
                            validate_choice=False)
    min_ranks = BoundedIntegerField(_l("Groups each participant must rank"), default=3,
                                    validators=[InputRequired(), NumberRange(min=1, max=50)],
                                    description=_l("Ranked rounds: at least this many, best first."))
    opens_at = SaneDateTimeLocalField(_l("Opens"), format=DATETIME_FORMATS, validators=[Optional()],
                                      description=_l("In the event's time zone. Empty: open now."))
    deadline = SaneDateTimeLocalField(_l("Deadline"), format=DATETIME_FORMATS, validators=[Optional()],
                                      description=_l("Choices and rankings can change until then. Empty: no deadline."))
    balance_percent = BoundedIntegerField(
        _l("Share cap per stakeholder group (%)"), validators=[Optional(), NumberRange(min=1, max=100)],
        description=_l("Ranked rounds: where feasible, no stakeholder group takes more "
                       "than this share of a group's seats. Empty: no cap."))
    position = BoundedIntegerField(_l("Position"), default=0, validators=[Optional()])
    submit = SubmitField(_l("Save round"))

    def values(self) -> dict:
        percent = self.balance_percent.data
        return {"title": self.title.data, "join_mode": self.join_mode.data, "min_ranks": self.min_ranks.data,
                "opens_at": self.opens_at.data, "deadline": self.deadline.data,
                "balance_share": percent / 100 if percent else None, "position": self.position.data or 0}


def round_initial(event, round_) -> dict:
    local = (lambda utc: to_local(utc, event.timezone).replace(tzinfo=None) if utc else None)
    return {"title": round_.title, "join_mode": round_.join_mode, "min_ranks": round_.min_ranks,
            "opens_at": local(round_.opens_at), "deadline": local(round_.deadline), "position": round_.position,
            "balance_percent": round(round_.balance_share * 100) if round_.balance_share else None}


class GroupForm(FlaskForm):
    title = SingleLineField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    guiding_question = SingleLineField(_l("Guiding question"), validators=[Length(max=500)])
    description = TextAreaField(_l("Description"), description=_l("Markdown: **bold**, *italic*, lists and links."))
    format = SelectField(_l("Format"), choices=as_choices((f, FORMAT_LABELS[f]) for f in GROUP_FORMATS),
                         default="hybrid", validate_choice=False)
    in_person_seats = BoundedIntegerField(_l("In-person seats"), default=0, validators=[InputRequired()],
                                          description=_l("Including the moderators and rapporteurs who sit in person."))
    online_seats = BoundedIntegerField(_l("Online seats"), default=0, validators=[InputRequired()],
                                       description=_l("Including the moderators and rapporteurs who join online."))
    room_id = SelectField(_l("Room"), coerce=optional_id, validate_choice=False)
    online_link = WebAddressField(_l("Online link"), validators=[Optional(), Length(max=500)],
                                  description=_l("Only the group's members see it."))
    slot_ids = SelectMultipleField(_l("Agenda slots"), coerce=required_id, validate_choice=False)
    staff = TextAreaField(_l("Moderators and rapporteurs"),
                          description=_l("One per line: name, email, role (moderator or rapporteur), mode "
                                         "(in_person or online). Each holds a reserved seat."))
    position = BoundedIntegerField(_l("Position"), default=0, validators=[Optional()])
    submit = SubmitField(_l("Save group"))

    def prepare(self, rooms, slots, tz: str) -> "GroupForm":
        self.room_id.choices = as_choices([("", _("— no room —"))] + [(r.id, r.name) for r in rooms])
        self.slot_ids.choices = as_choices((s.id, f"{event_datetime(s.starts_at, tz, 'short')}–{event_time(s.ends_at, tz)} · "
                                         f"{s.title}") for s in slots)
        return self

    def values(self) -> dict:
        return {"title": self.title.data, "guiding_question": self.guiding_question.data,
                "description": self.description.data, "format": self.format.data,
                "in_person_seats": self.in_person_seats.data, "online_seats": self.online_seats.data,
                "room_id": self.room_id.data, "online_link": self.online_link.data, "position": self.position.data or 0}


def group_initial(group, staff_text: str) -> dict:
    return {"title": group.title, "guiding_question": group.guiding_question, "description": group.description,
            "format": group.format, "in_person_seats": group.in_person_seats, "online_seats": group.online_seats,
            "room_id": group.room_id, "online_link": group.online_link, "position": group.position,
            "slot_ids": [s.id for s in group.slots], "staff": staff_text}


class RunForm(FlaskForm):
    place_unranked = BooleanField(_l("Also place people in groups they did not rank when their choices are full"),
                                  default=True)
    submit = SubmitField(_l("Run the assignment"))


class MoveForm(FlaskForm):
    registration_id = BoundedIntegerField(_l("Participant"), validators=[InputRequired()])
    group_id = BoundedIntegerField(_l("Group"), validators=[InputRequired()])
    allow_over = BooleanField(_l("Allow going over capacity"))


class LockForm(FlaskForm):
    registration_id = BoundedIntegerField(_l("Participant"), validators=[InputRequired()])
    locked = HiddenField(default="1")


class ChooseForm(FlaskForm):
    group_id = BoundedIntegerField(_l("Group"), validators=[InputRequired()])


def ordinal(n: int) -> str:
    return str(ORDINALS[n]) if n in ORDINALS else _("%(n)sth choice", n=n)


def build_rank_form(count: int, required: int, groups, current: list[int] | None = None):
    """A form with ``count`` selects rank_1.. (the first ``required`` marked required), each
    offering ``groups``; filled with ``current`` on GET."""
    class RankForm(FlaskForm):
        submit = SubmitField(_l("Save my ranking"))

    choices = as_choices([("", _("— choose a group —"))] + [(g.id, g.title) for g in groups])
    for n in range(1, count + 1):
        setattr(RankForm, f"rank_{n}", SelectField(ordinal(n), coerce=optional_id, choices=choices,
                                                   validate_choice=False))
    data = {f"rank_{n}": group_id for n, group_id in enumerate(current or [], 1)}
    form = RankForm(data=data)
    for n in range(1, required + 1):
        getattr(form, f"rank_{n}").flags.required = True
    form.rank_fields = [getattr(form, f"rank_{n}") for n in range(1, count + 1)]
    return form


def ranking_from(form) -> list:
    return [field.data for field in form.rank_fields]
