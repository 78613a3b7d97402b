"""PDF bench: the hall's monthly summary with 500 staff rows, through our ``render_pdf`` path
(template → HTML → WeasyPrint with the local-only URL fetcher) ÷ WeasyPrint alone rendering the
same HTML saved to a file (``weasyprint.HTML(filename=...).write_pdf()``), side by side in one
run, alternating, several rounds; the figure is the median of the per-round ratios.

    .venv/bin/python bench/pdf_summary.py            # ROUNDS=5 STAFF=500 WINDOWS=60 TARGET=1.2

The context is built in memory from synthetic rows of the same shape the selector returns
(``appraisal.reports.summary_context``), so no database is needed; the template, the
stylesheet, the fonts and the chart are the real ones. Exit status 0 when the median ratio
meets the target, 2 when it does not.
"""

from __future__ import annotations

import datetime
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hall.settings")

import django  # noqa: E402

django.setup()

from django.utils import timezone, translation  # noqa: E402

from appraisal import charts  # noqa: E402
from appraisal.models import AppraisalMonth, Award, MonthlyResult, Rule  # noqa: E402
from hall import pdf  # noqa: E402
from hall.models import HallProfile  # noqa: E402
from staff.models import StaffMember  # noqa: E402
from windows.models import Department, Window  # noqa: E402

ROUNDS = int(os.environ.get("ROUNDS", "5"))
STAFF = int(os.environ.get("STAFF", "500"))
WINDOWS = int(os.environ.get("WINDOWS", "60"))
TARGET = float(os.environ.get("TARGET", "1.2"))
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红梅建国晓文斌"
DEPARTMENTS = [
    "沙坪坝区发展和改革委员会",
    "重庆市工商行政管理局沙坪坝区分局",
    "沙坪坝区国家税务局",
    "沙坪坝区地方税务局",
    "重庆市公安局沙坪坝区分局",
    "沙坪坝区人力资源和社会保障局",
    "沙坪坝区卫生局",
    "沙坪坝区食品药品监督管理局",
    "沙坪坝区建设委员会",
    "重庆市规划局沙坪坝区分局",
    "沙坪坝区民政局",
    "沙坪坝区交通局",
]


