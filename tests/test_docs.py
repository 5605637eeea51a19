"""The README points only inside the repository and documents every `eventsys` command."""
from __future__ import annotations

import re
from pathlib import Path

import click
from flask.cli import FlaskGroup, ScriptInfo

from eventsys import create_app

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_links_stay_inside_the_repository():
    targets = re.findall(r"\]\(([^)]+)\)", README) + re.findall(r"`((?:docs|bench|tests|eventsys)/[^`\s]+)`", README)
    local = [t for t in targets if not t.startswith(("http://", "https://", "mailto:"))]
    assert "../" not in README
    assert [t for t in local if not any(ROOT.glob(t.split("#")[0]))] == []
    assert (ROOT / "docs" / "architecture.md").exists()


def test_readme_documents_every_eventsys_command():
    group = FlaskGroup(create_app=lambda: create_app({"ENV_NAME": "testing"}))
    with click.Context(group, obj=ScriptInfo(create_app=group.create_app)) as ctx:
        commands = group.list_commands(ctx)
    assert "create-feedback-forms" in commands
    assert [c for c in commands if f"`eventsys {c}" not in README] == []
