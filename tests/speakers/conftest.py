"""Speaker fixtures: an app whose photos go to a temporary folder, events with an owner,
speakers, agenda slots, and images generated in memory by Pillow."""
from __future__ import annotations

import io
import itertools
from datetime import date, datetime

import pytest
from PIL import Image
from werkzeug.datastructures import FileStorage

from eventsys.agenda.models import AgendaSlot, SlotSpeaker
from eventsys.events.models import Event, EventRole, Room
from eventsys.extensions import db
from eventsys.speakers.models import Speaker

_n = itertools.count(1)


@pytest.fixture
def photo_dir(tmp_path):
    return tmp_path / "speaker-photos"


@pytest.fixture
def app(make_app, photo_dir):
    app = make_app(SPEAKER_PHOTO_DIR=str(photo_dir))
    with app.app_context():
        yield app
        db.session.remove()


@pytest.fixture
def organiser(make_user):
    return make_user(email="olga@example.org", name="Olga Owner")


@pytest.fixture
def make_event(organiser):
    def build(owner=None, status="published", **fields) -> Event:
        n = next(_n)
        fields.setdefault("slug", f"workshop-{n}")
        fields.setdefault("title", f"Workshop {n}")
        event = Event(start_date=date(2030, 5, 6), end_date=date(2030, 5, 7), timezone="Europe/Madrid",
                      status=status, contact_email="team@example.org", **fields)
        db.session.add(event)
        db.session.flush()
        owner = owner or organiser
        db.session.add(EventRole(event_id=event.id, user_id=owner.id, email=owner.email, role="owner"))
        db.session.commit()
        return event
    return build


@pytest.fixture
def event(make_event):
    return make_event(slug="genomics-2030", title="Genomics and Society 2030")


@pytest.fixture
def make_speaker():
    def build(event, **fields) -> Speaker:
        fields.setdefault("name", f"Speaker {next(_n)}")
        speaker = Speaker(event=event, **fields)
        db.session.add(speaker)
        db.session.commit()
        return speaker
    return build


@pytest.fixture
def make_slot():
    def build(event, speaker=None, role="speaker", title="Opening plenary",
              starts_at=datetime(2030, 5, 6, 7, 0), ends_at=datetime(2030, 5, 6, 8, 0), room=None) -> AgendaSlot:
        slot = AgendaSlot(event=event, kind="plenary", title=title, starts_at=starts_at, ends_at=ends_at,
                          room=Room(event=event, name=room) if room else None)
        db.session.add(slot)
        db.session.flush()
        if speaker is not None:
            db.session.add(SlotSpeaker(slot_id=slot.id, speaker_id=speaker.id, role=role))
        db.session.commit()
        return slot
    return build


# --- images ---------------------------------------------------------------------------------

def image_bytes(fmt: str = "PNG", size=(120, 90), color=(30, 120, 200), **save) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format=fmt, **save)
    return out.getvalue()


def noise_png(side: int) -> bytes:
    """A PNG that does not compress: random pixels, about 3 * side² bytes."""
    import os
    out = io.BytesIO()
    Image.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(out, format="PNG")
    return out.getvalue()


SVG = (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
       b'<script>alert(1)</script><rect width="10" height="10"/></svg>')


def upload(data: bytes, filename: str = "photo.png", content_type: str = "image/png") -> FileStorage:
    return FileStorage(stream=io.BytesIO(data), filename=filename, content_type=content_type)


