import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from appraisal.services import month_close


class Command(BaseCommand):
    help = "Close an appraisal month (YYYY-MM): compute results and propose awards. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("month", help="the month to close, e.g. 2026-10")

    def handle(self, *args, month: str, **options):
        try:
            start = datetime.date.fromisoformat(f"{month}-01")
        except ValueError:
            raise CommandError(f"{month!r} is not a month like 2026-10") from None
        try:
            closed = month_close(start)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        results = closed.results.count()
        self.stdout.write(
            f"{closed} {closed.status}: {results} results, {closed.awards.count()} awards proposed"
        )
