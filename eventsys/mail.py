"""Mail outbox.

Services call :func:`queue_mail` inside their own transaction, so a message exists if and
only if the change that caused it was committed. ``eventsys send-mail`` delivers queued
messages over SMTP (or, in development without ``EVENTSYS_MAIL_URL``, writes ``.eml``
files). A failed send stays queued with its error and is retried with exponential backoff;
a message that cannot be built or sent ``MAIL_MAX_ATTEMPTS`` times is marked failed (shown
at /admin/outbox). One bad message never stops the others.
"""
from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import make_msgid, formatdate
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from flask import current_app, render_template
from flask_babel import force_locale
from jinja2 import TemplateNotFound
from sqlalchemy import ForeignKey, String, Text, func, or_, select, update
from sqlalchemy.orm import Mapped, mapped_column

from eventsys.extensions import db
from eventsys.inputrules import header_safe
from eventsys.timeutil import utcnow

QUEUED, SENT, FAILED = "queued", "sent", "failed"
# Not a stored status: a message still queued after an error (retried with backoff).
FAILING = "failing"
LEASE = timedelta(minutes=5)


class OutboxMessage(db.Model):
    __tablename__ = "outbox_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The event a message is about (None for account mail); its team sees it in the event's outbox.
    event_id: Mapped[int | None] = mapped_column(ForeignKey("event.id", ondelete="SET NULL"), index=True,
                                                 default=None)
    to_addr: Mapped[str] = mapped_column(String(254), index=True)
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text, default=None)
    status: Mapped[str] = mapped_column(String(16), default=QUEUED, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    locked_until: Mapped[datetime | None] = mapped_column(default=None)
    sent_at: Mapped[datetime | None] = mapped_column(default=None)

    @property
    def state(self) -> str:
        """sent, failed (given up), failing (queued after an error: it is retried) or queued."""
        if self.status in (SENT, FAILED):
            return self.status
        return FAILING if self.last_error else QUEUED


@dataclass(frozen=True)
class Letter:
    """Everything one message is made of, before it is rendered: built by one function per
    kind of mail, then either queued (``queue_letter``) or shown (``render_letter``)."""
    to: str
    subject: object  # str or lazy string, rendered in ``locale``
    template: str
    locale: str | None = None
    event: object | None = None
    context: dict = field(default_factory=dict)


@dataclass(frozen=True)
class RenderedMail:
    to: str
    subject: str
    body_text: str
    body_html: str | None
    locale: str


def render_letter(letter: Letter) -> RenderedMail:
    """Render ``emails/<template>.txt`` (and ``.html`` if present) in the letter's locale.
    Templates build links with ``url_for(..., _external=True)``: they point at BASE_URL."""
    context = dict(letter.context)
    context.setdefault("base_url", current_app.config["BASE_URL"].rstrip("/"))
    if letter.event is not None:
        context["event"] = letter.event
    locale = letter.locale or current_app.config["BABEL_DEFAULT_LOCALE"]
    with _url_context(), force_locale(locale):
        subject = str(letter.subject)
        text = render_template(f"emails/{letter.template}.txt", **context)
        try:
            html = render_template(f"emails/{letter.template}.html", **context)
        except TemplateNotFound:
            html = None
    return RenderedMail(letter.to, subject, text, html, locale)


def queue_letter(letter: Letter | None) -> OutboxMessage | None:
    """Render the letter and add it to the current transaction (None: nothing to send)."""
    if letter is None:
        return None
    rendered = render_letter(letter)
    message = OutboxMessage(to_addr=rendered.to, subject=rendered.subject, body_text=rendered.body_text,
                            body_html=rendered.body_html,
                            event_id=letter.event.id if letter.event is not None else None)
    db.session.add(message)
    return message


def queue_mail(to: str, subject, template: str, locale: str | None = None, event=None,
               **context) -> OutboxMessage:
    """Render a message in the recipient's ``locale`` and add it to the current transaction;
    the caller commits. ``event`` (also passed to the template) files it in that event's outbox."""
    return queue_letter(Letter(to, subject, template, locale, event, context))


def _url_context():
    """Links in mail come from ``BASE_URL``, never from the current request: its Host
    header is the sender's to choose (reset-link poisoning), and services, the CLI and
    jobs have no request at all."""
    return current_app.test_request_context(base_url=current_app.config["BASE_URL"].rstrip("/") + "/")


# --- transports -------------------------------------------------------------------------

@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    username: str | None
    password: str | None
    use_ssl: bool
    starttls: bool
    timeout: float


def parse_mail_url(url: str) -> SmtpSettings:
    """``smtp://user:pass@host:587?starttls=1`` or ``smtps://host:465``."""
    parts = urlsplit(url)
    if parts.scheme not in {"smtp", "smtps"} or not parts.hostname:
        raise ValueError(f"EVENTSYS_MAIL_URL must look like smtp://user:pass@host:587?starttls=1, not {url!r}")
    query = parse_qs(parts.query)
    flag = lambda name: query.get(name, ["0"])[0].lower() in {"1", "true", "yes", "on"}  # noqa: E731
    use_ssl = parts.scheme == "smtps"
    return SmtpSettings(
        host=parts.hostname, port=parts.port or (465 if use_ssl else 25),
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        use_ssl=use_ssl, starttls=flag("starttls"),
        timeout=float(query.get("timeout", ["20"])[0]),
    )


class SmtpTransport:
    """One SMTP connection for a batch of messages."""

    def __init__(self, settings: SmtpSettings):
        self.settings = settings
        self.client: smtplib.SMTP | None = None

    def __enter__(self):
        s = self.settings
        context = ssl.create_default_context()
        if s.use_ssl:
            self.client = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=context)
        else:
            self.client = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
            if s.starttls:
                self.client.starttls(context=context)
        if s.username:
            self.client.login(s.username, s.password or "")
        return self

    def send(self, message: EmailMessage) -> None:
        self.client.send_message(message)

    def __exit__(self, *exc):
        if self.client is not None:
            try:
                self.client.quit()
            except (smtplib.SMTPException, OSError):
                self.client.close()


