"""The PostgreSQL health check without a round trip (hall/postgresql/base.py)."""

from __future__ import annotations

import time

import pytest
from django.db import close_old_connections, connection
from django.test import Client
from django.urls import reverse

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the check is PostgreSQL's"),
]


def _get(url: str) -> int:
    # What a real server does at each request's start (the test client skips it): a
    # persistent connection is to be checked again before this request uses it.
    close_old_connections()
    return Client().get(url).status_code


def _terminate_from_outside(pid: int) -> None:
    import psycopg

    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])


@pytest.mark.django_db(transaction=True)
def test_a_connection_the_server_closed_is_replaced_before_a_request_uses_it(monkeypatch):
    assert _get(reverse("guide_catalogue")) == 200  # a persistent connection, checked, used
    assert connection.connection_alive()
    pid = connection.connection.info.backend_pid
    _terminate_from_outside(pid)
    deadline = time.monotonic() + 5
    while connection.connection_alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not connection.connection_alive()
    # Never the round-trip check: is_usable is only for a connection that saw an error.
    monkeypatch.setattr(connection, "is_usable", lambda: pytest.fail("SELECT 1 was sent"))
    assert _get(reverse("guide_catalogue")) == 200
    assert connection.connection.info.backend_pid != pid


@pytest.mark.django_db(transaction=True)
def test_a_healthy_connection_is_kept_across_requests(monkeypatch):
    _get(reverse("guide_catalogue"))
    pid = connection.connection.info.backend_pid
    monkeypatch.setattr(connection, "is_usable", lambda: pytest.fail("SELECT 1 was sent"))
    for _ in range(3):
        assert _get(reverse("guide_catalogue")) == 200
    assert connection.connection.info.backend_pid == pid
