"""Many citizens at once: one token, one rating, even when two submissions race."""

from __future__ import annotations

import queue
import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from complaints.models import Level, Rating, RatingToken
from complaints.ratings import token_issue

THREADS, TOKENS, REUSED = 20, 450, 50


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_500_racing_submissions_with_50_reused_tokens_store_exactly_450(window, reasons):
    if connection.vendor != "postgresql":
        pytest.skip("the race needs PostgreSQL's row locks and concurrent writers")
    tokens = [token_issue(window=window).token for _ in range(TOKENS)]
    work: queue.Queue[str] = queue.Queue()
    # Each reused token is sent twice, its two submissions next to each other so they race.
    for i, token in enumerate(tokens):
        work.put(token)
        if i < REUSED:
            work.put(token)
    statuses: list[int] = []
    lock = threading.Lock()
    barrier = threading.Barrier(THREADS)

    def citizen():
        client = Client()
        barrier.wait()
        try:
            while True:
                try:
                    token = work.get_nowait()
                except queue.Empty:
                    return
                response = client.post(
                    reverse("rating_token", args=[token]),
                    {"level": Level.SATISFIED, "reasons": ["S01"]},
                )
                with lock:
                    statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=citizen) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(statuses) == TOKENS + REUSED
    assert statuses.count(302) == TOKENS
    assert statuses.count(410) == REUSED  # refused with the "already rated" page
    assert Rating.objects.count() == TOKENS
    assert Rating.reasons.through.objects.count() == TOKENS
    assert not RatingToken.objects.filter(rating__isnull=True).exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_complaints_received_at_once_get_distinct_consecutive_case_numbers(admin_user):
    """Ten desks record five complaints each at the same moment: 50 numbers, none twice,
    none skipped (a number taken meanwhile is retried with the next one)."""
    from complaints.desk import Target, complaint_receive
    from complaints.models import Complaint

    if connection.vendor != "postgresql":
        pytest.skip("the race needs concurrent writers")
    barrier = threading.Barrier(10)
    errors: list[Exception] = []

    def desk_clerk():
        barrier.wait()
        try:
            for _ in range(5):
                complaint_receive(
                    actor=admin_user,
                    complainant="王先生",
                    target=Target("hall"),
                    facts="排队过久",
                    channel="phone",
                )
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=desk_clerk) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    seqs = sorted(Complaint.objects.values_list("seq", flat=True))
    assert seqs == list(range(1, 51))