class FileTransport:
    """Development: each message becomes an ``.eml`` file under the instance folder."""

    def __init__(self, directory: str):
        self.directory = Path(directory)

    def __enter__(self):
        self.directory.mkdir(parents=True, exist_ok=True)
        return self

    def send(self, message: EmailMessage) -> None:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        (self.directory / f"{stamp}-{message['X-Eventsys-Outbox-Id']}.eml").write_bytes(bytes(message))

    def __exit__(self, *exc):
        return None


def transport_from_config(config):
    if config.get("MAIL_URL"):
        return SmtpTransport(parse_mail_url(config["MAIL_URL"]))
    return FileTransport(config["MAIL_FILE_DIR"])


# --- delivery ---------------------------------------------------------------------------

@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0


def build_email(msg: OutboxMessage, sender: str) -> EmailMessage:
    # Rows written before titles were checked may hold line breaks: a header never gets one.
    email = EmailMessage()
    email["From"] = header_safe(sender)
    email["To"] = header_safe(msg.to_addr)
    email["Subject"] = header_safe(msg.subject)
    email["Date"] = formatdate(localtime=False)
    email["Message-ID"] = make_msgid(idstring=f"outbox-{msg.id}", domain="eventsys.local")
    email["X-Eventsys-Outbox-Id"] = str(msg.id)
    email.set_content(msg.body_text)
    if msg.body_html:
        email.add_alternative(msg.body_html, subtype="html")
    return email


def backoff(attempts: int, cap_seconds: int) -> timedelta:
    """1 min, 2, 4, 8 … capped: a message is never dropped, only retried less often."""
    return timedelta(seconds=min(60 * 2 ** max(attempts - 1, 0), cap_seconds))


def _claim(message_id: int, now: datetime) -> bool:
    """Take a lease on one message so that two senders never deliver it twice."""
    result = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == QUEUED,
               or_(OutboxMessage.locked_until.is_(None), OutboxMessage.locked_until < now))
        .values(locked_until=now + LEASE)
    )
    db.session.commit()
    return result.rowcount == 1


