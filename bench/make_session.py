"""Print a session key for a user, so the benchmark can skip the login form.

The login form is CSRF-protected and throttled by django-axes, which is right for people and
wrong for a load generator. This writes the same session the login view would write (the three
standard auth keys) straight into the database session store and prints its key.

Run with the benchmark's environment (DJANGO_SETTINGS_MODULE, DATABASE_URL, ...):

    .venv/bin/python bench/make_session.py admin
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hall.settings_production")


def main(argv: list[str]) -> int:
    import django

    django.setup()

    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.sessions.backends.db import SessionStore

    username = argv[1] if len(argv) > 1 else "admin"
    try:
        user = get_user_model().objects.get(username=username, is_active=True)
    except get_user_model().DoesNotExist:
        print(f"make_session: no active user {username!r}", file=sys.stderr)
        return 1

    session = SessionStore()
    session[SESSION_KEY] = user._meta.pk.value_to_string(user)
    session[BACKEND_SESSION_KEY] = "hall.backends.HallBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()  # saves, and gives the session its key
    print(session.session_key)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
