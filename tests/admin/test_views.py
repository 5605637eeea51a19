"""Site administration: the mail outbox page and its retry button."""
from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from eventsys import mail
from eventsys.extensions import db
from eventsys.mail import OutboxMessage, deliver_due
from eventsys.timeutil import utcnow
from tests.builders import PASSWORD
from tests.pages import text


def add_message(to: str, subject: str, **fields) -> OutboxMessage:
    message = OutboxMessage(to_addr=to, subject=subject, body_text="Hello", **fields)
    db.session.add(message)
    db.session.commit()
    return message


def fetch(message_id: int) -> OutboxMessage:
    db.session.expire_all()
    return db.session.get(OutboxMessage, message_id)


def rows(response) -> list[str]:
    body = re.search(r"<tbody>(.*?)</tbody>", response.get_data(as_text=True), re.S)
    return re.findall(r"<tr>(.*?)</tr>", body.group(1), re.S) if body else []


@pytest.fixture
def admin(make_user):
    return make_user(email="root@example.org", is_admin=True)


@pytest.fixture
def as_admin(client, admin, login):
    login(client, admin)
    return client


@pytest.fixture
def outbox(app):
    now = utcnow()
    queued = add_message("queued@example.org", "Still waiting", attempts=2,
                         last_error="(451, b'4.3.0 Try again later')",
                         next_attempt_at=now + timedelta(minutes=2))
    sent = add_message("sent@example.org", "Already delivered", status=mail.SENT, attempts=1,
                       sent_at=now)
    return queued, sent


# --- the outbox page --------------------------------------------------------------------

def test_outbox_admin_sees_queued_and_sent_messages_with_last_error(as_admin, outbox):
    queued, sent = outbox
    response = as_admin.get("/admin/outbox")
    assert response.status_code == 200
    page = text(response)
    assert "All (2)" in page and "Queued (1)" in page and "Sent (1)" in page
    newest_first = rows(response)
    assert len(newest_first) == 2
    assert "sent@example.org" in newest_first[0] and "Already delivered" in newest_first[0]
    assert "queued@example.org" in newest_first[1] and "Still waiting" in newest_first[1]
    assert "Last error: (451, b'4.3.0 Try again later')" in html.unescape(newest_first[1])
    assert "Last error" not in newest_first[0]
    # only queued messages can be retried
    assert f'action="/admin/outbox/{queued.id}/retry"' in newest_first[1]
    assert "/retry" not in newest_first[0]


def test_outbox_status_filter_shows_only_that_status(as_admin, outbox):
    queued, sent = outbox
    only_queued = rows(as_admin.get("/admin/outbox?status=queued"))
    assert len(only_queued) == 1 and "queued@example.org" in only_queued[0]
    only_sent = rows(as_admin.get("/admin/outbox?status=sent"))
    assert len(only_sent) == 1 and "sent@example.org" in only_sent[0]


def test_outbox_empty_says_so(as_admin):
    response = as_admin.get("/admin/outbox")
    assert response.status_code == 200
    assert "No messages." in text(response)


def test_outbox_error_text_is_escaped(as_admin):
    add_message("x@example.org", "Hi", last_error="<script>alert(1)</script>")
    page = as_admin.get("/admin/outbox").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_outbox_paginates_fifty_per_page(as_admin):
    db.session.add_all(OutboxMessage(to_addr=f"p{n}@example.org", subject=f"Message {n}", body_text="x")
                       for n in range(51))
    db.session.commit()
    first = as_admin.get("/admin/outbox")
    assert len(rows(first)) == 50
    assert 'href="/admin/outbox?status=&amp;page=2"' in first.get_data(as_text=True)
    second = as_admin.get("/admin/outbox?page=2")
    [last] = rows(second)
    assert "p0@example.org" in last  # the oldest


def test_outbox_non_admin_gets_403(client, make_user, login, outbox):
    login(client, make_user())
    response = client.get("/admin/outbox")
    assert response.status_code == 403
    assert "queued@example.org" not in text(response)


def test_outbox_anonymous_redirected_to_login(client, outbox):
    response = client.get("/admin/outbox")
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/login?next=%2Fadmin%2Foutbox"


def test_outbox_link_in_navigation_only_for_admins(client, other_client, admin, make_user, login):
    login(client, admin)
    login(other_client, make_user())
    assert 'href="/admin/outbox"' in client.get("/").get_data(as_text=True)
    assert 'href="/admin/outbox"' not in other_client.get("/").get_data(as_text=True)


# --- retry --------------------------------------------------------------------------------

def test_retry_makes_queued_message_due_now(as_admin, outbox, mailbox):
    queued, _ = outbox
    assert deliver_due().sent == 0  # not due yet
    before = utcnow()
    response = as_admin.post(f"/admin/outbox/{queued.id}/retry")
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/outbox?status=queued"
    message = fetch(queued.id)
    assert before <= message.next_attempt_at <= utcnow()
    assert (message.status, message.attempts) == ("queued", 2)
    assert "The message will be sent on the next delivery run." in text(as_admin.get("/admin/outbox"))
    assert deliver_due().sent == 1
    assert [m["To"] for m in mailbox.messages] == ["queued@example.org"]


def test_retry_sent_message_changes_nothing(as_admin, outbox):
    _, sent = outbox
    before = fetch(sent.id).next_attempt_at
    response = as_admin.post(f"/admin/outbox/{sent.id}/retry")
    assert response.status_code == 302
    message = fetch(sent.id)
    assert (message.status, message.next_attempt_at) == ("sent", before)


def test_retry_unknown_id_gives_404(as_admin, outbox):
    assert as_admin.post("/admin/outbox/999999/retry").status_code == 404


def test_retry_non_admin_gets_403_and_changes_nothing(client, make_user, login, outbox):
    queued, _ = outbox
    before = fetch(queued.id).next_attempt_at
    login(client, make_user())
    assert client.post(f"/admin/outbox/{queued.id}/retry").status_code == 403
    assert fetch(queued.id).next_attempt_at == before


def test_retry_anonymous_redirected_to_login(client, outbox):
    queued, _ = outbox
    response = client.post(f"/admin/outbox/{queued.id}/retry")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")


def test_retry_by_get_not_allowed(as_admin, outbox):
    queued, _ = outbox
    assert as_admin.get(f"/admin/outbox/{queued.id}/retry").status_code == 405


def test_retry_with_csrf_protection_needs_the_page_token(make_app, admin, login, outbox):
    queued, _ = outbox
    before = fetch(queued.id).next_attempt_at
    protected = make_app(WTF_CSRF_ENABLED=True)
    browser = protected.test_client()
    login_page = browser.get("/auth/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page).group(1)
    assert browser.post("/auth/login", data={"email": admin.email, "password": PASSWORD,
                                             "csrf_token": token}).status_code == 302

    forged = browser.post(f"/admin/outbox/{queued.id}/retry")
    assert forged.status_code == 400
    assert fetch(queued.id).next_attempt_at == before

    page = browser.get("/admin/outbox").get_data(as_text=True)
    form_token = re.search(r'action="/admin/outbox/%d/retry">\s*<input id="csrf_token" name="csrf_token" '
                           r'type="hidden" value="([^"]+)"' % queued.id, page).group(1)
    done = browser.post(f"/admin/outbox/{queued.id}/retry", data={"csrf_token": form_token})
    assert done.status_code == 302
    assert fetch(queued.id).next_attempt_at <= utcnow()
