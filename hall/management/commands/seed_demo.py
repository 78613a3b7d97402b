"""Build a demo hall: profile, departments, windows, items, staff, demo logins and holidays,
then the appraisal's rule books and six months of history (``appraisal.demo``).

Idempotent: everything is keyed on its natural key (department code, window number, item
code, employee number, username) and what exists is left alone, so a second run writes
nothing. The plan is drawn from ``random.Random(2026)`` before the database is looked at,
so the same options always describe the same hall. ``--windows`` and ``--staff`` grow the
hall beyond the base data for benchmarks (window numbers continue C01…, staff S0121…).
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from appraisal.demo import seed_appraisal
from complaints.demo import seed_ratings
from complaints.demo_cases import seed_cases
from guides.demo import seed_guides
from guides.demo_print import seed_print_runs
from guides.models import ApprovalItem
from hall import demo_data
from hall.audit import audit_record, diff, snapshot
from hall.models import AuditEntry, CalendarDay, CalendarYear, HallProfile, Notice
from hall.roles import WINDOW_STAFF
from hall.services import (
    PROFILE_FIELDS,
    calendar_sync_request,
    calendar_sync_run,
    user_create,
)
from staff.models import Assignment, StaffMember
from staff.services import AUDITED as STAFF_FIELDS
from staff.services import staff_create, staff_update
from windows.models import Department, Window

DEPARTMENT_FIELDS = ["name", "short_name", "code", "display_order"]
WINDOW_FIELDS = ["number", "name", "department", "location", "items"]
ITEM_FIELDS = [
    "code",
    "name",
    "department",
    "kind",
    "statutory_days",
    "promised_days",
    "on_the_spot",
    "in_hall_required",
]
CHIEF, STAFF = StaffMember.Post.CHIEF, StaffMember.Post.STAFF
MAX_DAYS_AGO = 7 * 365
MOVE_CHANCE = 0.08


# --- the plan: pure, drawn from one seeded Random ------------------------------------------


@dataclass(frozen=True)
class WindowPlan:
    number: str
    name: str
    location: str
    department: str  # code
    items: tuple[str, ...]  # item codes


@dataclass(frozen=True)
class StaffPlan:
    employee_no: str
    name: str
    phone: str
    department: str  # code
    window: str  # number
    post: str
    joined_hall_on: datetime.date
    earlier_window: str | None = None  # sat here from joining until moved_on
    moved_on: datetime.date | None = None


def window_number(index: int) -> tuple[str, str]:
    """The ``index``-th window's number and location: A01…A20 on 一楼A区, B01… on 二楼B区."""
    row, seat = divmod(index, demo_data.WINDOWS_PER_ROW)
    letter = chr(ord("A") + row)
    floor = demo_data.FLOORS[row] if row < len(demo_data.FLOORS) else str(row + 1)
    return f"{letter}{seat + 1:02d}", f"{floor}楼{letter}区"


MAX_WINDOWS = 26 * demo_data.WINDOWS_PER_ROW


