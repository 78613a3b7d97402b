"""The month-close benchmark: the real close against one raw SQL GROUP BY, at 1× and 10×.

Run it through ``bench/run_close.sh`` (which creates the database, sets the production
environment and drops the database afterwards); by hand, with that environment set:

    .venv/bin/python bench/close.py                       # 1× then 10×, 5 rounds each
    .venv/bin/python bench/close.py --scales 1 --rounds 9
    .venv/bin/python bench/close.py once 2026-10          # one close in this process (JSON)

For each scale (1× = 500 staff, 60 windows, 5,000 entries in one past month) it

1. builds the hall with ``bulk_create`` (users, departments, windows, staff, assignments, the
   demo rule books, the month's entries with some reversals), then ``VACUUM ANALYZE``;
2. alternates, round after round, the real close (``appraisal.services.month_close``, all of
   it) and one raw SQL statement computing the same totals (per subject: 100 + additions −
   deductions, entries netted per rule code as the close does), resetting the month to open
   and deleting its results and awards before each close; the order within a round alternates
   too (close first, then SQL first);
3. checks that both give the same subjects and totals (count, sum and a digest of every
   (subject, total) pair; for a window the close's total less its staff share, which is not
   part of "100 + additions − deductions");
4. times, each round, the close's own result rows written again (``INSERT … SELECT`` from a
   copy, then COMMIT; nothing computed) into MonthlyResult and into a copy of the table
   without its foreign keys: what storing the results costs on top of computing them;
5. closes the month once more in a fresh subprocess and reports its peak memory.

It prints the median close/SQL ratio (target ≤ 3), the write's ratios (no target: they show
how much of the 3 the stored rows alone take), the 10×/1× close-time ratio (≤ 12) and the
10× close's memory (< 300 MB). Exit status 0 when every target is met, 2 when one is missed.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import os
import random
import statistics
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hall.settings_production")

STAFF, WINDOWS, ENTRIES = 500, 60, 5000  # at 1×
DEPARTMENTS = 20
WINDOW_SHARE = 0.15  # of the entries, about windows rather than people
REVERSAL_SHARE = 0.02  # of the entries, reversed later in the month
MOVED_SHARE = 0.10  # of the staff, moved to another window in the middle of the month
TARGET_RATIO, TARGET_SCALING, TARGET_MB = 3.0, 12.0, 300.0

RAW_SQL = """
WITH net AS (
    SELECT e.staff_id, e.window_id, SUM(e.points) AS net
    FROM appraisal_scoreentry e JOIN appraisal_rule r ON r.id = e.rule_id
    WHERE e.month_id = %(month)s
    GROUP BY e.staff_id, e.window_id, r.code, r.disqualifies
)
SELECT 's', s.id,
       100 + COALESCE(SUM(GREATEST(n.net, 0)), 0) - COALESCE(SUM(GREATEST(-n.net, 0)), 0)
FROM staff_staffmember s LEFT JOIN net n ON n.staff_id = s.id
WHERE s.active AND s.joined_hall_on <= %(last_day)s
GROUP BY s.id
UNION ALL
SELECT 'w', w.id,
       100 + COALESCE(SUM(GREATEST(n.net, 0)), 0) - COALESCE(SUM(GREATEST(-n.net, 0)), 0)
