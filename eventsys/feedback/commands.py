"""``eventsys`` commands of the feedback feature (registered in eventsys/cli.py)."""
from __future__ import annotations

import click
from flask.cli import with_appcontext


@click.command("send-feedback-requests")
@click.option("--delay", type=click.IntRange(min=0), default=None,
              help="Minutes after a session ends (default: FEEDBACK_REQUEST_DELAY_MINUTES, 5).")
@with_appcontext
def send_feedback_requests_command(delay: int | None):
    """Email "your feedback please" to the people who attended sessions that have ended and
    whose form is open. Each person is asked once per form: safe to run every few minutes."""
    from eventsys.feedback.requests import send_feedback_requests

    report = send_feedback_requests(delay_minutes=delay)
    click.echo(f"asked {report.people} people for {report.forms} forms")


@click.command("create-feedback-forms")
@click.argument("slug")
@with_appcontext
def create_feedback_forms_command(slug: str):
    """Give the event SLUG its default feedback forms: one for the event and one for each
    plenary, keynote, panel and working-group session that has none (safe to run again)."""
    from eventsys.events.reading import get_event_by_slug
    from eventsys.feedback.services import ensure_default_forms
    from eventsys.permissions import SYSTEM

    event = get_event_by_slug(slug)
    if event is None:
        raise click.ClickException(f"No event with the slug {slug!r}.")
    click.echo(f"created {ensure_default_forms(event, SYSTEM)} feedback forms for {event.slug}")


COMMANDS = (send_feedback_requests_command, create_feedback_forms_command)
