"""How long one receipt PDF takes: the notice the window prints while the applicant waits,
rendered inside the request (two A4 pages with the seal image). Needs the demo hall
(``manage.py seed_demo``); renders one notice of each kind ROUNDS times and prints the median
and the fastest, with the machine's load average.

    .venv/bin/python bench/receipt_pdf.py        # ROUNDS=7
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hall.settings")

import django  # noqa: E402

django.setup()

from django.utils import translation  # noqa: E402

from guides.models import Receipt  # noqa: E402
from guides.views_receipts import receipt_pdf_bytes  # noqa: E402
from hall.selectors import hall_profile  # noqa: E402

ROUNDS = int(os.environ.get("ROUNDS", "7"))


def main() -> None:
    translation.activate("zh-hans")
    print(f"seal uploaded: {bool(hall_profile().seal)}; load average {os.getloadavg()[0]:.2f}")
    for kind in Receipt.Kind.values:
        receipt = (
            Receipt.objects.filter(kind=kind, voided_at__isnull=True)
            .select_related("application__item__department", "application__window", "issued_by")
            .first()
        )
        if receipt is None:
            sys.exit("no notices: run manage.py seed_demo first")
        receipt_pdf_bytes(receipt)  # warm: fonts and templates loaded once per process
        times, size = [], 0
        for _ in range(ROUNDS):
            started = time.perf_counter()
            size = len(receipt_pdf_bytes(receipt))
            times.append((time.perf_counter() - started) * 1000)
        print(
            f"{kind:<11} median {statistics.median(times):6.0f} ms  fastest {min(times):6.0f} ms"
            f"  {size / 1024:.0f} KB"
        )
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
