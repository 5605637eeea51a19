"""Reading a response as a person reads the page: its text, the error under a field, the
flashed messages."""
from __future__ import annotations

import html
import re


def text(response) -> str:
    """The page with HTML entities decoded."""
    return html.unescape(response.get_data(as_text=True))


def readable_text(response) -> str:
    """``text`` with Babel's narrow no-break space (before AM/PM) as a plain space."""
    return text(response).replace("\u202f", " ")


def field_error(response, field: str) -> str:
    """The error text shown under a form field (the macro gives it id="<field>-error")."""
    match = re.search(rf'<div id="{field}-error"[^>]*>(.*?)</div>', readable_text(response), re.S)
    assert match, f"no error shown at {field}"
    return match.group(1).strip()


def flashes(response) -> list[str]:
    """The flashed messages, in order."""
    return [m.strip() for m in re.findall(r'<div class="alert alert-\w+ alert-dismissible[^>]*>\s*(.*?)\s*<button',
                                          readable_text(response), re.S)]