FROM windows_window w LEFT JOIN net n ON n.window_id = w.id
WHERE w.active
GROUP BY w.id
"""


def log(message: str) -> None:
    print(f"[close] {message}", file=sys.stderr, flush=True)


def bench_month() -> datetime.date:
    """The month before the current one: in the past, so it may be closed."""
    from django.utils import timezone

    this = timezone.localdate().replace(day=1)
    return (this - datetime.timedelta(days=1)).replace(day=1)


# --- building the hall ---------------------------------------------------------------------


def wipe() -> None:
    from django.db import connection

    from appraisal.models import (
        Appeal,
        AppraisalMonth,
        Award,
        MonthlyResult,
        Rule,
        RuleBook,
        ScoreEntry,
    )
    from hall.models import AuditEntry
    from staff.models import Assignment, StaffMember
    from windows.models import Department, Window

    models = [
        Appeal,
        Award,
        MonthlyResult,
        ScoreEntry,
        AppraisalMonth,
        Rule,
        RuleBook,
        Assignment,
        StaffMember,
        Window,
        Department,
        AuditEntry,
    ]
    tables = ", ".join(m._meta.db_table for m in models) + ", auth_user"
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")


def build(scale: int, month_start: datetime.date, rng: random.Random) -> dict:
    """A hall of ``scale`` × (500 staff, 60 windows, 5,000 entries in ``month_start``)."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from appraisal.demo import rule_books
    from appraisal.models import AppraisalMonth, Rule, ScoreEntry
    from appraisal.rulebooks import rules_in_force
    from staff.models import Assignment, StaffMember
    from windows.models import Department, Window

    n_staff, n_windows, n_entries = STAFF * scale, WINDOWS * scale, ENTRIES * scale
    month = AppraisalMonth(month=month_start)
    last_day = month.last_day
    days = [month_start + datetime.timedelta(days=i) for i in range(last_day.day)]
    long_ago = month_start - datetime.timedelta(days=400)
    User = get_user_model()

    with transaction.atomic():
        wipe()
        rule_books()
        departments = Department.objects.bulk_create(
            Department(name=f"部门{d:02d}", short_name=f"部{d:02d}", code=f"D{d:02d}")
            for d in range(DEPARTMENTS)
        )
        windows = Window.objects.bulk_create(
            (
                Window(
                    number=f"W{i:04d}",
                    name=f"窗口{i:04d}",
                    department=departments[i % DEPARTMENTS],
                )
                for i in range(n_windows)
            ),
            batch_size=2000,
        )
        users = User.objects.bulk_create(
            (User(username=f"bench{i:05d}", password="!") for i in range(n_staff)),
            batch_size=2000,
        )
        staff = []
        moved: dict[int, Window] = {}
        for i, user in enumerate(users):
            window = windows[i % n_windows]
            member = StaffMember(
                user=user,
                employee_no=f"B{i:05d}",
                name=f"职员{i:05d}",
                department=window.department,
                window=window,
                joined_hall_on=long_ago,
            )
            if rng.random() < MOVED_SHARE:
                moved[i] = windows[(i + 7) % n_windows]
                member.window = moved[i]
            staff.append(member)
        StaffMember.objects.bulk_create(staff, batch_size=2000)
        mid = month_start + datetime.timedelta(days=14)
        seats = []
        for i, member in enumerate(staff):
            if i in moved:
                first = windows[i % n_windows]
                seats.append(Assignment(staff=member, window=first, start=long_ago, end=mid))
                seats.append(
                    Assignment(staff=member, window=moved[i], start=mid + datetime.timedelta(1))
                )
            else:
                seats.append(Assignment(staff=member, window=member.window, start=long_ago))
        Assignment.objects.bulk_create(seats, batch_size=2000)

        month.save()
        _books, rules = rules_in_force(last_day)  # the general, window and staff books
        staff_rules = [r for r in rules if r.applies_to == Rule.Subject.STAFF]
        window_rules = [r for r in rules if r.applies_to == Rule.Subject.WINDOW]
        sources = [s for s, _label in ScoreEntry.Source.choices if s != "appeal"]

        def points(rule: Rule) -> Decimal:
            if rule.min_points == rule.max_points:
                return rule.min_points
            steps = int((rule.max_points - rule.min_points) * 2)
            return rule.min_points + Decimal(rng.randint(0, steps)) / 2

        entries = []
        for _ in range(n_entries):
            if rng.random() < WINDOW_SHARE:
                rule = rng.choice(window_rules)
                subject = {"window": rng.choice(windows)}
            else:
                rule = rng.choice(staff_rules)
                subject = {"staff": rng.choice(staff)}
            entries.append(
                ScoreEntry(
                    **subject,
                    rule=rule,
                    points=points(rule),
                    occurred_on=rng.choice(days[:-1]),
                    month=month,
                    evidence="benchmark",
                    source=rng.choice(sources),
                )
            )
        ScoreEntry.objects.bulk_create(entries, batch_size=2000)
        reversals = [
            ScoreEntry(
                staff=e.staff,
                window=e.window,
                rule=e.rule,
                points=-e.points,
                occurred_on=last_day,
                month=month,
                source=ScoreEntry.Source.MANUAL,
                reverses=e,
                reason="benchmark reversal",
            )
            for e in rng.sample(entries, int(n_entries * REVERSAL_SHARE))
        ]
        ScoreEntry.objects.bulk_create(reversals, batch_size=2000)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return {
        "staff": n_staff,
        "windows": n_windows,
        "entries": n_entries + len(reversals),
        "reversals": len(reversals),
        "assignments": len(seats),
        "month": month,
    }


