"""The mail outbox: queueing inside transactions, delivery over a real SMTP server,
retries with backoff, leases, the file transport and the mail URL."""
from __future__ import annotations

import socket
from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from sqlalchemy import select

from eventsys import mail
from eventsys.auth import services
from eventsys.extensions import db
from eventsys.mail import OutboxMessage, deliver_due
from eventsys.timeutil import utcnow


def queue(to: str = "bo@example.org", subject: str = "Hello", *, user=None, commit: bool = True) -> OutboxMessage:
    """Queue a message through the real template (the password-reset mail)."""
    user = user or type("U", (), {"name": "Bo Berg"})()
    message = mail.queue_mail(to, subject, "password_reset", user=user, token="tok", max_age_minutes=60)
    if commit:
        db.session.commit()
    return message


def messages() -> list[OutboxMessage]:
    db.session.expire_all()
    return db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- queueing ---------------------------------------------------------------------------

def test_queue_mail_committed_is_stored_queued_and_due(app):
    before = utcnow()
    message = queue(to="bo@example.org", subject="Hello there")
    [stored] = messages()
    assert stored.id == message.id
    assert (stored.to_addr, stored.subject, stored.status, stored.attempts) == (
        "bo@example.org", "Hello there", "queued", 0)
    assert stored.body_text.startswith("Hello Bo Berg,")
    assert "http://localhost/auth/reset/tok" in stored.body_text
    assert stored.body_html is None
    assert (stored.last_error, stored.sent_at, stored.locked_until) == (None, None, None)
    assert before <= stored.next_attempt_at <= utcnow()


def test_queue_mail_rolled_back_leaves_no_message(app):
    queue(commit=False)
    db.session.rollback()
    assert messages() == []


def test_queue_mail_rolled_back_with_the_change_that_caused_it(app, make_user):
    user = make_user(name="Before")
    user.name = "After"
    queue(to=user.email, commit=False)
    db.session.rollback()
    assert messages() == []
    assert user.name == "Before"


def test_queue_mail_links_use_base_url_with_its_path(make_app):
    other = make_app(BASE_URL="https://events.example.org/eventsys/")
    with other.app_context():
        queue()
        [stored] = messages()
        db.session.remove()
    assert "https://events.example.org/eventsys/auth/reset/tok" in stored.body_text


# --- delivery over SMTP -----------------------------------------------------------------

def test_deliver_due_sends_through_smtp_and_marks_sent(app, mailbox):
    message = queue(to="bo@example.org", subject="Your reset link")
    report = deliver_due()
    assert (report.sent, report.failed) == (1, 0)
    [received] = mailbox.messages
    assert received["To"] == "bo@example.org"
    assert received["From"] == app.config["MAIL_FROM"]
    assert received["Subject"] == "Your reset link"
    assert received["X-Eventsys-Outbox-Id"] == str(message.id)
    assert mailbox.body(received).startswith("Hello Bo Berg,")
    assert mailbox.links(received) == ["http://localhost/auth/reset/tok"]
    [stored] = messages()
    assert (stored.status, stored.attempts, stored.last_error, stored.locked_until) == ("sent", 1, None, None)
    assert stored.sent_at is not None


def test_deliver_due_html_alternative_is_sent_with_plain_text(app, mailbox):
    message = queue()
    message.body_html = "<p>Hello <b>Bo</b></p>"
    db.session.commit()
    assert deliver_due().sent == 1
    [received] = mailbox.messages
    assert received.get_content_type() == "multipart/alternative"
    assert mailbox.body(received).startswith("Hello Bo Berg,")
    assert received.get_body(preferencelist=("html",)).get_content().strip() == "<p>Hello <b>Bo</b></p>"


def test_deliver_due_nothing_queued_reports_zero(app, mailbox):
    report = deliver_due()
    assert (report.sent, report.failed) == (0, 0)
    assert mailbox.messages == []


def test_deliver_due_temporary_smtp_error_keeps_message_queued_with_backoff(app, mailbox):
    queue()
    mailbox.fail_next = 1
    now = utcnow()
    report = deliver_due(now=now)
    assert (report.sent, report.failed) == (0, 1)
    assert mailbox.messages == []
    [stored] = messages()
    assert stored.status == "queued"
    assert "451" in stored.last_error
    assert stored.attempts == 1
    assert stored.next_attempt_at == now + timedelta(seconds=60)
    assert stored.locked_until is None

    early = deliver_due(now=now + timedelta(seconds=59))
    assert (early.sent, early.failed) == (0, 0)
    assert mailbox.messages == []

    later = deliver_due(now=now + timedelta(seconds=61))
    assert (later.sent, later.failed) == (1, 0)
    assert len(mailbox.messages) == 1
    [stored] = messages()
    assert (stored.status, stored.attempts, stored.last_error) == ("sent", 2, None)


