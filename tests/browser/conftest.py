"""Browser tests: Playwright driving Debian's Chromium (/usr/bin/chromium) against the app
served on a free loopback port, with CSRF on, as a person would use it.

CI installs Chromium (.ci/run) and Playwright (the test extras). On a machine without
them these tests are skipped with the reason."""
from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
SCREENSHOTS = Path(os.environ.get("EVENTSYS_SCREENSHOTS", "")) if os.environ.get("EVENTSYS_SCREENSHOTS") else None


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def live_app(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.config["LIVE_URL"] = f"http://127.0.0.1:{server.server_port}"
    with app.app_context():
        yield app
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def page(browser, live_app):
    context = browser.new_context(base_url=live_app.config["LIVE_URL"], locale="en-GB",
                                  timezone_id="Europe/London")
    page = context.new_page()
    errors = []
    def on_console(msg):
        # A form re-rendered with its errors answers 400 on purpose; Chromium logs that.
        if msg.type == "error" and "status of 400" not in msg.text:
            errors.append(msg.text)
    page.on("console", on_console)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.console_errors = errors
    yield page
    context.close()


def snap(page, name: str) -> None:
    """Save a full-page screenshot when EVENTSYS_SCREENSHOTS names a folder (for review)."""
    if SCREENSHOTS:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def sign_up_and_confirm(page, mailbox, name: str, email: str, password: str = "a long enough password") -> None:
    """Fill the sign-up form on the current page as a person does, then open the
    confirmation link from the mail the local SMTP server captured."""
    from eventsys.mail import deliver_due

    page.get_by_label("Full name").fill(name)
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label("Repeat the password").fill(password)
    page.get_by_label("Stakeholder group").select_option("patient_organisation")
    page.get_by_role("button", name="Create account").click()
    assert page.get_by_role("heading", name="Check your inbox").is_visible()
    assert deliver_due().sent == 1
    [message] = mailbox.to(email)
    [link] = mailbox.links(message)
    page.goto(link.removeprefix("http://localhost"))
