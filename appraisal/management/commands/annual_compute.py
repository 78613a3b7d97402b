from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from appraisal.annual import annual_compute
from appraisal.models import AnnualAppraisal


class Command(BaseCommand):
    help = (
        "(Re)compute a year's annual appraisal (年度考核) from its published and final months. "
        "Idempotent; refused once the year is locked."
    )

    def add_arguments(self, parser):
        parser.add_argument("year", type=int, help="the year, e.g. 2026")

    def handle(self, *args, year: int, **options):
        try:
            y = annual_compute(year, author=None)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        rows = list(y.rows.values_list("grade", flat=True))
        counts = ", ".join(
            f"{label} {rows.count(value)}" for value, label in AnnualAppraisal.Grade.choices
        )
        self.stdout.write(f"{y.year} {y.status}: {len(rows)} staff graded ({counts})")
