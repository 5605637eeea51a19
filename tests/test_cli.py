"""The ``eventsys`` commands: create-admin, demo, send-mail."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from eventsys import mail
from eventsys.auth import passwords
from eventsys.auth.models import User
from eventsys.demo import DEFAULT_PASSWORD
from eventsys.extensions import db
from eventsys.mail import OutboxMessage
from tests.builders import PASSWORD

STRONG = "a strong admin passphrase"


@pytest.fixture
def run(app):
    runner = app.test_cli_runner()

    def invoke(*args, input=None):
        result = runner.invoke(args=list(args), input=input)
        db.session.expire_all()  # the command committed in its own right
        return result
    return invoke


def users() -> list[User]:
    db.session.expire_all()
    return db.session.scalars(select(User).order_by(User.email)).all()


def can_log_in(client, email: str, password: str) -> bool:
    response = client.post("/auth/login", data={"email": email, "password": password})
    return response.status_code == 302


# --- create-admin -----------------------------------------------------------------------

def test_create_admin_with_password_creates_admin(run, client):
    result = run("create-admin", "Root@Example.org", "--password", STRONG)
    assert result.exit_code == 0, result.output
    assert result.output == "Created admin root@example.org\n"
    [user] = users()
    assert (user.email, user.name, user.is_admin) == ("root@example.org", "root", True)
    assert can_log_in(client, "root@example.org", STRONG)


def test_create_admin_with_name_option_sets_name(run):
    result = run("create-admin", "root@example.org", "--password", STRONG, "--name", "Rita Root")
    assert result.exit_code == 0, result.output
    assert users()[0].name == "Rita Root"


def test_create_admin_second_run_promotes_without_duplicating(run):
    run("create-admin", "root@example.org", "--password", STRONG)
    result = run("create-admin", "ROOT@example.org", "--password", "another admin passphrase")
    assert result.exit_code == 0, result.output
    assert result.output == "Promoted admin root@example.org\n"
    [user] = users()
    assert user.is_admin is True
    assert passwords.verify_password(user.password_hash, "another admin passphrase")


def test_create_admin_existing_user_is_promoted(run, make_user):
    make_user(email="bo@example.org", name="Bo Berg")
    result = run("create-admin", "bo@example.org", "--password", STRONG)
    assert result.exit_code == 0, result.output
    assert result.output == "Promoted admin bo@example.org\n"
    [user] = users()
    assert (user.email, user.name, user.is_admin) == ("bo@example.org", "Bo Berg", True)


def test_create_admin_without_password_prompts_twice(run, client):
    result = run("create-admin", "root@example.org", input=f"{STRONG}\n{STRONG}\n")
    assert result.exit_code == 0, result.output
    assert result.output.count("Password") == 1 and "Repeat for confirmation" in result.output
    assert STRONG not in result.output  # the prompt hides what is typed
    assert result.output.endswith("Created admin root@example.org\n")
    assert can_log_in(client, "root@example.org", STRONG)


def test_create_admin_prompt_mismatch_creates_nothing(run):
    result = run("create-admin", "root@example.org", input=f"{STRONG}\nsomething else\n")
    assert result.exit_code != 0
    assert "do not match" in result.output
    assert users() == []


def test_create_admin_weak_password_fails_with_clear_message(run):
    result = run("create-admin", "root@example.org", "--password", "short")
    assert result.exit_code == 1
    assert result.output == "Error: Use at least 10 characters.\n"
    assert users() == []


def test_create_admin_bad_email_fails_with_clear_message(run):
    result = run("create-admin", "not-an-email", "--password", STRONG)
    assert result.exit_code == 1
    assert result.output == "Error: Enter a valid email address.\n"
    assert users() == []


# --- demo -------------------------------------------------------------------------------

def test_demo_twice_creates_the_accounts_once(run, client):
    first = run("demo")
    assert first.exit_code == 0, first.output
    assert "created admin@example.org" in first.output
    assert "created organiser@example.org" in first.output
    assert first.output.rstrip().endswith(f"Demo accounts use the password: {DEFAULT_PASSWORD}")

    second = run("demo")
    assert second.exit_code == 0, second.output
    assert "created" not in second.output
    assert "exists  admin@example.org" in second.output
    assert f"Demo accounts use the password: {DEFAULT_PASSWORD}" in second.output

    accounts = {u.email: u.is_admin for u in users()}
    participants = {f"participant{n}@example.org": False for n in range(1, 151)}
    assert accounts == {"admin@example.org": True, "organiser@example.org": False, **participants}
    assert can_log_in(client, "admin@example.org", DEFAULT_PASSWORD)
    assert can_log_in(client, "participant42@example.org", DEFAULT_PASSWORD)


def test_demo_with_password_lets_new_accounts_log_in_with_it(run, client):
    result = run("demo", "--password", "other-password-123")
    assert result.exit_code == 0, result.output
    assert "Demo accounts use the password: other-password-123" in result.output
    assert can_log_in(client, "admin@example.org", "other-password-123")
    assert can_log_in(client, "organiser@example.org", "other-password-123")


def test_demo_with_password_resets_existing_accounts(run, client):
    run("demo")
    result = run("demo", "--password", "other-password-123")
    assert result.exit_code == 0, result.output
    assert can_log_in(client, "organiser@example.org", "other-password-123")
    assert not can_log_in(client, "organiser@example.org", DEFAULT_PASSWORD)
    assert can_log_in(client, "participant7@example.org", "other-password-123")
    assert len(users()) == 152


def test_demo_without_password_keeps_changed_passwords(run, client):
    run("demo")
    organiser = db.session.scalar(select(User).where(User.email == "organiser@example.org"))
    organiser.password_hash = passwords.hash_password(PASSWORD)
    db.session.commit()
    run("demo")
    assert can_log_in(client, "organiser@example.org", PASSWORD)


# --- send-mail --------------------------------------------------------------------------

def queue(to: str) -> None:
    mail.queue_mail(to, "Hello", "password_reset", user=type("U", (), {"name": "Bo"})(),
                    token="tok", max_age_minutes=60)
    db.session.commit()


def test_send_mail_delivers_queued_messages(run, mailbox):
    queue("a@example.org")
    queue("b@example.org")
    result = run("send-mail")
    assert result.exit_code == 0, result.output
    assert result.output == "sent 2, failed 0\n"
    assert sorted(m["To"] for m in mailbox.messages) == ["a@example.org", "b@example.org"]
    assert [m.status for m in db.session.scalars(select(OutboxMessage))] == ["sent", "sent"]


def test_send_mail_with_nothing_queued_reports_zero(run, mailbox):
    result = run("send-mail")
    assert (result.exit_code, result.output) == (0, "sent 0, failed 0\n")


def test_send_mail_all_failed_exits_non_zero(run, mailbox):
    queue("a@example.org")
    mailbox.fail_next = 1
    result = run("send-mail")
    assert result.exit_code == 1
    assert result.output == "sent 0, failed 1\n"
    [message] = db.session.scalars(select(OutboxMessage)).all()
    assert (message.status, message.attempts) == ("queued", 1)


def test_send_mail_partly_failed_reports_both(run, mailbox):
    queue("a@example.org")
    queue("b@example.org")
    mailbox.fail_next = 1
    result = run("send-mail")
    assert result.exit_code == 0
    assert result.output == "sent 1, failed 1\n"


def test_send_mail_limit_option(run, mailbox):
    for n in range(3):
        queue(f"p{n}@example.org")
    result = run("send-mail", "--limit", "2")
    assert result.output == "sent 2, failed 0\n"
    assert len(mailbox.messages) == 2


# --- check-seats ------------------------------------------------------------------------

def test_check_seats_all_match_exits_zero(run, make_user):
    from eventsys.registration import services
    from tests.registration.helpers import make_open_event
    event = make_open_event(in_person=2)
    for _ in range(3):
        services.register(event, make_user(), "in_person", consent_privacy=True)
    result = run("check-seats")
    assert (result.exit_code, result.output) == (0, "all counters match\n")


def test_check_seats_reports_each_drifted_counter_and_exits_one(run, make_user):
    from sqlalchemy import update

    from eventsys.groups import services as groups
    from eventsys.registration import services
    from eventsys.registration.models import RegistrationSettings
    from tests.registration.helpers import make_open_event
    owner = make_user()
    event = make_open_event(owner, in_person=2, online=None)
    services.register(event, make_user(), "in_person", consent_privacy=True)
    round_ = groups.create_round(event, {"title": "Day 1", "join_mode": "direct", "min_ranks": 1}, owner)
    group = groups.create_group(round_, {"title": "Soil", "format": "in_person", "in_person_seats": 4}, owner)
    db.session.execute(update(RegistrationSettings).values(in_person_taken=3, online_taken=1))
    group.in_person_taken = 2
    db.session.commit()
    result = run("check-seats")
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"event {event.slug} in_person: counter 3, seats held 1, capacity 2",
        f"event {event.slug} online: counter 1, seats held 0, capacity unlimited",
        f"group {event.slug} / Soil in_person: counter 2, seats held 0, capacity 4",
    ]


class StopLoop(Exception):
    """Raised from the patched sleep to end ``send-mail --loop`` after a few runs."""


def test_send_mail_loop_survives_bad_messages_and_failed_runs(run, mailbox, monkeypatch):
    from eventsys import cli
    queue("a@example.org")
    db.session.add(OutboxMessage(to_addr='"', subject="Mallory\r\nBcc: victim@example.com", body_text="x"))
    db.session.commit()
    queue("b@example.org")
    real_deliver, calls, sleeps = mail.deliver_due, [], []

    def deliver(limit):
        calls.append(limit)
        if len(calls) == 2:
            raise RuntimeError("database went away")
        return real_deliver(limit=limit)

    def sleep(seconds):
        sleeps.append(seconds)
        if len(sleeps) == 3:
            raise StopLoop()

    monkeypatch.setattr(mail, "deliver_due", deliver)
    monkeypatch.setattr(cli.time, "sleep", sleep)
    result = run("send-mail", "--loop", "--interval", "7")
    assert isinstance(result.exception, StopLoop), result.output
    assert (calls, sleeps) == ([200, 200, 200], [7.0, 7.0, 7.0])
    assert result.stdout == "sent 2, failed 1\n"
    assert result.stderr == "delivery run failed: RuntimeError('database went away')\n"
    assert sorted(m["To"] for m in mailbox.messages) == ["a@example.org", "b@example.org"]
    statuses = sorted((m.to_addr, m.status, m.attempts) for m in db.session.scalars(select(OutboxMessage)))
    assert statuses == [('"', "queued", 1), ("a@example.org", "sent", 1), ("b@example.org", "sent", 1)]