# --- measuring -----------------------------------------------------------------------------


def reset(month) -> None:
    """Back to open, without results or awards: the state before the close."""
    from django.db import transaction

    from appraisal.models import AppraisalMonth, Award, MonthlyResult

    with transaction.atomic():
        Award.objects.filter(month=month).delete()
        MonthlyResult.objects.filter(month=month).delete()
        AppraisalMonth.objects.filter(pk=month.pk).update(
            status=AppraisalMonth.Status.OPEN, closed_at=None
        )


def checksum(pairs) -> tuple[int, Decimal, str]:
    """Count, sum of totals, and a digest of every (kind, subject id, total)."""
    pairs = sorted((kind, pk, Decimal(total).quantize(Decimal("0.1"))) for kind, pk, total in pairs)
    digest = hashlib.sha256(repr(pairs).encode()).hexdigest()[:16]
    return len(pairs), sum((t for _k, _p, t in pairs), Decimal("0")), digest


def close_checksum(month) -> tuple[int, Decimal, str]:
    from appraisal.models import MonthlyResult

    rows = MonthlyResult.objects.filter(month=month).values_list(
        "staff_id", "window_id", "base", "additions", "deductions"
    )
    return checksum(
        ("s", s, base + add - ded) if s is not None else ("w", w, base + add - ded)
        for s, w, base, add, ded in rows
    )


def timed_close(month) -> float:
    from appraisal.models import AppraisalMonth
    from appraisal.services import month_close

    start = time.perf_counter()
    closed = month_close(month.month)
    elapsed = time.perf_counter() - start
    if closed.status != AppraisalMonth.Status.CLOSED:
        raise SystemExit(f"close: the month is {closed.status}, not closed")
    return elapsed


def timed_sql(month) -> tuple[float, list]:
    from django.db import connection

    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(RAW_SQL, {"month": month.pk, "last_day": month.last_day})
        rows = cursor.fetchall()
    return time.perf_counter() - start, rows


# The write alone: what any close that stores its results pays on top of computing them.
RESULT_COLUMNS = (
    "month_id, staff_id, window_id, department_id, base, additions, deductions, staff_share,"
    " total, rank_hall, rank_department, bonus, disqualified, is_star, is_banner"
)
ROWS_TABLE, BARE_TABLE = "bench_results_rows", "bench_results_bare"


