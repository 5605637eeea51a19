"""The ``eventsys`` command: Flask's CLI with the app preloaded, plus our own commands."""
from __future__ import annotations

import sys
import time

import click
from flask import Flask
from flask.cli import FlaskGroup, with_appcontext

from eventsys.config import ConfigError


@click.command("create-admin")
@click.argument("email")
@click.option("--password", help="The password (prompted for, hidden, when omitted).")
@click.option("--name", help="Display name (defaults to the part before @).")
@with_appcontext
def create_admin_command(email: str, password: str | None, name: str | None):
    """Create a site administrator, or promote an existing account."""
    from eventsys.auth.services import create_admin
    from eventsys.errors import ValidationError

    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user, created = create_admin(email, password, name)
    except ValidationError as error:
        raise click.ClickException(str(error.message)) from error
    click.echo(f"{'Created' if created else 'Promoted'} admin {user.email}")


@click.command("send-mail")
@click.option("--loop", is_flag=True, help="Keep running, delivering every --interval seconds.")
@click.option("--interval", default=30.0, show_default=True, help="Seconds between runs with --loop.")
@click.option("--limit", default=200, show_default=True, help="Messages per run.")
@with_appcontext
def send_mail_command(loop: bool, interval: float, limit: int):
    """Deliver queued mail (SMTP, or .eml files in development without EVENTSYS_MAIL_URL)."""
    while True:
        report = deliver_once(limit, keep_going=loop)
        if report.sent or report.failed or not loop:
            click.echo(f"sent {report.sent}, failed {report.failed}")
        if not loop:
            sys.exit(1 if report.failed and not report.sent else 0)
        time.sleep(interval)


def deliver_once(limit: int, keep_going: bool):
    """One run of ``send-mail``. With ``keep_going`` (``--loop``) even an unexpected error
    (the database gone for a moment) is reported and the next run tries again: the worker
    never exits because of one message or one run."""
    from eventsys.extensions import db
    from eventsys.mail import DeliveryReport, deliver_due

    try:
        return deliver_due(limit=limit)
    except Exception as exc:  # noqa: BLE001
        if not keep_going:
            raise
        click.echo(f"delivery run failed: {exc!r}", err=True)
        return DeliveryReport()
    finally:
        db.session.remove()


@click.command("demo")
@click.option("--password", default=None, help="Password for every demo account.")
@click.option("--slots", type=click.IntRange(min=1), default=None,
              help="Generate the demo event at this size instead (for benchmarks).")
@click.option("--rooms", type=click.IntRange(min=1), default=None, help="Rooms, with --slots (default 10).")
@click.option("--days", type=click.IntRange(min=1), default=None, help="Days, with --slots (default 3).")
@click.option("--speakers", type=click.IntRange(min=1), default=None,
              help="Speakers, with --slots (default 250 from 100 slots, else 12).")
@with_appcontext
def demo_command(password: str | None, slots: int | None, rooms: int | None, days: int | None,
                 speakers: int | None):
    """Load the demo accounts, series and event (safe to run again: nothing is duplicated,
    an existing demo event is left as it is)."""
    from eventsys import demo

    explicit = password is not None
    password = password or demo.DEFAULT_PASSWORD
    try:
        summary = demo.load_demo(password, reset_passwords=explicit, slots=slots, rooms=rooms,
                                 days=days, speakers=speakers)
    except ValueError as error:
        raise click.UsageError(str(error)) from error
    for line in summary:
        click.echo(line)
    click.echo(f"Demo accounts use the password: {password}")


@click.command("check-seats")
@with_appcontext
def check_seats_command():
    """Recount every registration and working-group seat counter from the rows; print one
    line per counter that drifted and exit 1, or "all counters match" and exit 0."""
    from eventsys.seatcheck import check_seats

    drift = check_seats()
    for item in drift:
        click.echo(str(item))
    if drift:
        sys.exit(1)
    click.echo("all counters match")


def init_app(app: Flask) -> None:
    from eventsys.feedback.commands import COMMANDS as feedback_commands
    for command in (create_admin_command, send_mail_command, demo_command, check_seats_command,
                    *feedback_commands):
        app.cli.add_command(command)


def _create_app():
    from eventsys import create_app
    return create_app()


def main() -> None:
    cli = FlaskGroup(create_app=_create_app, help="eventsys: the Flask CLI with the app preloaded.")
    try:
        cli.main()
    except ConfigError as error:
        click.echo(str(error), err=True)
        sys.exit(1)
