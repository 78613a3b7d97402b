"""The month close's results as one SQL statement: ``INSERT INTO appraisal_monthlyresult …
SELECT`` computing, in the database, what ``scoring.rank_month``, ``scoring.bonus``,
``scoring.star_count`` and ``scoring.pick`` compute in Python for the live board.

Why: the close used to read one netted row per subject into Python, rank them, compute each
bonus and copy 560 rows back (bench/close.py, issue 3): about half of its time. Here no row
of the month travels; the award rows (a handful) and the ledger's count come back for the
awards' reasons and the reports' fingerprint.

One portable statement for PostgreSQL and SQLite (≥ 3.28: window functions, and a named
window given its own frame). To give exactly
the rows of the Python rules on both, all arithmetic is on integers:

* points, totals and staff shares in tenths of a point (``CAST(ROUND(points * 10) AS
  INTEGER)``: the ledger has one decimal; SQLite stores it as a float, so sums of floats are
  never compared for ties), the bonus in cents;
* ``Decimal.quantize`` rounds half to even (a window's staff share, the per-point bonus):
  ``half_even`` does the same with integer division, which truncates on both databases;
* the last tie-break, the employee or window number, compares code points as Python does:
  SQLite's default BINARY collation does; PostgreSQL needs ``COLLATE "C"`` (a database
  created with another locale would sort "A-2" and "A1" otherwise). That collation name is
  the one place the text differs between the two databases.

``scoring`` keeps the rules in Python: the live board (``selectors``) ranks an open month
with them, and the tests check this statement against them (tests/appraisal/test_close_sql.py).
"""

from __future__ import annotations

from decimal import Decimal

from django.db import connection

from appraisal.models import Award, RuleBook

STAFF, WINDOW = 0, 1  # the ``kind`` column
NO_RATING = -10  # tenths: "unrated" sorts after a subject rated 0 % (scoring.order_key)


def tenths(value: Decimal) -> int:
    """A total, points or a rate with one decimal as whole tenths (exact: one decimal)."""
    return int(Decimal(value).scaleb(1).to_integral_value())


def half_even(numerator: str, divisor: str) -> str:
    """SQL for ``numerator / divisor`` rounded half to even, on integers (``divisor`` > 0):
    what ``Decimal.quantize`` does in the default context. Integer ``/`` truncates and
    ``%`` keeps the dividend's sign on both databases, so the magnitude is rounded. (``%%``:
    the statement goes through the driver's parameter formatting.)"""
    if divisor == "1":
        return numerator
    a, d = f"ABS({numerator})", divisor
    magnitude = (
        f"({a} / {d} + CASE WHEN 2 * ({a} %% {d}) > {d} THEN 1"
        f" WHEN 2 * ({a} %% {d}) = {d} THEN ({a} / {d}) %% 2 ELSE 0 END)"
    )
    return f"(CASE WHEN {numerator} < 0 THEN -{magnitude} ELSE {magnitude} END)"


def _decimals(value: Decimal) -> int:
    return max(0, -Decimal(value).as_tuple().exponent)


def bonus_sql(book: RuleBook | None) -> tuple[str, str]:
    """SQL for a staff member's bonus in cents from the column ``total10``, as
    ``rulebooks.bonus_table(book).amount`` (never negative; no book, no bonus), and the join
    it needs. Its numbers are integers made here, written into the text."""
    if book is None:
        return "0", ""
    if book.bonus_mode == RuleBook.BonusMode.BANDS:
        # The highest band the total reaches, each band up to the next one's lower edge;
        # below the lowest band, nothing (amounts have two decimals and are never negative:
        # the table's constraints). Read here rather than before the statement: one round
        # trip fewer, and a join rather than a subquery per row.
        return "COALESCE(band.cents, 0)", (
            "LEFT JOIN (SELECT CAST(ROUND(b.total_from * 10) AS INTEGER) AS from10,"
            " CAST(ROUND(LEAD(b.total_from) OVER (ORDER BY b.total_from) * 10) AS INTEGER)"
            " AS next10, CAST(ROUND(b.amount * 100) AS INTEGER) AS cents"
            f" FROM appraisal_bonusband b WHERE b.book_id = {int(book.pk):d}) band"
            " ON total10 >= band.from10 AND (band.next10 IS NULL OR total10 < band.next10)"
        )
    # base + (total − 100) × per point, rounded half to even to cents, never negative. In
    # units of 10^-unit yuan: the base, plus (total10 − 1000) tenths × the per-point amount.
    per_point, base = Decimal(book.bonus_per_point), Decimal(book.bonus_base)
    per_dp, base_dp = _decimals(per_point), _decimals(base)
    unit = max(2, 1 + per_dp, base_dp)
    base_units = int(base.scaleb(unit))
    per = int(per_point.scaleb(per_dp)) * 10 ** (unit - 1 - per_dp)
    exact = f"(CAST({base_units:d} AS BIGINT) + CAST(total10 - 1000 AS BIGINT) * {per:d})"
    cents = half_even(exact, f"{10 ** (unit - 2):d}")
    return f"(CASE WHEN {cents} > 0 THEN {cents} ELSE 0 END)", ""


