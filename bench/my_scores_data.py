"""Give the demo staff member a realistic "My scores" page, and print their login and name.

After ``seed_demo`` the demo staff member (``hall.demo_data.DEMO_STAFF_NO``) has the six
demo months. A member who has worked in the hall for a year sees more: this tops their
current month up to ``--entries`` entries (default 20, some reversed, authors from the demo
logins) and adds final months before the demo's first one, with results for every staff
member, until ``--months`` (default 12) months are published or final — so the page shows a
full 12-month trend chart and list. Written with ``bulk_create``: the data is the page's
input, not what is measured. Idempotent.

Run with the benchmark's environment (``bench/run_my_scores.sh`` does):

    .venv/bin/python bench/my_scores_data.py          # prints "<username>\\t<name>"
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import sys
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hall.settings_production")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=20)
    parser.add_argument("--months", type=int, default=12)
    args = parser.parse_args(argv[1:])

    import django

    django.setup()

    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from appraisal import scoring
    from appraisal.models import AppraisalMonth, MonthlyResult, Rule, ScoreEntry
    from appraisal.rulebooks import rules_in_force
    from appraisal.services import month_get
    from hall import demo_data
    from staff.models import StaffMember

    rng = random.Random(2026)
    member = StaffMember.objects.select_related("user").get(employee_no=demo_data.DEMO_STAFF_NO)
    today = timezone.localdate()
    current = today.replace(day=1)
    authors = list(get_user_model().objects.filter(username__in=["admin", "supervisor"]))

    with transaction.atomic():
        # -- the current month: up to --entries entries, a few of them reversed
        month = month_get(current)
        have = ScoreEntry.objects.filter(staff=member, month=month).count()
        rules = [r for r in rules_in_force(today)[1] if r.applies_to == Rule.Subject.STAFF]
        days = [current + datetime.timedelta(days=i) for i in range((today - current).days + 1)]
        new = []
        for i in range(max(0, args.entries - have)):
            rule = rng.choice(rules)
            points = rule.min_points
            if rule.max_points != rule.min_points:
                points += Decimal(rng.randint(0, int(rule.max_points - rule.min_points)))
            new.append(
                ScoreEntry(
                    staff=member,
                    rule=rule,
                    points=points,
                    occurred_on=rng.choice(days),
                    month=month,
                    evidence=f"值班记录 第{i + 1}条：{rule.title}",
                    source=rng.choice([ScoreEntry.Source.MANUAL, ScoreEntry.Source.DUTY_LOG]),
                    author=rng.choice(authors) if authors else None,
                )
            )
        ScoreEntry.objects.bulk_create(new)
        reversed_ = [e for e in new[:: max(1, len(new) // 2)] if e.points < 0][:2]
        ScoreEntry.objects.bulk_create(
            ScoreEntry(
                staff=member,
                rule=e.rule,
                points=-e.points,
                occurred_on=today,
                month=month,
                source=ScoreEntry.Source.MANUAL,
                reverses=e,
                reason="经核实撤销",
                author=e.author,
            )
            for e in reversed_
        )

        # -- earlier months, final, until --months are visible to staff
        visible = AppraisalMonth.objects.filter(
            status__in=[AppraisalMonth.Status.PUBLISHED, AppraisalMonth.Status.FINAL]
        )
        earliest = visible.order_by("month").values_list("month", flat=True).first() or current
        staff = list(StaffMember.objects.filter(active=True).order_by("employee_no"))
        missing = args.months - visible.count()
        start = earliest
        for _ in range(max(0, missing)):
            start = (start - datetime.timedelta(days=1)).replace(day=1)
            month, _created = AppraisalMonth.objects.get_or_create(
                month=start, defaults={"status": AppraisalMonth.Status.FINAL}
            )
            if MonthlyResult.objects.filter(month=month).exists():
                continue
            tallies = [
                scoring.Tally(
                    s.pk,
                    s.department_id,
                    s.employee_no,
                    Decimal(rng.choice([0, 0, 0, 1, 2, 3])),
                    Decimal(rng.choice([0, 0, 1, 1, 2, 5])),
                )
                for s in staff
            ]
            ranked = scoring.rank(tallies)
            stars = {r.tally.subject_id for r in ranked[: max(1, len(ranked) // 10)]}
            MonthlyResult.objects.bulk_create(
                (
                    MonthlyResult(
                        month=month,
                        staff_id=r.tally.subject_id,
                        department_id=r.tally.department_id,
                        additions=r.tally.additions,
                        deductions=r.tally.deductions,
                        total=r.tally.total,
                        rank_hall=r.rank_hall,
                        rank_department=r.rank_department,
                        bonus=scoring.bonus(
                            r.tally.total, base=Decimal("500"), per_point=Decimal("20")
                        ),
                        is_star=r.tally.subject_id in stars,
                    )
                    for r in ranked
                ),
                batch_size=1000,
            )
    print(f"{member.user.username}\t{member.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
