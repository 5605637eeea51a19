"""Small builders for tests: users, and a login helper that goes through the real form."""
from __future__ import annotations

import itertools

import pytest

from eventsys.auth import passwords
from eventsys.auth.models import User
from eventsys.extensions import db
from eventsys.timeutil import utcnow

PASSWORD = "correct horse battery"
_counter = itertools.count(1)


@pytest.fixture
def make_user(app):
    def build(email: str | None = None, password: str = PASSWORD, **fields) -> User:
        n = next(_counter)
        fields.setdefault("name", f"User {n}")
        # Tests build verified accounts unless they ask for an unverified one.
        fields.setdefault("email_verified_at", utcnow())
        user = User(email=email or f"user{n}@example.org",
                    password_hash=passwords.hash_password(password), **fields)
        db.session.add(user)
        db.session.commit()
        return user
    return build


@pytest.fixture
def login():
    def do(client, user, password: str = PASSWORD, remember: bool = False):
        response = client.post("/auth/login", data={"email": user.email, "password": password,
                                                     "remember": "y" if remember else ""})
        assert response.status_code == 302, response.data[:500]
        return response
    return do
