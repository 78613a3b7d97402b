"""Print the name of the first staff member the staff list shows on its first page.

The benchmark looks for this text in ``GET /staff/`` before measuring, so that a redirect to
the login page or an empty list cannot pass for the real page. It reads the list through the
view's own queryset (``staff_members.filtered``), so the order is the page's order.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hall.settings_production")


def main() -> int:
    import django

    django.setup()

    from django.test import RequestFactory

    from staff.views import staff_members

    qs, *_rest = staff_members.filtered(RequestFactory().get("/staff/"))
    first = qs.first()
    if first is None:
        print("staff_name: the staff list is empty (was seed_demo run?)", file=sys.stderr)
        return 1
    print(first.name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