def write_tables(month) -> None:
    """After a close: its result rows copied aside, and a table like MonthlyResult (columns,
    defaults, checks, indexes: ``LIKE … INCLUDING ALL``) without its foreign keys, which
    ``LIKE`` does not copy. Ordinary tables, written to the WAL like MonthlyResult."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {ROWS_TABLE}, {BARE_TABLE}")
        cursor.execute(
            f"CREATE TABLE {ROWS_TABLE} AS SELECT {RESULT_COLUMNS}"
            " FROM appraisal_monthlyresult WHERE month_id = %s",
            [month.pk],
        )
        cursor.execute(f"CREATE TABLE {BARE_TABLE} (LIKE appraisal_monthlyresult INCLUDING ALL)")
        cursor.execute(f"ANALYZE {ROWS_TABLE}")


def timed_write(month, table: str) -> float:
    """The close's result rows written again into ``table`` (its own rows of the month
    deleted first, untimed), in a transaction committed as the close commits
    (``synchronous_commit`` off): the ``INSERT … SELECT`` and the COMMIT, which checks the
    deferred foreign keys. Nothing is computed."""
    from django.db import connection, transaction

    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE month_id = %s", [month.pk])
    start = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit = off")
        cursor.execute(
            f"INSERT INTO {table} ({RESULT_COLUMNS}) SELECT {RESULT_COLUMNS} FROM {ROWS_TABLE}"
        )
    return time.perf_counter() - start


def measure(month, rounds: int) -> dict:
    reset(month)
    timed_close(month)  # warm-up: imports, plans, caches
    timed_sql(month)
    write_tables(month)
    timed_write(month, "appraisal_monthlyresult")
    timed_write(month, BARE_TABLE)
    closes, sqls, ratios, writes, bare = [], [], [], [], []
    for i in range(rounds):
        reset(month)
        if i % 2 == 0:
            c = timed_close(month)
            s, rows = timed_sql(month)
        else:
            s, rows = timed_sql(month)
            c = timed_close(month)
        # The same rows written again, with and without the foreign keys (order alternating);
        # the month's results are the close's again afterwards (same subjects and totals).
        for table in ("appraisal_monthlyresult", BARE_TABLE)[:: 1 if i % 2 else -1]:
            (writes if table == "appraisal_monthlyresult" else bare).append(
                timed_write(month, table) / s
            )
        closes.append(c)
        sqls.append(s)
        ratios.append(c / s)
        log(
            f"round {i + 1}: close {c * 1000:.1f} ms, SQL {s * 1000:.1f} ms, ratio {c / s:.2f};"
            f" write alone {writes[-1]:.2f} × SQL, without foreign keys {bare[-1]:.2f} ×"
        )
    by_close, by_sql = close_checksum(month), checksum(rows)
    return {
        "close": statistics.median(closes),
        "sql": statistics.median(sqls),
        "ratio": statistics.median(ratios),
        "write": statistics.median(writes),
        "write_bare": statistics.median(bare),
        "closes": closes,
        "ratios": ratios,
        "checksum_close": by_close,
        "checksum_sql": by_sql,
    }


def fresh_close(month, how: str) -> dict:
    """One close in a new interpreter (``close.py once``), for its memory."""
    reset(month)
    out = subprocess.run(
        [sys.executable, __file__, "once", f"{month.month:%Y-%m}", "--memory", how],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout)


def _status_kb(field: str) -> int:
    """A line of /proc/self/status, in KiB (VmRSS: resident now; VmHWM: its peak)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


