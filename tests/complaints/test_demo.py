"""The demo's ratings: realistic, deterministic, written once however often the seed runs."""

from __future__ import annotations

import datetime

import pytest

from complaints.demo import DEFAULT_REASONS, seed_ratings
from complaints.models import BAD_LEVELS, Level, Rating, RatingReason, RatingToken
from tests.factories import StaffMemberFactory, WindowFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 4, 15)


@pytest.fixture
def small_hall(department):
    for n in range(6):
        StaffMemberFactory(window=WindowFactory(number=f"A{n + 1:02d}", department=department))


def snapshot():
    return list(
        Rating.objects.order_by("created_at", "window__number", "level", "comment").values_list(
            "window__number", "level", "created_at", "comment", "staff__employee_no"
        )
    )


def test_six_months_of_mostly_good_ratings_with_some_bad_ones_explained(small_hall):
    seed_ratings(rng_seed=7, today=TODAY)
    ratings = Rating.objects.all()
    months = {r.created_at.astimezone().strftime("%Y-%m") for r in ratings}
    assert len(months) == 7  # six past months and April so far
    good = ratings.filter(level__in=[Level.VERY_SATISFIED, Level.SATISFIED]).count()
    assert good / ratings.count() > 0.75
    bad = ratings.filter(level__in=BAD_LEVELS)
    assert bad.exists()
    assert all(r.reasons.exists() for r in bad)
    assert bad.exclude(comment="").exists()
    assert not ratings.filter(created_at__date__gte=TODAY).exists()


def test_token_ratings_name_the_staff_member_and_spend_their_token(small_hall):
    seed_ratings(rng_seed=7, today=TODAY)
    tokened = Rating.objects.filter(channel="token")
    assert tokened.exists()
    assert not tokened.filter(staff__isnull=True).exists()
    assert RatingToken.objects.filter(rating__isnull=True).count() == 0


def test_a_second_run_writes_nothing(small_hall):
    first = seed_ratings(rng_seed=7, today=TODAY)
    assert first.created["ratings"] > 0
    before = (Rating.objects.count(), RatingReason.objects.count())
    second = seed_ratings(rng_seed=7, today=TODAY)
    assert second.created["ratings"] == 0 and second.created["rating reasons"] == 0
    assert (Rating.objects.count(), RatingReason.objects.count()) == before
    assert before[1] == len(DEFAULT_REASONS)


def test_the_same_seed_draws_the_same_ratings(small_hall):
    seed_ratings(rng_seed=7, today=TODAY)
    first = snapshot()
    Rating.objects.all().delete()
    RatingToken.objects.all().delete()
    seed_ratings(rng_seed=7, today=TODAY)
    assert snapshot() == first


def test_an_edited_reason_is_kept_by_the_next_run(small_hall):
    seed_ratings(rng_seed=7, today=TODAY)
    RatingReason.objects.filter(code="D01").update(title="排队太久")
    seed_ratings(rng_seed=7, today=TODAY)
    assert RatingReason.objects.get(code="D01").title == "排队太久"