class Planner:
    def __init__(self, today: datetime.date):
        self.today = today
        self.rng = random.Random(2026)
        self.names: set[str] = set()
        self.phones: set[str] = set()
        self.item_codes = {
            d.code: [demo_data.item_code(d, i) for i in range(len(d.items))]
            for d in demo_data.DEPARTMENTS
        }

    def person_name(self) -> str:
        while True:
            given = "".join(
                self.rng.choice(demo_data.GIVEN_CHARS)
                for _ in range(1 if self.rng.random() < 0.3 else 2)
            )
            name = self.rng.choice(demo_data.SURNAMES) + given
            if name not in self.names:
                self.names.add(name)
                return name

    def mobile(self) -> str:
        while True:
            phone = self.rng.choice(demo_data.MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if phone not in self.phones:
                self.phones.add(phone)
                return phone

    def days_in_hall(self, post: str) -> int:
        """Spread over ~7 years so that some rotations are due within 90 days or overdue."""
        cycle = 365 * settings.HALL_ROTATION_YEARS.get(post, settings.HALL_ROTATION_YEARS["staff"])
        warn = max(2, min(settings.HALL_ROTATION_WARN_DAYS, cycle // 4))
        r = self.rng.random()
        if r < 0.15:  # due within the warning period
            return self.rng.randint(cycle - warn + 1, cycle - 1)
        if r < 0.30:  # overdue
            return self.rng.randint(cycle + 1, max(MAX_DAYS_AGO, cycle + 365))
        return self.rng.randint(20, max(21, cycle - warn - 30))

    def staff(
        self,
        number: int,
        department: str,
        window: WindowPlan,
        post: str,
        department_windows: list[WindowPlan],
    ) -> StaffPlan:
        name, phone = self.person_name(), self.mobile()
        days = self.days_in_hall(post)
        joined = self.today - datetime.timedelta(days=days)
        earlier = moved_on = None
        others = [w.number for w in department_windows if w.number != window.number]
        if others and days >= 200 and self.rng.random() < MOVE_CHANCE:
            earlier = self.rng.choice(others)
            moved_on = joined + datetime.timedelta(days=self.rng.randint(60, days - 30))
        return StaffPlan(
            employee_no=f"S{number:04d}",
            name=name,
            phone=phone,
            department=department,
            window=window.number,
            post=post,
            joined_hall_on=joined,
            earlier_window=earlier,
            moved_on=moved_on,
        )

    def plan(self, n_windows: int, n_staff: int) -> tuple[list[WindowPlan], list[StaffPlan]]:
        windows: list[WindowPlan] = []
        by_department: dict[str, list[WindowPlan]] = {}
        for dept in demo_data.DEPARTMENTS:
            codes = self.item_codes[dept.code]
            n = len(dept.windows)
            for i, name in enumerate(dept.windows):
                share = [c for j, c in enumerate(codes) if j % n == i]
                rest = [c for c in codes if c not in share]
                share += self.rng.sample(rest, k=min(len(rest), max(0, 3 - len(share))))
                number, location = window_number(len(windows))
                w = WindowPlan(
                    number, name, location, dept.code, tuple(c for c in codes if c in share)
                )
                windows.append(w)
                by_department.setdefault(dept.code, []).append(w)

        staff: list[StaffPlan] = []
        for dept in demo_data.DEPARTMENTS:
            seats = by_department[dept.code]
            for k in range(demo_data.STAFF_PER_WINDOW * len(seats)):
                # The chief sits at the department's first window; S0001 stays ordinary staff.
                post = CHIEF if k == 1 else STAFF
                seat = seats[0] if post == CHIEF else seats[k % len(seats)]
                staff.append(self.staff(len(staff) + 1, dept.code, seat, post, seats))

        # Beyond the base hall: extra windows round the departments, extra staff at random.
        departments = demo_data.DEPARTMENTS
        for extra in range(n_windows - len(windows)):
            dept = departments[extra % len(departments)]
            seats = by_department[dept.code]
            codes = self.item_codes[dept.code]
            chosen = set(self.rng.sample(codes, k=min(len(codes), 3)))
            number, location = window_number(len(windows))
            w = WindowPlan(
                number,
                f"{dept.short_name}综合受理窗口{len(seats) + 1}",
                location,
                dept.code,
                tuple(c for c in codes if c in chosen),
            )
            windows.append(w)
            seats.append(w)
        for _ in range(n_staff - len(staff)):
            seat = self.rng.choice(windows)
            staff.append(
                self.staff(
                    len(staff) + 1, seat.department, seat, STAFF, by_department[seat.department]
                )
            )
        return windows, staff


# --- writing the plan ----------------------------------------------------------------------


def _audit_bulk(objects, fields: list[str]) -> None:
    """One "imported" audit entry per new record, written in one query."""
    entries = [
        AuditEntry(
            content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
            object_id=str(obj.pk),
            object_repr=str(obj)[:200],
            action=AuditEntry.Action.IMPORT,
            changes=diff({}, snapshot(obj, fields)),
        )
        for obj in objects
    ]
    AuditEntry.objects.bulk_create(entries, batch_size=500)


class Seeder:
    def __init__(self):
        self.created: dict[str, int] = {}

    def count(self, key: str, n: int) -> None:
        if n:
            self.created[key] = self.created.get(key, 0) + n

    def profile(self) -> None:
        if HallProfile.objects.filter(pk=1).exists():
            return
        profile = HallProfile.objects.create(pk=1, **demo_data.HALL_PROFILE)
        audit_record(
            actor=None,
            instance=profile,
            action=AuditEntry.Action.IMPORT,
            changes=diff({}, snapshot(profile, PROFILE_FIELDS)),
        )
        self.count("profile", 1)

    def departments(self) -> dict[str, Department]:
        existing = {d.code: d for d in Department.objects.all()}
        taken_names = {d.name: d.code for d in existing.values()}
        new = []
        for order, spec in enumerate(demo_data.DEPARTMENTS, start=1):
            if spec.code in existing:
                continue
            if spec.name in taken_names:
                raise CommandError(
                    f"Department {spec.name} exists with code {taken_names[spec.name]}, "
                    f"not {spec.code}; rename one of them first."
                )
            new.append(
                Department(
                    code=spec.code,
                    name=spec.name,
                    short_name=spec.short_name,
                    display_order=order * 10,
                )
            )
        Department.objects.bulk_create(new)
        _audit_bulk(new, DEPARTMENT_FIELDS)
        self.count("departments", len(new))
        return {d.code: d for d in Department.objects.all()}

    def items(self, departments: dict[str, Department]) -> dict[str, ApprovalItem]:
        existing = set(ApprovalItem.objects.values_list("code", flat=True))
        new = []
        for spec in demo_data.DEPARTMENTS:
            for i, item in enumerate(spec.items):
                code = demo_data.item_code(spec, i)
                if code in existing:
                    continue
                new.append(
                    ApprovalItem(
                        code=code,
                        name=item.name,
                        department=departments[spec.code],
                        kind=item.kind,
                        statutory_days=item.statutory_days,
                        promised_days=item.promised_days,
                        on_the_spot=item.on_the_spot,
                        in_hall_required=item.in_hall_required,
                    )
                )
        ApprovalItem.objects.bulk_create(new, batch_size=500)
        _audit_bulk(new, ITEM_FIELDS)
        self.count("items", len(new))
        return {i.code: i for i in ApprovalItem.objects.all()}

    def windows(self, plans: list[WindowPlan], departments, items) -> None:
        existing = set(Window.objects.values_list("number", flat=True))
        new, links = [], []
        for plan in plans:
            if plan.number in existing:
                continue
            window = Window(
                number=plan.number,
                name=plan.name,
                location=plan.location,
                department=departments[plan.department],
            )
            new.append(window)
            links.append([items[c] for c in plan.items if c in items])
        Window.objects.bulk_create(new, batch_size=500)
        through = Window.items.through
        rows = [
            through(window_id=w.pk, approvalitem_id=item.pk)
            for w, window_items in zip(new, links, strict=True)
            for item in window_items
            if item.department_id == w.department_id
        ]
        through.objects.bulk_create(rows, batch_size=1000)
        _audit_bulk(new, WINDOW_FIELDS)
        self.count("windows", len(new))

    def staff(self, plans: list[StaffPlan], departments) -> None:
        existing = set(StaffMember.objects.values_list("employee_no", flat=True))
        todo = [p for p in plans if p.employee_no not in existing]
        clash = set(
            get_user_model()
            .objects.filter(username__in=[p.employee_no for p in todo])
            .values_list("username", flat=True)
        )
        if clash:
            raise CommandError(
                f"Logins already exist for {', '.join(sorted(clash))}, "
                "which are not staff members; rename them first."
            )
        seats: dict[int, list[Window]] = {}
        by_number: dict[str, Window] = {}
        for w in Window.objects.filter(active=True).order_by("number"):
            seats.setdefault(w.department_id, []).append(w)
            by_number[w.number] = w

        def seat(department: Department, number: str | None) -> Window | None:
            window = by_number.get(number)
            if window is not None and window.department_id == department.pk:
                return window
            fallback = seats.get(department.pk)
            return fallback[0] if fallback else None

        moves = 0
        for p in todo:
            department = departments[p.department]
            window = seat(department, p.window)
            earlier = seat(department, p.earlier_window) if p.earlier_window else None
            member = staff_create(
                actor=None,
                employee_no=p.employee_no,
                name=p.name,
                phone=p.phone,
                department=department,
                window=earlier or window,
                post=p.post,
                joined_hall_on=p.joined_hall_on,
                audit_action=AuditEntry.Action.IMPORT,
            )
            if earlier is not None and window is not None and earlier != window:
                data = {f: getattr(member, f) for f in STAFF_FIELDS}
                data.update(window=window, window_since=p.moved_on)
                staff_update(actor=None, staff=member, data=data)
                moves += 1
        self.count("staff", len(todo))
        self.count("moves", moves)

    def logins(self, departments) -> None:
        User = get_user_model()
        for spec in demo_data.DEMO_LOGINS:
            if User.objects.filter(username=spec.username).exists():
                continue
            department = departments.get(demo_data.LIAISON_DEPARTMENT)
            user_create(
                actor=None,
                username=spec.username,
                full_name=spec.full_name,
                roles=[spec.role],
                department=department,
                password=demo_data.DEMO_PASSWORD,
            )
            self.count("logins", 1)
        member = StaffMember.objects.select_related("user").get(employee_no=demo_data.DEMO_STAFF_NO)
        user = member.user
        if not user.has_usable_password():
            user.set_password(demo_data.DEMO_PASSWORD)
            user.save(update_fields=["password"])
            audit_record(
                actor=None,
                instance=user,
                action=AuditEntry.Action.UPDATE,
                changes={"password": ["", "(demo)"]},
            )
            self.count("logins", 1)

    def calendar(self) -> None:
        from chinese_calendar import constants

        years = {d.year for d in constants.holidays} | {d.year for d in constants.workdays}
        wanted = set(range(min(years), max(years) + 1))
        known = set(CalendarYear.objects.filter(year__in=wanted).values_list("year", flat=True))
        if wanted <= known:
            return
        sync = calendar_sync_request(actor=None)
        if not calendar_sync_run(sync_id=sync.pk):
            sync.refresh_from_db()
            raise CommandError(f"Loading the holiday calendar failed: {sync.error}")
        sync.refresh_from_db()
        self.count("calendar days", sync.days_written)


class Command(BaseCommand):
    help = (
        "Fill the database with a demo 沙坪坝区 hall: departments, windows, approval items, "
        "staff, four demo logins, the holiday calendar, and appraisal rule books with six "
        "months of history. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--windows",
            type=int,
            default=demo_data.BASE_WINDOWS,
            help=f"Number of windows (at least {demo_data.BASE_WINDOWS}, the default).",
        )
        parser.add_argument(
            "--staff",
            type=int,
            default=demo_data.BASE_STAFF,
            help=f"Number of staff members (at least {demo_data.BASE_STAFF}, the default).",
        )

    def handle(self, *args, windows: int, staff: int, verbosity: int = 1, **options):
        if not demo_data.BASE_WINDOWS <= windows <= MAX_WINDOWS:
            raise CommandError(
                f"--windows must be between {demo_data.BASE_WINDOWS} and {MAX_WINDOWS}."
            )
        if staff < demo_data.BASE_STAFF:
            raise CommandError(f"--staff must be at least {demo_data.BASE_STAFF}.")
        window_plans, staff_plans = Planner(timezone.localdate()).plan(windows, staff)
        seeder = Seeder()
        with transaction.atomic():
            seeder.profile()
            departments = seeder.departments()
            items = seeder.items(departments)
            seeder.windows(window_plans, departments, items)
            seeder.staff(staff_plans, departments)
            seeder.logins(departments)
            seeder.count("guides", seed_guides())
            seeder.count("print runs", seed_print_runs())
            seeder.calendar()
            appraisal = seed_appraisal(rng_seed=2026)
            ratings = seed_ratings(rng_seed=2026)
            for key, n in seed_cases(rng_seed=2026).items():
                seeder.count(key, n)
            from complaints.demo_desk import seed_complaints

            seeder.count("complaints", seed_complaints(rng_seed=2026))
            from hall.demo_duty import seed_duty

            for key, n in seed_duty(rng_seed=2026).items():
                seeder.count(key, n)
            from hall.demo_lost import seed_lost

            for key, n in seed_lost(rng_seed=2026).items():
                seeder.count(key, n)
            from guides.demo_receipts import seed_receipts

            for key, n in seed_receipts(rng_seed=2026).items():
                seeder.count(key, n)
            # The staff read the notices of past months long ago; this month's are new.
            Notice.objects.filter(
                read_at__isnull=True,
                params__day__lt=timezone.localdate().replace(day=1).isoformat(),
            ).update(read_at=timezone.now())
        for key, n in [*appraisal.created.items(), *ratings.created.items()]:
            seeder.count(key, n)
        if verbosity >= 1:
            self.summary(seeder.created, appraisal.line() + "\n" + ratings.line())
        self.logins_table()

    def summary(self, created: dict[str, int], appraisal: str = "") -> None:
        rows = [
            ("Departments", Department.objects.count(), created.get("departments", 0)),
            (
                "Windows (active)",
                Window.objects.filter(active=True).count(),
                created.get("windows", 0),
            ),
            ("Approval items", ApprovalItem.objects.count(), created.get("items", 0)),
            ("Staff members", StaffMember.objects.count(), created.get("staff", 0)),
            ("Assignments", Assignment.objects.count(), None),
            ("Calendar days", CalendarDay.objects.count(), created.get("calendar days", 0)),
        ]
        self.stdout.write(
            "seed_demo: "
            + ("nothing to do, the demo hall exists." if not created else "demo hall ready.")
        )
        for label, total, new in rows:
            suffix = f"  (+{new})" if new else ""
            self.stdout.write(f"  {label:<18}{total:>6}{suffix}")
        moves = created.get("moves", 0)
        if moves:
            self.stdout.write(f"  {moves} staff members were moved once between windows.")
        if appraisal:
            self.stdout.write(appraisal)
        self.stdout.write("")

    def logins_table(self) -> None:
        rows = [(s.username, s.role, s.full_name) for s in demo_data.DEMO_LOGINS]
        staff_name = (
            StaffMember.objects.filter(employee_no=demo_data.DEMO_STAFF_NO)
            .values_list("name", flat=True)
            .first()
        )
        rows.append((demo_data.DEMO_STAFF_NO, WINDOW_STAFF, staff_name or ""))
        self.stdout.write(f"{'username':<12}{'password':<16}{'role':<20}name")
        for username, role, name in rows:
            self.stdout.write(f"{username:<12}{demo_data.DEMO_PASSWORD:<16}{role:<20}{name}")
