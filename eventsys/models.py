"""Imports every model module, so that the metadata (and Alembic) sees all tables."""
from eventsys.auth.models import User  # noqa: F401
from eventsys.mail import OutboxMessage  # noqa: F401
from eventsys.series.models import Series  # noqa: F401
from eventsys.events.models import Event, EventRole, Room, TeamInvitation  # noqa: F401
from eventsys.speakers.models import Speaker  # noqa: F401
from eventsys.agenda.models import AgendaSlot, SlotSpeaker  # noqa: F401
from eventsys.registration.models import (Registration, RegistrationAnswer,  # noqa: F401
                                          RegistrationQuestion, RegistrationSettings)
from eventsys.groups.models import (AssignmentDraft, GroupMembership, GroupPreference,  # noqa: F401
                                    GroupRound, GroupStaff, WorkingGroup)
from eventsys.feedback.models import (FeedbackAnswer, FeedbackForm, FeedbackQuestion,  # noqa: F401
                                      FeedbackRequest, FeedbackRespondent, FeedbackResponse)
from eventsys.ical.models import CalendarToken  # noqa: F401
