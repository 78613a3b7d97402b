"""Demo receipts for ``seed_demo``: applications at several windows from May to today, each
with its notices (acceptance; correction then acceptance; refusal; one voided), a few still
waiting this week so the correction clocks show every colour, and — when the hall has none —
a red approval seal drawn with Pillow in the Noto CJK font.

Everything goes through ``guides.receipts`` with the event's own time, in time order, so the
serial numbers run with the dates as they would have. Idempotent: nothing is written when an
application exists.
"""

from __future__ import annotations

import datetime
import io
import math
import random
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from guides import receipts
from guides.models import Application, GuideEdition, Receipt
from hall.models import HallProfile
from hall.workcalendar import WorkCalendar
from staff.models import StaffMember
from windows.models import Window

SEAL_FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc")
SEAL_FONT_SC = 2  # the collection's Simplified Chinese face
RED = (200, 16, 30, 255)

COMPANIES = [
    "重庆渝新商贸有限公司",
    "重庆沙磁文化传播有限公司",
    "重庆市沙坪坝区老街坊餐饮店",
    "重庆歌乐山农业开发有限公司",
    "重庆西永微电子科技有限公司",
    "重庆磁器口旅游服务有限公司",
    "重庆嘉陵江建筑劳务有限公司",
    "重庆大学城教育咨询有限公司",
    "重庆天星桥药房连锁有限公司",
    "重庆井口物流有限公司",
]
SURNAMES = "王李张刘陈杨黄赵周吴徐孙马胡朱郭何罗高林"
GIVEN = "建国秀英海燕志强晓梅丽娟明军春华文静玉兰德明红霞小龙思雨"
MISSING_EXTRA = [
    "经营场所产权证明复印件",
    "法定代表人身份证复印件（正反面）",
    "委托代理人授权委托书",
    "近期一寸免冠照片2张",
]
REFUSALS = [
    (
        "申请事项依法不属于本机关职权范围，请向市级主管部门申请。",
        "《中华人民共和国行政许可法》第三十二条第一款第（二）项",
    ),
    (
        "申请人申报的经营项目属于《市场准入负面清单》禁止准入事项。",
        "《市场准入负面清单（2025年版）》；《中华人民共和国行政许可法》第十二条",
    ),
    (
        "申请事项依法不需要取得行政许可，申请人可直接办理备案。",
        "《中华人民共和国行政许可法》第三十二条第一款第（一）项",
    ),
]


# --- the seal -------------------------------------------------------------------------------


def seal_png(hall_name: str, size: int = 480) -> bytes:
    """A red round seal: the hall's name round the top, a star, 行政审批专用章 across."""
    from PIL import Image, ImageDraw, ImageFont

    img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    c = size / 2
    ring = size * 0.035
    edge = ring / 2
    draw.ellipse((edge, edge, size - edge, size - edge), outline=RED, width=int(ring))
    # The five-pointed star in the middle.
    outer, inner = size * 0.13, size * 0.05
    points = []
    for k in range(10):
        r = outer if k % 2 == 0 else inner
        a = -math.pi / 2 + k * math.pi / 5
        points.append((c + r * math.cos(a), c + r * math.sin(a)))
    draw.polygon(points, fill=RED)
    font_size = int(size * 0.095)
    font = ImageFont.truetype(str(SEAL_FONT), font_size, index=SEAL_FONT_SC)
    # The name along the upper arc, each character turned to face the centre.
    chars = list(hall_name)
    span = math.radians(min(250, 22 * len(chars)))
    radius = c - ring - font_size * 0.75
    for i, ch in enumerate(chars):
        angle = -math.pi / 2 - span / 2 + span * (i + 0.5) / len(chars)
        tile = Image.new("RGBA", (font_size * 2, font_size * 2), (0, 0, 0, 0))
        ImageDraw.Draw(tile).text((font_size, font_size), ch, font=font, fill=RED, anchor="mm")
        tile = tile.rotate(-math.degrees(angle) - 90, resample=Image.BICUBIC)
        x = c + radius * math.cos(angle) - font_size
        y = c + radius * math.sin(angle) - font_size
        img.alpha_composite(tile, (int(x), int(y)))
    small = ImageFont.truetype(str(SEAL_FONT), int(size * 0.075), index=SEAL_FONT_SC)
    draw.text((c, c + size * 0.25), "行政审批专用章", font=small, fill=RED, anchor="mm")
    out = io.BytesIO()
    img.save(out, format="PNG", optimize=True)
    return out.getvalue()


def seed_seal() -> bool:
    """Give the demo hall a seal when it has none; False when it has one (or no font)."""
    profile = HallProfile.objects.filter(pk=1).first()
    if profile is None or profile.seal or not SEAL_FONT.exists():
        return False
    profile.seal.save("demo-seal.png", ContentFile(seal_png(profile.name)), save=True)
    from django.core.cache import cache

    from hall.selectors import PROFILE_CACHE_KEY

    cache.delete(PROFILE_CACHE_KEY)
    return True


# --- applications and notices ---------------------------------------------------------------


def _at(day: datetime.date, minutes: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 0))) + (
        datetime.timedelta(minutes=minutes)
    )


