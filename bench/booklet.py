"""Booklet bench: the whole hall's bound booklet of 100 guides, through our pipeline from the
database to PDF bytes (``guides.printing.booklet_context`` — the editions, their materials,
steps and questions in four queries, a flowchart and a QR code per guide — then the template
and WeasyPrint with the local-only URL fetcher) ÷ WeasyPrint alone on the same HTML saved to a
file (``weasyprint.HTML(filename=...).write_pdf()``), side by side, alternating, several
rounds. The figure is pages per second, ours ÷ plain (the same pages both ways, so it is the
plain time ÷ ours); the median of the per-round ratios.

    .venv/bin/python bench/booklet.py        # ROUNDS=3 GUIDES=100 TARGET=0.85

The data: a throwaway SQLite database under var/ (removed afterwards), migrated, with GUIDES
published guides made from the demo's 24 (``guides.demo_data``) — each copied to items of as
many departments as needed, with the same legal bases, materials, steps and questions. Exit
status 0 when the median ratio meets the target and the page counts agree, 2 otherwise.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORK = Path(tempfile.mkdtemp(prefix="bench-booklet-", dir=ROOT / "var"))
os.environ["DATABASE_URL"] = f"sqlite:///{WORK / 'booklet.sqlite3'}"
os.environ.pop("REDIS_URL", None)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hall.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.utils import timezone, translation  # noqa: E402

ROUNDS = int(os.environ.get("ROUNDS", "3"))
GUIDES = int(os.environ.get("GUIDES", "100"))
TARGET = float(os.environ.get("TARGET", "0.85"))


def build() -> list[int]:
    from guides.demo_data import GUIDES as SPECS
    from guides.models import (
        ApprovalItem,
        GuideEdition,
        GuideFaq,
        GuideMaterial,
        GuideStep,
        ServiceGuide,
    )
    from hall.demo_data import DEPARTMENTS, HALL_PROFILE
    from hall.models import HallProfile
    from windows.models import Department

    call_command("migrate", verbosity=0)
    HallProfile.objects.update_or_create(pk=1, defaults={"name": HALL_PROFILE["name"]})
    author = get_user_model().objects.create(username="bench-editor")
    departments = [
        Department.objects.create(
            name=d.name, short_name=d.short_name, code=d.code, display_order=n
        )
        for n, d in enumerate(DEPARTMENTS)
    ]
    now = timezone.now()
    ids = []
    for n in range(GUIDES):
        spec = SPECS[n % len(SPECS)]
        department = departments[n % len(departments)]
        name = f"{spec.code} 示例事项{n + 1:03d}"
        item = ApprovalItem.objects.create(
            code=f"B-{n + 1:03d}", name=name, department=department, statutory_days=20
        )
        guide = ServiceGuide.objects.create(item=item)
        edition = GuideEdition.objects.create(
            guide=guide,
            number=1,
            status=GuideEdition.Status.PUBLISHED,
            author=author,
            published_at=now,
            item_code=item.code,
            item_name=name,
            department_name=department.name,
            legal_basis=spec.legal_basis,
            conditions=spec.conditions,
            statutory_days=20,
            promised_days=10,
            free_of_charge=not spec.fees,
            fees=spec.fees,
            fee_basis=spec.fee_basis,
            visits=spec.visits,
            place="沙坪坝区行政服务中心一楼",
            office_hours=HALL_PROFILE["office_hours"],
            enquiry_phone=HALL_PROFILE["enquiry_phone"],
            complaint_phone=HALL_PROFILE["complaint_phone"],
        )
        GuideMaterial.objects.bulk_create(
            GuideMaterial(
                edition=edition, order=i, name=m.name, form=m.form, copies=m.copies, notes=m.notes
            )
            for i, m in enumerate(spec.materials, 1)
        )
        GuideStep.objects.bulk_create(
            GuideStep(
                edition=edition,
                order=i,
                title=s.title,
                description=s.description,
                who=s.who,
                time=s.time,
            )
            for i, s in enumerate(spec.steps, 1)
        )
        GuideFaq.objects.bulk_create(
            GuideFaq(edition=edition, order=i, question=q, answer=a)
            for i, (q, a) in enumerate(spec.faqs, 1)
        )
        ids.append(edition.pk)
    return ids


def ours(ids: list[int]) -> bytes:
    """What ``render_booklet`` does for a document: data → context → HTML → PDF bytes."""
    from guides import printing
    from hall import pdf

    context = printing.booklet_context(ids, title="办事指南汇编")
    return pdf.render_pdf("guides/pdf/booklet.html", context)


def page_count(data: bytes, path: Path) -> int:
    path.write_bytes(data)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    return int(next(ln.split()[-1] for ln in info.splitlines() if ln.startswith("Pages:")))


def main() -> int:
    import weasyprint

    from guides import printing
    from hall import pdf

    translation.activate("zh-hans")
    t = time.perf_counter()
    ids = build()
    print(f"[bench] {len(ids)} guides written in {time.perf_counter() - t:.1f}s", file=sys.stderr)
    html = pdf.render_html(
        "guides/pdf/booklet.html", printing.booklet_context(ids, title="办事指南汇编")
    )
    html_file = WORK / "booklet.html"
    html_file.write_text(html, encoding="utf-8")
    # Warm-up: fonts, imports and caches for both paths.
    ours_pdf = ours(ids)
    plain_pdf = weasyprint.HTML(filename=str(html_file)).write_pdf()
    pages = (page_count(ours_pdf, WORK / "ours.pdf"), page_count(plain_pdf, WORK / "plain.pdf"))
    ours_t, plain_t, ratios, cpu_ratios = [], [], [], []
    for i in range(ROUNDS):
        c0, t0 = time.process_time(), time.perf_counter()
        ours(ids)
        c1, t1 = time.process_time(), time.perf_counter()
        weasyprint.HTML(filename=str(html_file)).write_pdf()
        c2, t2 = time.process_time(), time.perf_counter()
        ours_t.append(t1 - t0)
        plain_t.append(t2 - t1)
        ratios.append((t2 - t1) / (t1 - t0))  # pages/s ours ÷ pages/s plain
        cpu_ratios.append((c2 - c1) / (c1 - c0))
        print(
            f"[bench] round {i + 1}: ours {t1 - t0:.2f}s  weasyprint {t2 - t1:.2f}s",
            file=sys.stderr,
        )
    load = os.getloadavg()
    median = statistics.median(ratios)
    o, p = statistics.median(ours_t), statistics.median(plain_t)
    print("=== Hall benchmark: the hall's guide booklet ===")
    print(f"date          {timezone.localtime():%Y-%m-%d %H:%M}")
    print(
        f"machine       {os.cpu_count()} CPUs, "
        f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )
    print(
        f"data          {len(ids)} published guides (the demo's 24 repeated), pages ours/plain: "
        f"{pages[0]}/{pages[1]}; {len(html) // 1024} KiB of HTML"
    )
    print(
        f"ours          booklet_context + render_pdf median {o:.2f}s = {pages[0] / o:.1f} pages/s "
        f"(runs: {' '.join(f'{t:.2f}' for t in ours_t)})"
    )
    print(
        f"plain         HTML(filename=...).write_pdf() median {p:.2f}s = {pages[1] / p:.1f} "
        f"pages/s (runs: {' '.join(f'{t:.2f}' for t in plain_t)})"
    )
    print(
        f"ratio ours / plain pages per second = {median:.3f} median of rounds "
        f"({' '.join(f'{r:.3f}' for r in ratios)}) (target >= {TARGET})"
    )
    print(
        f"cpu ratio     {statistics.median(cpu_ratios):.3f} median of rounds "
        f"({' '.join(f'{r:.3f}' for r in cpu_ratios)}): process CPU time, steadier on a busy "
        "machine"
    )
    ok = median >= TARGET and pages[0] == pages[1]
    print("RESULT:", "PASS" if ok else "FAIL")
    return 0 if ok else 2


if __name__ == "__main__":
    try:
        sys.exit(main())
    finally:
        import shutil

        shutil.rmtree(WORK, ignore_errors=True)