def test_deliver_due_one_failure_does_not_stop_the_batch(app, mailbox):
    first, second = queue(to="a@example.org"), queue(to="b@example.org")
    mailbox.fail_next = 1
    report = deliver_due()
    assert (report.sent, report.failed) == (1, 1)
    assert [m["To"] for m in mailbox.messages] == ["b@example.org"]
    statuses = {m.id: m.status for m in messages()}
    assert statuses == {first.id: "queued", second.id: "sent"}


def test_deliver_due_connection_refused_keeps_everything_queued(make_app, mailbox):
    refused = make_app(MAIL_URL=f"smtp://127.0.0.1:{closed_port()}?timeout=5")
    with refused.app_context():
        queue(to="a@example.org")
        queue(to="b@example.org")
        now = utcnow()
        report = deliver_due(now=now)
        assert (report.sent, report.failed) == (0, 2)
        stored = messages()
        assert [m.status for m in stored] == ["queued", "queued"]
        assert [m.attempts for m in stored] == [1, 1]
        assert all(m.last_error.startswith("connection failed:") for m in stored)
        assert all("refused" in m.last_error.lower() for m in stored)
        assert [m.next_attempt_at for m in stored] == [now + timedelta(seconds=60)] * 2
        assert [m.locked_until for m in stored] == [None, None]
        db.session.remove()
    assert mailbox.messages == []


def test_deliver_due_twice_never_sends_a_message_twice(app, mailbox):
    ids = [queue(to=f"p{n}@example.org").id for n in range(3)]
    assert deliver_due().sent == 3
    assert deliver_due().sent == 0
    assert sorted(int(m["X-Eventsys-Outbox-Id"]) for m in mailbox.messages) == ids


def test_deliver_due_leased_message_is_not_sent_by_another_run(app, mailbox):
    leased, free = queue(to="leased@example.org"), queue(to="free@example.org")
    now = utcnow()
    leased.locked_until = now + timedelta(minutes=5)
    db.session.commit()
    report = deliver_due(now=now)
    assert (report.sent, report.failed) == (1, 0)
    assert [m["To"] for m in mailbox.messages] == ["free@example.org"]
    assert {m.id: m.status for m in messages()} == {leased.id: "queued", free.id: "sent"}
    # once the lease has run out (the other sender died), the message is delivered
    assert deliver_due(now=now + timedelta(minutes=6)).sent == 1
    assert [m["To"] for m in mailbox.messages] == ["free@example.org", "leased@example.org"]


def test_deliver_due_not_yet_due_message_waits(app, mailbox):
    message = queue()
    message.next_attempt_at = utcnow() + timedelta(minutes=10)
    db.session.commit()
    assert deliver_due().sent == 0
    assert mailbox.messages == []


def test_deliver_due_respects_limit(app, mailbox):
    for n in range(3):
        queue(to=f"p{n}@example.org")
    assert deliver_due(limit=2).sent == 2
    assert [m.status for m in messages()] == ["sent", "sent", "queued"]


# --- file transport ---------------------------------------------------------------------

def test_deliver_due_without_mail_url_writes_parseable_eml_files(make_app, mailbox):
    files_app = make_app(MAIL_URL=None)
    with files_app.app_context():
        message = queue(to="bo@example.org", subject="Written to disk")
        report = deliver_due()
        assert (report.sent, report.failed) == (1, 0)
        assert messages()[0].status == "sent"
        db.session.remove()
    [path] = Path(files_app.config["MAIL_FILE_DIR"]).glob("*.eml")
    assert path.name.endswith(f"-{message.id}.eml")
    parsed = message_from_bytes(path.read_bytes(), policy=policy.default)
    assert parsed["To"] == "bo@example.org"
    assert parsed["Subject"] == "Written to disk"
    assert parsed["X-Eventsys-Outbox-Id"] == str(message.id)
    assert parsed.get_body(preferencelist=("plain",)).get_content().startswith("Hello Bo Berg,")
    assert mailbox.messages == []


# --- mail URL ---------------------------------------------------------------------------

def test_parse_mail_url_smtp_with_credentials_and_starttls():
    settings = mail.parse_mail_url("smtp://user:p%40ss@mail.example.org:587?starttls=1")
    assert settings == mail.SmtpSettings(host="mail.example.org", port=587, username="user",
                                         password="p@ss", use_ssl=False, starttls=True, timeout=20.0)


def test_parse_mail_url_smtps_defaults_to_port_465_with_ssl():
    settings = mail.parse_mail_url("smtps://mail.example.org")
    assert (settings.host, settings.port, settings.use_ssl, settings.starttls) == ("mail.example.org", 465, True, False)
    assert (settings.username, settings.password) == (None, None)


def test_parse_mail_url_smtp_defaults_to_port_25_and_reads_timeout():
    settings = mail.parse_mail_url("smtp://localhost?timeout=3.5&starttls=no")
    assert (settings.port, settings.use_ssl, settings.starttls, settings.timeout) == (25, False, False, 3.5)


