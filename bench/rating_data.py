"""Data for the rating benchmarks (bench/run_rating_post.sh, bench/run_rating_stats.sh).

    .venv/bin/python bench/rating_data.py tokens 200000 FILE   # issue tokens, one per line to FILE
    .venv/bin/python bench/rating_data.py ratings 100000       # a month's ratings, rolled up;
                                                               # prints the month (YYYY-MM)
    .venv/bin/python bench/rating_data.py count-token-ratings  # ratings made with a token

Tokens are spread over the active windows, each naming the staff member seated there; the
ratings are spread over windows, staff and levels (mostly satisfied, as in a real hall) across
the days of this month so far, then the month is rolled up as beat would. Written with
``bulk_create``: the data is the pages' input, not what is measured.
"""

from __future__ import annotations

import datetime
import os
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hall.settings_production")

LEVEL_WEIGHTS = (
    ("very_satisfied", 60),
    ("satisfied", 25),
    ("basic", 9),
    ("dissatisfied", 4),
    ("very_dissatisfied", 2),
)


def _seats():
    from windows.models import Window

    windows = list(Window.objects.filter(active=True).order_by("number"))
    seated: dict[int, list[int]] = {}
    from staff.models import StaffMember

    for pk, window_id in StaffMember.objects.filter(active=True, window__isnull=False).values_list(
        "pk", "window_id"
    ):
        seated.setdefault(window_id, []).append(pk)
    return windows, seated


def tokens(n: int, path: str) -> None:
    from complaints.models import RatingToken
    from complaints.ratings import new_secret

    windows, seated = _seats()
    rng = random.Random(5)
    made = []
    for i in range(n):
        w = windows[i % len(windows)]
        staff = seated.get(w.pk)
        made.append(
            RatingToken(token=new_secret(), window=w, staff_id=rng.choice(staff) if staff else None)
        )
    RatingToken.objects.bulk_create(made, batch_size=5000)
    Path(path).write_text("".join(t.token + "\n" for t in made))


def ratings(n: int) -> None:
    from django.utils import timezone

    from complaints.models import Rating
    from complaints.rollups import rollup_refresh

    windows, seated = _seats()
    rng = random.Random(7)
    levels = [lvl for lvl, _w in LEVEL_WEIGHTS]
    weights = [w for _lvl, w in LEVEL_WEIGHTS]
    # This month when two days of it have passed, else last month (the page's month selector
    # shows it): either way a month of real ratings, none in the future.
    now = timezone.now()
    local = timezone.localtime(now)
    start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    if (local - start).days < 2:
        start = (start - datetime.timedelta(days=1)).replace(day=1)
    end = min(
        now - datetime.timedelta(hours=1), (start + datetime.timedelta(days=32)).replace(day=1)
    )
    span = int((end - start).total_seconds())
    batch = []
    for i in range(n):
        w = windows[i % len(windows)]
        staff = seated.get(w.pk)
        batch.append(
            Rating(
                window=w,
                department_id=w.department_id,
                staff_id=rng.choice(staff) if staff and rng.random() < 0.8 else None,
                level=rng.choices(levels, weights)[0],
                channel="qr",
                created_at=start + datetime.timedelta(seconds=rng.randrange(span)),
            )
        )
        if len(batch) == 5000:
            Rating.objects.bulk_create(batch)
            batch = []
    Rating.objects.bulk_create(batch)
    rollup_refresh(start.date())
    rollup_refresh(local.date())
    print(f"{start:%Y-%m}")


def count_token_ratings() -> None:
    from complaints.models import Rating

    print(Rating.objects.filter(channel="token").count())


def main(argv: list[str]) -> int:
    import django

    django.setup()
    what = argv[1]
    if what == "tokens":
        tokens(int(argv[2]), argv[3])
    elif what == "ratings":
        ratings(int(argv[2]))
    elif what == "count-token-ratings":
        count_token_ratings()
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