def build_context() -> dict:
    rng = random.Random(2026)
    depts = [
        Department(pk=i + 1, name=n, short_name=n[-4:], code=f"D{i:02d}")
        for i, n in enumerate(DEPARTMENTS)
    ]
    windows = []
    for i in range(WINDOWS):
        d = depts[i % len(depts)]
        windows.append(
            Window(pk=i + 1, number=f"W{i + 1:02d}", name=f"{d.short_name}综合窗口", department=d)
        )
    staff_rows, window_rows = [], []
    for i in range(STAFF):
        d = depts[i % len(depts)]
        s = StaffMember(
            pk=i + 1,
            employee_no=f"S{i + 1:04d}",
            name=rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
            department=d,
        )
        add = Decimal(rng.choice([0, 0, 0, 1, 2, 3]))
        ded = Decimal(rng.choice([0, 0, 0, 1, 2, 5]))
        staff_rows.append(
            MonthlyResult(
                staff=s, department=d, additions=add, deductions=ded, total=100 + add - ded
            )
        )
    for w in windows:
        add = Decimal(rng.choice([0, 0, 2]))
        ded = Decimal(rng.choice([0, 1, 2]))
        window_rows.append(
            MonthlyResult(
                window=w,
                department=w.department,
                additions=add,
                deductions=ded,
                staff_share=Decimal("0.3"),
                total=100 + add - ded + Decimal("0.3"),
            )
        )
    for rows in (staff_rows, window_rows):
        rows.sort(key=lambda r: -r.total)
        for rank, r in enumerate(rows, 1):
            r.rank_hall = r.rank_department = rank
            r.bonus = Decimal("500") + (r.total - 100) * 20
    stars = staff_rows[: max(1, STAFF // 10)]
    for r in stars:
        r.is_star = True
    window_rows[0].is_banner = True
    month = AppraisalMonth(month=datetime.date(2026, 10, 1), status=AppraisalMonth.Status.CLOSED)
    awards = [
        Award(kind=Award.Kind.SERVICE_STAR, staff=r.staff, reason=f"服务明星：总分 {r.total}")
        for r in stars
    ]
    banner = Award(
        kind=Award.Kind.CIVILISED_WINDOW, window=window_rows[0].window, reason="流动文明窗口标兵"
    )
    labels = dict(Rule.Category.choices)
    deductions = [
        {
            "label": labels[c],
            "points": Decimal(rng.randint(5, 40)),
            "count": rng.randint(3, 30),
            "rules": [
                {"code": f"S-{i:02d}", "title": "上班时间擅离岗位", "points": 2, "count": 3}
                for i in range(3)
            ],
        }
        for c in Rule.Category.values[:6]
    ]
    trend = [
        (datetime.date(2025 + (m + 10) // 12, (m + 10) % 12 + 1, 1), Decimal(99) + m % 3)
        for m in range(12)
    ]
    return {
        "hall_profile": HallProfile(pk=1, name="沙坪坝区行政审批服务大厅"),
        "seal_uri": "",
        "m": month,
        "doc_title": "2026-10 月度考核情况通报",
        "printed_at": timezone.localtime(),
        "staff_rows": staff_rows,
        "window_rows": window_rows,
        "stars": awards,
        "banners": [banner],
        "ledger": {"count": 1234, "additions": Decimal("310"), "deductions": Decimal("420")},
        "average": Decimal("99.8"),
        "deductions": deductions,
        "chart": charts.trend_svg(trend, title="近 12 个月", width=640, height=200),
    }


def main() -> int:
    import weasyprint

    translation.activate("zh-hans")
    context = build_context()
    template = "appraisal/pdf/summary.html"
    html = pdf.render_html(template, context)
    with tempfile.TemporaryDirectory() as tmp:
        html_file = Path(tmp) / "summary.html"
        html_file.write_text(html, encoding="utf-8")
        # Warm-up: fonts, imports and caches for both paths.
        ours_pdf = pdf.render_pdf(template, context)
        plain_pdf = weasyprint.HTML(filename=str(html_file)).write_pdf()
        ours_t, plain_t, ratios, cpu_ratios = [], [], [], []
        for i in range(ROUNDS):
            c0, t0 = time.process_time(), time.perf_counter()
            pdf.render_pdf(template, context)
            c1, t1 = time.process_time(), time.perf_counter()
            weasyprint.HTML(filename=str(html_file)).write_pdf()
            c2, t2 = time.process_time(), time.perf_counter()
            cpu_ratios.append((c1 - c0) / (c2 - c1))
            ours_t.append(t1 - t0)
            plain_t.append(t2 - t1)
            ratios.append((t1 - t0) / (t2 - t1))
            print(
                f"[bench] round {i + 1}: ours {t1 - t0:.2f}s  weasyprint {t2 - t1:.2f}s",
                file=sys.stderr,
            )
        a, b = Path(tmp) / "ours.pdf", Path(tmp) / "plain.pdf"
        a.write_bytes(ours_pdf)
        b.write_bytes(plain_pdf)
        info = [
            subprocess.run(["pdfinfo", str(p)], capture_output=True, text=True).stdout
            for p in (a, b)
        ]
    page_counts = [
        next(ln.split()[-1] for ln in i.splitlines() if ln.startswith("Pages:")) for i in info
    ]
    load = os.getloadavg()
    median = statistics.median(ratios)
    print("=== Hall benchmark: PDF of the monthly summary ===")
    print(f"date          {timezone.localtime():%Y-%m-%d %H:%M}")
    print(
        f"machine       {os.cpu_count()} CPUs, "
        f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )
    print(
        f"data          {STAFF} staff rows, {WINDOWS} window rows; pages ours/plain: "
        f"{page_counts[0]}/{page_counts[1]}; {len(html) // 1024} KiB of HTML"
    )
    print(
        f"ours          render_pdf (template + WeasyPrint + url_fetcher) median "
        f"{statistics.median(ours_t):.2f}s  (runs: {' '.join(f'{t:.2f}' for t in ours_t)})"
    )
    print(
        f"plain         HTML(filename=...).write_pdf() median "
        f"{statistics.median(plain_t):.2f}s  (runs: {' '.join(f'{t:.2f}' for t in plain_t)})"
    )
    print(
        f"ratio ours / plain = {median:.3f} median of rounds "
        f"({' '.join(f'{r:.3f}' for r in ratios)}) (target <= {TARGET})"
    )
    print(
        f"cpu ratio     {statistics.median(cpu_ratios):.3f} median of rounds "
        f"({' '.join(f'{r:.3f}' for r in cpu_ratios)}): process CPU time, steadier on a busy "
        "machine"
    )
    ok = median <= TARGET and page_counts[0] == page_counts[1]
    print("RESULT:", "PASS" if ok else "FAIL")
    return 0 if ok else 2


if __name__ == "__main__":
    sys.exit(main())