def once(month_iso: str, how: str) -> int:
    """Close the month in this process; print seconds and memory as JSON.

    Memory is the resident set (RSS), the figure the kernel's OOM killer and a container's
    memory limit look at: it counts what tracemalloc cannot see (libpq's result buffers,
    the interpreter's own arenas). Its peak (VmHWM) is reset to the current RSS just before
    the close by writing 5 to /proc/self/clear_refs, so start-up does not hide in it — and
    so does not the parent's peak, which ``ru_maxrss`` inherits across fork and exec.
    With ``--memory tracemalloc`` it reports the peak of Python allocations instead (a
    second opinion; tracemalloc slows the close, so its time is not used).
    """
    import django

    django.setup()
    from django.db import connection

    import appraisal.services  # noqa: F401  (imported before the baseline, like a worker)

    connection.ensure_connection()
    month_start = datetime.date.fromisoformat(month_iso + "-01")
    if how == "tracemalloc":
        import tracemalloc

        tracemalloc.start()
    Path("/proc/self/clear_refs").write_text("5")
    before = _status_kb("VmRSS")
    start = time.perf_counter()
    from appraisal.services import month_close

    month_close(month_start)
    seconds = time.perf_counter() - start
    peak = _status_kb("VmHWM")
    result = {
        "seconds": seconds,
        "rss_before_mb": before / 1024,
        "rss_peak_mb": peak / 1024,
        "rss_delta_mb": (peak - before) / 1024,
    }
    if how == "tracemalloc":
        result["tracemalloc_peak_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
    print(json.dumps(result))
    return 0


def run(scales: list[int], rounds: int, seed: int) -> int:
    import django

    django.setup()
    from django.db import connection

    month_start = bench_month()
    results = {}
    for scale in scales:
        log(f"building the {scale}× hall for {month_start:%Y-%m}")
        start = time.perf_counter()
        data = build(scale, month_start, random.Random(seed))
        log(f"built in {time.perf_counter() - start:.1f} s")
        month = data["month"]
        log(f"{scale}×: {rounds} rounds, close and raw SQL alternating")
        m = measure(month, rounds)
        m["data"] = data
        m["rss"] = fresh_close(month, "rss")
        m["traced"] = fresh_close(month, "tracemalloc")
        results[scale] = m
        if m["checksum_close"] != m["checksum_sql"]:
            log(f"checksums differ: close {m['checksum_close']}, SQL {m['checksum_sql']}")

    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
    ).stdout.strip()
    dirty = subprocess.run(["git", "diff", "--quiet", "HEAD"], cwd=ROOT).returncode != 0
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0].split()[0]
    print()
    print("=== Hall benchmark: month close vs one raw SQL GROUP BY ===")
    print(f"commit        {commit}{' (plus uncommitted changes)' if dirty else ''}")
    print(f"date          {datetime.datetime.now(datetime.UTC):%Y-%m-%dT%H:%M:%SZ}")
    print(
        f"machine       {os.cpu_count()} CPUs, load average {' '.join(map(str, os.getloadavg()))}"
    )
    print(f"database      PostgreSQL {pg}, production settings, month {month_start:%Y-%m}")
    ok = True
    for scale, m in results.items():
        d = m["data"]
        n, total, digest = m["checksum_close"]
        same = m["checksum_close"] == m["checksum_sql"]
        ok &= same
        print(
            f"{scale:>2}×  data      {d['staff']} staff, {d['windows']} windows, "
            f"{d['entries']} entries ({d['reversals']} reversals), {d['assignments']} assignments"
        )
        print(
            f"     close     {m['close'] * 1000:8.1f} ms median  "
            f"(runs: {' '.join(f'{c * 1000:.1f}' for c in m['closes'])})"
        )
        print(f"     raw SQL   {m['sql'] * 1000:8.1f} ms median")
        print(
            f"     ratio     close / SQL = {m['ratio']:.2f} median "
            f"(runs: {' '.join(f'{r:.2f}' for r in m['ratios'])})"
            + (f"  target <= {TARGET_RATIO:g}" if scale == 1 else "")
        )
        print(
            f"     write     the close's {n} rows written again (INSERT … SELECT + COMMIT), "
            f"÷ raw SQL: {m['write']:.2f} median with MonthlyResult's foreign keys, "
            f"{m['write_bare']:.2f} without them"
        )
        print(
            f"     checksum  {'equal' if same else 'DIFFERENT'}: {n} subjects, "
            f"sum of totals {total}, digest {digest}"
            + ("" if same else f"; SQL gives {m['checksum_sql']}")
        )
        rss, traced = m["rss"], m["traced"]
        print(
            f"     memory    fresh process: close {rss['seconds'] * 1000:.0f} ms, "
            f"peak RSS {rss['rss_peak_mb']:.1f} MB (+{rss['rss_delta_mb']:.1f} MB over "
            f"{rss['rss_before_mb']:.1f} MB after start-up); "
            f"tracemalloc peak {traced['tracemalloc_peak_mb']:.1f} MB"
        )
    if 1 in results:
        ok &= results[1]["ratio"] <= TARGET_RATIO
    if 1 in results and 10 in results:
        scaling = results[10]["close"] / results[1]["close"]
        peak = results[10]["rss"]["rss_peak_mb"]
        ok &= scaling <= TARGET_SCALING and peak < TARGET_MB
        print(f"scaling       10× close / 1× close = {scaling:.2f} (target <= {TARGET_SCALING:g})")
        print(f"memory        10× close, peak RSS {peak:.1f} MB (target < {TARGET_MB:g} MB)")
    print(f"RESULT: {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 2


def main(argv: list[str]) -> int:
    if len(argv) > 1 and argv[1] == "once":
        parser = argparse.ArgumentParser(prog="close.py once")
        parser.add_argument("month", help="YYYY-MM")
        parser.add_argument("--memory", choices=["rss", "tracemalloc"], default="rss")
        args = parser.parse_args(argv[2:])
        return once(args.month, args.memory)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="1,10", help="comma-separated, e.g. 1,10")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv[1:])
    return run([int(s) for s in args.scales.split(",")], args.rounds, args.seed)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