def deliver_due(limit: int = 200, now: datetime | None = None) -> DeliveryReport:
    """Send every queued message whose time has come; record each outcome."""
    now = now or utcnow()
    config = current_app.config
    ids = db.session.scalars(
        select(OutboxMessage.id)
        .where(OutboxMessage.status == QUEUED, OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(limit)
    ).all()
    report = DeliveryReport()
    if not ids:
        return report
    claimed = [i for i in ids if _claim(i, now)]
    try:
        transport = transport_from_config(config).__enter__()
    except (OSError, smtplib.SMTPException, ValueError) as exc:
        for message_id in claimed:
            _record_failure(message_id, f"connection failed: {exc}", now)
        report.failed = len(claimed)
        return report
    try:
        for message_id in claimed:
            if _deliver_one(transport, message_id, config["MAIL_FROM"], now):
                report.sent += 1
            else:
                report.failed += 1
    finally:
        transport.__exit__(None, None, None)
    return report


def _deliver_one(transport, message_id: int, sender: str, now: datetime) -> bool:
    """Build and send one message. Any exception (a header that cannot be built, a refused
    recipient, a dropped connection, a bug) is this message's failure, never the batch's."""
    try:
        msg = db.session.get(OutboxMessage, message_id)
        transport.send(build_email(msg, sender))
        msg.status, msg.sent_at, msg.locked_until, msg.last_error = SENT, utcnow(), None, None
        msg.attempts += 1
        db.session.commit()
        return True
    except Exception as exc:  # noqa: BLE001  (one message must not stop the others)
        db.session.rollback()
        current_app.logger.warning("outbox message %s not sent: %r", message_id, exc)
        _record_failure(message_id, str(exc) or exc.__class__.__name__, now, may_give_up=True)
        return False


def _record_failure(message_id: int, error: str, now: datetime, may_give_up: bool = False) -> None:
    """Count the attempt and schedule the next one. A message that failed on its own
    (``may_give_up``: not a server that could not be reached) ``MAIL_MAX_ATTEMPTS`` times
    is marked failed; an admin can still retry it."""
    msg = db.session.get(OutboxMessage, message_id)
    if msg is None:  # deleted meanwhile (account deletion)
        return
    msg.attempts += 1
    msg.last_error = error[:2000]
    msg.locked_until = None
    msg.next_attempt_at = now + backoff(msg.attempts, current_app.config["MAIL_MAX_BACKOFF_SECONDS"])
    if may_give_up and msg.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]:
        msg.status = FAILED
    db.session.commit()


def retry_now(message: OutboxMessage) -> None:
    """Admin action: make a queued (or failed) message due immediately."""
    message.status = QUEUED
    message.next_attempt_at = utcnow()
    db.session.commit()


def _for_event(query, event_id: int | None):
    return query if event_id is None else query.where(OutboxMessage.event_id == event_id)


def outbox_counts(event_id: int | None = None) -> dict[str, int]:
    """Messages by status (queued, sent, failed), of one event or of the whole site."""
    query = _for_event(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status), event_id)
    return {status: count for status, count in db.session.execute(query)}


def event_mail_counts(event_id: int) -> dict[str, int]:
    """One event's mail by state: queued (waiting for its first send), failing (queued
    again after an error), failed (given up after MAIL_MAX_ATTEMPTS) and sent."""
    has_error = OutboxMessage.last_error.is_not(None)
    rows = db.session.execute(select(OutboxMessage.status, has_error, func.count())
                              .where(OutboxMessage.event_id == event_id).group_by(OutboxMessage.status, has_error))
    counts = {QUEUED: 0, FAILING: 0, FAILED: 0, SENT: 0}
    for status, has_failed, count in rows:
        if status in (SENT, FAILED):
            counts[status] += count
        else:
            counts[FAILING if has_failed else QUEUED] += count
    return counts


def outbox_page(status: str, page: int, per_page: int, event_id: int | None = None):
    """One page of the outbox, newest first, optionally only ``queued``, ``sent`` or ``failed``, of one
    event or of the whole site."""
    query = _for_event(select(OutboxMessage).order_by(OutboxMessage.id.desc()), event_id)
    if status in (QUEUED, SENT, FAILED):
        query = query.where(OutboxMessage.status == status)
    return db.paginate(query, page=page, per_page=per_page, error_out=False)