def _demo_windows() -> list[tuple[Window, object]]:
    """Windows with a published guide among their items (A01 always), each with the user who
    sits there: up to six."""
    with_guides = set(
        GuideEdition.objects.filter(status=GuideEdition.Status.PUBLISHED).values_list(
            "guide__item_id", flat=True
        )
    )
    seats = {
        s.window_id: s.user
        for s in StaffMember.objects.filter(active=True, window__isnull=False)
        .select_related("user")
        .order_by("-employee_no")
    }
    chosen = []
    for w in Window.objects.filter(active=True).prefetch_related("items").order_by("number"):
        items = [i for i in w.items.all() if i.active]
        if not items or w.pk not in seats:
            continue
        if w.number == "A01" or any(i.pk in with_guides for i in items):
            chosen.append((w, seats[w.pk]))
    a01 = [c for c in chosen if c[0].number == "A01"]
    return (a01 + [c for c in chosen if c[0].number != "A01"])[:6]


@transaction.atomic
def seed_receipts(*, rng_seed: int = 2026, today: datetime.date | None = None) -> dict[str, int]:
    counts = {"seal": int(seed_seal())}
    if Application.objects.exists():
        return counts
    rng = random.Random(rng_seed)
    today = today or timezone.localdate()
    back = today.year * 12 + today.month - 1 - 6  # the demo's months: six before this one
    start = datetime.date(back // 12, back % 12 + 1, 1)
    cal = WorkCalendar(start, today)
    days = [
        start + datetime.timedelta(days=n)
        for n in range((today - start).days)
        if cal.is_working_day(start + datetime.timedelta(days=n))
    ]
    recent = days[-7:]
    older = days[:-8]
    events: list[tuple[datetime.datetime, int, str, dict]] = []
    plans = []
    for w, user in _demo_windows():
        items = [i for i in w.items.all() if i.active]
        for _n in range(24):
            day = rng.choice(older)
            plans.append((w, user, rng.choice(items), _at(day, rng.randint(0, 420)), "old"))
        for _k in range(2):
            # This week's, still without a notice: the clock runs (ok, last day, run out).
            day = recent[min(len(recent) - 1, rng.randrange(len(recent)))]
            plans.append((w, user, rng.choice(items), _at(day, rng.randint(0, 420)), "pending"))
    plans.sort(key=lambda p: p[3])
    for w, user, item, at, kind in plans:
        applicant = (
            rng.choice(COMPANIES)
            if rng.random() < 0.6
            else rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, 2))
        )
        company = applicant.endswith(("公司", "店"))
        app = receipts.application_register(
            actor=user,
            window=w,
            item=item,
            applicant_name=applicant,
            applicant_id=(
                f"91500106MA{rng.randrange(10**7):07d}{rng.choice('XYZ')}"
                if company
                else f"500106{rng.randint(1960, 2000)}{rng.randint(1, 12):02d}"
                f"{rng.randint(1, 28):02d}{rng.randrange(10**4):04d}"
            ),
            contact=f"1{rng.choice('3589')}{rng.randrange(10**9):09d}",
            now=at,
        )
        if kind == "pending":
            continue
        r = rng.random()
        soon = at + datetime.timedelta(minutes=rng.randint(8, 40))
        if r < 0.68:
            events.append((soon, app.pk, Receipt.Kind.ACCEPTANCE, {}))
        elif r < 0.86:
            events.append((soon, app.pk, Receipt.Kind.CORRECTION, {}))
            if rng.random() < 0.8:
                i = days.index(at.date()) + rng.randint(1, 6)
                if i < len(days) - 8:
                    later = _at(days[i], rng.randint(0, 420))
                    events.append((later, app.pk, Receipt.Kind.ACCEPTANCE, {}))
        else:
            reason, basis = rng.choice(REFUSALS)
            events.append(
                (soon, app.pk, Receipt.Kind.REFUSAL, {"reason": reason, "legal_basis": basis})
            )
    events.sort(key=lambda e: e[0])
    apps = {a.pk: a for a in Application.objects.select_related("window", "item")}
    issuers = {w.pk: u for w, u in _demo_windows()}
    issued = 0
    voided = False
    admin = get_user_model().objects.filter(username="admin").first()
    for at, pk, kind, extra in events:
        app = apps[pk]
        if kind == Receipt.Kind.CORRECTION:
            edition = receipts.current_edition(app.item)
            materials = [m.pk for m in edition.materials.all()][:2] if edition else []
            extra = {
                "materials": materials[: rng.randint(1, 2)] if materials else [],
                "other_materials": [] if materials else [rng.choice(MISSING_EXTRA)],
            }
        receipt = receipts.receipt_issue(
            actor=issuers[app.window_id], application=app, kind=kind, now=at, **extra
        )
        issued += 1
        if admin is not None and not voided and kind == Receipt.Kind.REFUSAL:
            # A refusal typed on the wrong application: voided (its number kept), then the
            # acceptance it should have been.
            receipts.receipt_void(
                actor=admin,
                receipt=receipt,
                reason="误选申请，作废后重新出具受理通知书。",
                now=at + datetime.timedelta(minutes=1),
            )
            receipts.receipt_issue(
                actor=admin,
                application=app,
                kind=Receipt.Kind.ACCEPTANCE,
                now=at + datetime.timedelta(minutes=2),
            )
            issued += 1
            voided = True
    counts.update({"applications": len(plans), "receipts": issued})
    return counts