def points_text(column: str) -> str:
    """SQL text of a points column as ``scoring.points_text`` writes it ("105", "102.5",
    "-0.5"): built from whole tenths, the same on both databases (PostgreSQL has no printf,
    SQLite no to_char)."""
    t = f"CAST(ROUND({column} * 10) AS INTEGER)"
    return (
        f"CASE WHEN {t} < 0 THEN '-' ELSE '' END || CAST(ABS({t}) / 10 AS TEXT)"
        f" || CASE WHEN ABS({t}) %% 10 = 0 THEN '' ELSE '.' || CAST(ABS({t}) %% 10 AS TEXT) END"
    )


def awards_insert(month_id: int) -> None:
    """Propose the month's awards from its flagged results: service stars, then banners,
    each in ranking order, with the reason ``scoring.award_reason`` words."""
    star, banner = Award.Kind.SERVICE_STAR.value, Award.Kind.CIVILISED_WINDOW.value
    reason = (
        f"CASE WHEN staff_id IS NULL THEN %s ELSE %s END || '：总分 ' || {points_text('total')}"
        f" || '（加 ' || {points_text('additions')} || '，减 ' || {points_text('deductions')}"
        " || '），全厅第 ' || CAST(rank_hall AS TEXT) || ' 名'"
    )
    sql = (
        "INSERT INTO appraisal_award (month_id, kind, staff_id, window_id, reason, status)"
        " SELECT month_id, CASE WHEN staff_id IS NULL THEN %s ELSE %s END, staff_id,"
        f" window_id, {reason}, %s"
        " FROM appraisal_monthlyresult WHERE month_id = %s AND (is_star OR is_banner)"
        " ORDER BY CASE WHEN staff_id IS NULL THEN 1 ELSE 0 END, rank_hall"
    )
    params = [
        banner,
        star,
        "流动文明窗口标兵",
        "服务明星",
        Award.Status.PROPOSED.value,
        month_id,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _rated(rows: list[tuple[int, int, int]]) -> str:
    """The satisfaction rates as a table (kind, subject id, rate in tenths); integers made
    here, written into the text."""
    if not rows:
        return "SELECT 0, 0, 0 WHERE 1 = 0"
    return "VALUES " + ", ".join(f"({k:d}, {pk:d}, {r:d})" for k, pk, r in rows)


def results_insert(
    *,
    month_id: int,
    staff: tuple[str, list],
    windows: tuple[str, list],
    seats: tuple[str, list],
    window_includes_staff: bool,
    book: RuleBook | None,
    staff_satisfaction: dict[int, Decimal],
    window_satisfaction: dict[int, Decimal],
    star_share: Decimal,
    star_minimum: int,
    banner_count: int,
    award_min_total: Decimal,
) -> None:
    """Write the month's MonthlyResult rows in one statement.

    ``staff``, ``windows``: SQL and params selecting the population, as columns ``sid``
    (id), ``did`` (department id) and ``sort_key``; ``seats``: columns ``seat_window``,
    ``seat_staff``, who sat where in the month. No awards (star share 0, minimum 0, no
    banner) when there is no policy.
    """
    rates = [(STAFF, pk, tenths(r)) for pk, r in staff_satisfaction.items() if r is not None]
    rates += [(WINDOW, pk, tenths(r)) for pk, r in window_satisfaction.items() if r is not None]
    collate = ' COLLATE "C"' if connection.vendor == "postgresql" else ""
    order = f"total10 DESC, ded10, add10 DESC, sat10 DESC, sort_key{collate}, subject_id"
    # A window's share: the average net points of the staff seated there, to a tenth.
    share = half_even("sh.net10", "sh.people") if window_includes_staff else "0"
    share10, min10 = tenths(star_share), tenths(award_min_total)
    stars = (  # scoring.star_count: a share of the staff, rounded down, at least the minimum
        f"CASE WHEN population * {share10:d} / 1000 > {int(star_minimum):d}"
        f" THEN population * {share10:d} / 1000 ELSE {int(star_minimum):d} END"
    )
    bonus, bands = bonus_sql(book)
    staff_sql, staff_params = staff
    windows_sql, windows_params = windows
    seats_sql, seats_params = seats
    sql = f"""
INSERT INTO appraisal_monthlyresult (month_id, staff_id, window_id, department_id, base,
    additions, deductions, staff_share, total, rank_hall, rank_department, bonus,
    disqualified, is_star, is_banner)
WITH coded AS (
    SELECT e.staff_id, e.window_id, r.disqualifies,
           CAST(SUM(CAST(ROUND(e.points * 10) AS INTEGER)) AS INTEGER) AS net
    FROM appraisal_scoreentry e JOIN appraisal_rule r ON r.id = e.rule_id
    WHERE e.month_id = %s
    GROUP BY e.staff_id, e.window_id, r.code, r.disqualifies
), nets AS (
    SELECT staff_id, window_id,
           CAST(SUM(CASE WHEN net > 0 THEN net ELSE 0 END) AS INTEGER) AS add10,
           CAST(SUM(CASE WHEN net < 0 THEN -net ELSE 0 END) AS INTEGER) AS ded10,
           MAX(CASE WHEN net < 0 AND disqualifies THEN 1 ELSE 0 END) AS dq
    FROM coded GROUP BY staff_id, window_id
), people AS (
    SELECT p.sid, p.did, p.sort_key,
           COALESCE(n.add10, 0) AS add10, COALESCE(n.ded10, 0) AS ded10,
           COALESCE(n.dq, 0) AS dq
    FROM ({staff_sql}) p LEFT JOIN nets n ON n.staff_id = p.sid
), shares AS (
    SELECT s.seat_window, CAST(SUM(p.add10 - p.ded10) AS INTEGER) AS net10,
           CAST(COUNT(*) AS INTEGER) AS people
    FROM (SELECT DISTINCT x.seat_window, x.seat_staff FROM ({seats_sql}) x) s
    JOIN people p ON p.sid = s.seat_staff
    GROUP BY s.seat_window
), subjects AS (
    SELECT {STAFF} AS kind, sid AS subject_id, did, sort_key, add10, ded10, dq,
           0 AS extra10
    FROM people
    UNION ALL
    SELECT {WINDOW}, w.sid, w.did, w.sort_key,
           COALESCE(n.add10, 0), COALESCE(n.ded10, 0), COALESCE(n.dq, 0),
           CASE WHEN sh.people > 0 THEN {share} ELSE 0 END
    FROM ({windows_sql}) w
    LEFT JOIN nets n ON n.window_id = w.sid
    LEFT JOIN shares sh ON sh.seat_window = w.sid
), rated (kind, subject_id, rate10) AS (
    {_rated(rates)}
), scored AS (
    SELECT s.*, 1000 + s.add10 - s.ded10 + s.extra10 AS total10,
           COALESCE(r.rate10, {NO_RATING}) AS sat10,
           CASE WHEN s.dq = 0 AND 1000 + s.add10 - s.ded10 + s.extra10 >= {min10:d}
                THEN 1 ELSE 0 END AS eligible
    FROM subjects s
    LEFT JOIN rated r ON r.kind = s.kind AND r.subject_id = s.subject_id
), ranked AS (
    -- The running count of eligible subjects shares the hall ranking's sort; the number
    -- of subjects needs none: two sorts in all.
    SELECT scored.*,
           ROW_NUMBER() OVER hall AS rank_hall,
           SUM(eligible) OVER (hall ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
               AS pick_no,
           COUNT(*) OVER (PARTITION BY kind) AS population,
           ROW_NUMBER() OVER (PARTITION BY kind, did ORDER BY {order}) AS rank_department
    FROM scored
    WINDOW hall AS (PARTITION BY kind ORDER BY {order})
)
SELECT %s,
       CASE WHEN kind = {STAFF} THEN subject_id END,
       CASE WHEN kind = {WINDOW} THEN subject_id END,
       did, 100, add10 / 10.0, ded10 / 10.0, extra10 / 10.0, total10 / 10.0,
       rank_hall, rank_department,
       CASE WHEN kind = {STAFF} THEN {bonus} ELSE 0 END / 100.0,
       dq = 1,
       kind = {STAFF} AND eligible = 1 AND pick_no <= {stars},
       kind = {WINDOW} AND eligible = 1 AND pick_no <= {int(banner_count):d}
FROM ranked {bands}
"""
    params = [month_id, *staff_params, *seats_params, *windows_params, month_id]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