@pytest.mark.parametrize("url", ["http://mail.example.org", "mail.example.org:25", "smtp://", "", "smtp:///path"])
def test_parse_mail_url_invalid_raises_value_error(url):
    with pytest.raises(ValueError, match="EVENTSYS_MAIL_URL must look like"):
        mail.parse_mail_url(url)


# --- backoff ----------------------------------------------------------------------------

@pytest.mark.parametrize("attempts, seconds", [(0, 60), (1, 60), (2, 120), (3, 240), (6, 1920), (7, 3600),
                                               (50, 3600), (10_000, 3600)])
def test_backoff_doubles_and_is_capped(attempts, seconds):
    assert mail.backoff(attempts, 3600) == timedelta(seconds=seconds)


def test_backoff_through_delivery_capped_at_mail_max_backoff_seconds(app, mailbox):
    app.config["MAIL_MAX_BACKOFF_SECONDS"] = 300
    queue()
    now = utcnow()
    delays = []
    for _ in range(5):
        mailbox.fail_next = 1
        assert deliver_due(now=now).failed == 1
        [stored] = messages()
        delays.append((stored.next_attempt_at - now).total_seconds())
        now = stored.next_attempt_at
    assert delays == [60, 120, 240, 300, 300]
    assert stored.attempts == 5


def test_request_password_reset_mail_delivered_from_a_service_call(app, make_user, mailbox):
    user = make_user(email="bo@example.org")
    services.request_password_reset("bo@example.org")
    assert deliver_due().sent == 1
    [link] = mailbox.links(mailbox.to("bo@example.org")[0])
    assert services.user_for_reset_token(link.rsplit("/", 1)[1]).id == user.id


# --- one bad message never stops the others (issue 10, item 3) --------------------------

def insert_row(to: str, subject: str = "Hello") -> OutboxMessage:
    """A row written straight to the table, as old code (or a bug) could have written it."""
    message = OutboxMessage(to_addr=to, subject=subject, body_text="Hello.\n")
    db.session.add(message)
    db.session.commit()
    return message


def test_deliver_due_subject_with_line_break_is_sent_on_one_line_without_injection(app, mailbox):
    first = queue(to="a@example.org")
    bad = insert_row("b@example.org", subject="Mallory\r\nBcc: victim@example.com")
    last = queue(to="c@example.org")
    report = deliver_due()
    assert (report.sent, report.failed) == (3, 0)
    assert [m["To"] for m in mailbox.messages] == ["a@example.org", "b@example.org", "c@example.org"]
    received = mailbox.messages[1]
    assert received["Subject"] == "Mallory Bcc: victim@example.com"
    assert received["Bcc"] is None
    assert {m.id: m.status for m in messages()} == {first.id: "sent", bad.id: "sent", last.id: "sent"}


def test_deliver_due_message_that_cannot_be_built_is_recorded_and_the_batch_goes_on(app, mailbox):
    first = queue(to="a@example.org")
    bad = insert_row('"')  # the standard library's address parser raises IndexError on it
    last = queue(to="c@example.org")
    now = utcnow()
    report = deliver_due(now=now)
    assert (report.sent, report.failed) == (2, 1)
    assert [m["To"] for m in mailbox.messages] == ["a@example.org", "c@example.org"]
    stored = {m.id: m for m in messages()}
    assert (stored[first.id].status, stored[last.id].status) == ("sent", "sent")
    failed = stored[bad.id]
    assert (failed.status, failed.attempts, failed.last_error, failed.locked_until) == (
        "queued", 1, "list index out of range", None)
    assert failed.next_attempt_at == now + timedelta(seconds=60)


def test_deliver_due_after_max_attempts_marks_the_message_failed(make_app, mailbox):
    limited = make_app(MAIL_MAX_ATTEMPTS=2)
    with limited.app_context():
        bad = insert_row("<")
        now = utcnow()
        assert (deliver_due(now=now).failed, messages()[0].status) == (1, "queued")
        assert (deliver_due(now=now + timedelta(seconds=61)).failed, messages()[0].status) == (1, "failed")
        later = deliver_due(now=now + timedelta(days=1))
        assert (later.sent, later.failed) == (0, 0)
        [stored] = messages()
        assert (stored.id, stored.status, stored.attempts) == (bad.id, "failed", 2)
        assert mail.outbox_counts() == {"failed": 1}
        mail.retry_now(stored)
        assert messages()[0].status == "queued"
        db.session.remove()
    assert mailbox.messages == []


def test_deliver_due_server_unreachable_never_marks_failed(make_app, mailbox):
    refused = make_app(MAIL_URL=f"smtp://127.0.0.1:{closed_port()}?timeout=5", MAIL_MAX_ATTEMPTS=1)
    with refused.app_context():
        queue(to="a@example.org")
        now = utcnow()
        deliver_due(now=now)
        deliver_due(now=now + timedelta(minutes=2))
        [stored] = messages()
        assert (stored.status, stored.attempts) == ("queued", 2)
        db.session.remove()
