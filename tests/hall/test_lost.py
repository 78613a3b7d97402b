# ruff: noqa: F811  (fixtures imported by name from tests.hall.duty_support)
"""Lost property at the duty desk (拾金不昧): registering an item once however often it is
sent, bad input refused whole, the return that proposes the finder's commendation (once),
the owner masked outside the item's page, the year's tally."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from appraisal.models import EntryProposal, Rule, ScoreEntry
from appraisal.proposals import proposal_confirm
from hall import lost
from hall.demo_lost import seed_lost
from hall.models import LostProperty, LostPropertyPhoto
from hall.text import mask_name
from tests.appraisal.factories import RuleFactory
from tests.factories import StaffMemberFactory, UserFactory, WindowFactory
from tests.hall.duty_support import (  # noqa: F401  (fixtures)
    JSON,
    SHANGHAI,
    TODAY,
    clock,
    fake_png,
    key,
    media,
    png,
    rostered,
    shift,
)
from tests.helpers import tr

pytestmark = pytest.mark.django_db
FOUND = "2026-04-15T09:30"
NOW = datetime.datetime(2026, 4, 15, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture
def staff_rule(db):
    return RuleFactory(
        code="S-P01",
        title="拾金不昧",
        category=Rule.Category.LOST_PROPERTY,
        min_points=2,
        max_points=2,
        monthly_cap=6,
    )


@pytest.fixture
def window_rule(db):
    return RuleFactory(
        code="W-P01",
        title="窗口拾金不昧",
        category=Rule.Category.LOST_PROPERTY,
        applies_to=Rule.Subject.WINDOW,
        min_points=2,
        max_points=2,
    )


def _form(staff_member, **extra) -> dict:
    data = {
        "key": key(),
        "item": "钱包",
        "description": "黑色皮质钱包，内有现金约300元",
        "found_place": "一楼等候区",
        "found_at": FOUND,
        "window": staff_member.window_id,
        "staff": staff_member.pk,
    }
    data.update(extra)
    return {k: v for k, v in data.items() if v is not None}


def _held(user, staff_member, **extra) -> LostProperty:
    item, _created = lost.lost_register(
        actor=user,
        key=key(),
        item=extra.pop("item", "钱包"),
        found_place="一楼等候区",
        found_at=NOW - datetime.timedelta(hours=1),
        staff=staff_member,
        **extra,
    )
    return item


# --- registering ---------------------------------------------------------------------------


def test_the_supervisor_registers_a_found_item_with_photos(supervisor, shift, staff_member, media):
    response = supervisor.post(
        reverse("lost_new"), _form(staff_member, photos=[png("a.png"), png("b.png")])
    )

    item = LostProperty.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("lost_detail", args=[item.pk])
    assert (item.item, item.found_by_staff, item.found_by_window) == (
        "钱包",
        staff_member,
        staff_member.window,
    )
    assert item.shift == shift and item.status == LostProperty.Status.HELD
    assert item.found_at == datetime.datetime(2026, 4, 15, 9, 30, tzinfo=SHANGHAI)
    assert item.photos.count() == 2
    assert all(p.photo.name.startswith("lost/2026/04/") for p in item.photos.all())


def test_the_same_submission_sent_three_times_is_one_item(supervisor, shift, staff_member, media):
    data = _form(staff_member)

    answers = [supervisor.post(reverse("lost_new"), data, **JSON) for _ in range(3)]

    assert [a.status_code for a in answers] == [201, 200, 200]
    assert LostProperty.objects.count() == 1
    item = LostProperty.objects.get()
    assert {a.json()["id"] for a in answers} == {item.pk}
    assert answers[0].json()["url"] == reverse("lost_detail", args=[item.pk])


def test_a_window_alone_can_be_the_finder(supervisor, shift, window, media):
    response = supervisor.post(
        reverse("lost_new"), _form(StaffMemberFactory(window=window), staff="")
    )

    item = LostProperty.objects.get()
    assert response.status_code == 302
    assert item.found_by_window == window and item.found_by_staff is None


def test_a_staff_member_alone_brings_their_window(supervisor_user, shift, staff_member):
    item = _held(supervisor_user, staff_member)

    assert item.found_by_window == staff_member.window


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        ({"found_at": "2026-04-15T11:00"}, "found_at", "The time it was found is in the future."),
        (
            {"window": None, "staff": None},
            "window",
            "Choose the window, or the staff member, who found it.",
        ),
        ({"item": "  "}, "item", "This field is required."),
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(
    supervisor, shift, staff_member, media, extra, field, message
):
    response = supervisor.post(reverse("lost_new"), _form(staff_member, **extra), **JSON)

    assert response.status_code == 422
    assert any(tr(message) in m for m in response.json()["errors"][field])
    assert not LostProperty.objects.exists()


def test_a_staff_member_of_another_window_is_refused(
    supervisor, shift, staff_member, other_window, media
):
    response = supervisor.post(
        reverse("lost_new"), _form(staff_member, window=other_window.pk), **JSON
    )

    assert response.status_code == 422
    assert "B01" in response.json()["errors"]["staff"][0]
    assert not LostProperty.objects.exists()


def test_a_photo_that_is_not_an_image_is_refused(supervisor, shift, staff_member, media):
    response = supervisor.post(
        reverse("lost_new"), _form(staff_member, photos=[png("ok.png"), fake_png()])
    )

    assert response.status_code == 422
    assert tr("The file is not a valid image.") in response.content.decode()
    assert not LostProperty.objects.exists() and not LostPropertyPhoto.objects.exists()


def test_a_photo_over_the_limit_is_refused(supervisor, shift, staff_member, media, settings):
    settings.HALL_IMAGE_MAX_BYTES = 10

    response = supervisor.post(reverse("lost_new"), _form(staff_member, photos=[png()]), **JSON)

    assert response.status_code == 422
    assert "KB" in response.json()["errors"]["photos"][0]
    assert not LostProperty.objects.exists()


def test_more_than_five_photos_are_refused(supervisor, shift, staff_member, media):
    photos = [png(f"{i}.png") for i in range(lost.MAX_PHOTOS + 1)]

    response = supervisor.post(reverse("lost_new"), _form(staff_member, photos=photos), **JSON)

    assert response.status_code == 422
    assert not LostProperty.objects.exists()


def test_a_supervisor_without_an_open_shift_is_refused(supervisor, rostered, staff_member):
    response = supervisor.post(reverse("lost_new"), _form(staff_member), **JSON)

    assert response.status_code == 422
    assert (
        tr("You have no open shift: open the shift before registering lost property.")
        in (response.json()["errors"]["__all__"])
    )
    assert not LostProperty.objects.exists()


def test_the_hall_office_registers_without_a_shift(admin, clock, staff_member):
    response = admin.post(reverse("lost_new"), _form(staff_member))

    assert response.status_code == 302
    assert LostProperty.objects.get().shift is None


def test_the_register_form_has_window_tiles_staff_and_the_camera(supervisor, shift, staff_member):
    body = supervisor.get(reverse("lost_new")).content.decode()

    assert 'id="lost-window-A01"' in body
    assert f'data-window="{staff_member.window_id}"' in body and staff_member.name in body
    assert 'accept="image/*" capture="environment" multiple' in body


# --- closing: returned, to the police, unclaimed --------------------------------------------


def _close(client, item, **extra):
    data = {
        "status": "returned",
        "closed_at": "2026-04-15T09:55",
        "owner_name": "陈志强",
        "owner_phone": "13912345678",
        "note": "",
    }
    data.update(extra)
    return client.post(reverse("lost_close", args=[item.pk]), data, follow=True)


def test_a_return_proposes_a_commendation_for_the_finder(
    supervisor, supervisor_user, shift, staff_member, staff_rule
):
    item = _held(supervisor_user, staff_member)

    response = _close(supervisor, item)

    item.refresh_from_db()
    assert item.status == "returned" and item.owner_name == "陈志强"
    proposal = EntryProposal.objects.get()
    assert item.proposal == proposal
    assert (proposal.staff, proposal.window, proposal.rule) == (staff_member, None, staff_rule)
    assert proposal.points == Decimal("2") and proposal.status == "pending"
    assert proposal.source == ScoreEntry.Source.LOST_PROPERTY
    assert proposal.source_id == str(item.pk) and proposal.occurred_on == TODAY
    assert proposal.proposed_by == supervisor_user
    assert "钱包" in proposal.evidence and "陈志强" not in proposal.evidence
    assert (
        tr(
            "A commendation (%(points)s) for the finder is proposed to the hall office.",
            points="+2",
        )
        in response.content.decode()
    )


def test_a_find_by_a_window_proposes_the_window_rule(
    supervisor, supervisor_user, shift, window, staff_rule, window_rule
):
    item, _ = lost.lost_register(
        actor=supervisor_user,
        key=key(),
        item="身份证",
        found_place="窗口台面",
        found_at=NOW - datetime.timedelta(hours=1),
        window=window,
    )

    _close(supervisor, item)

    proposal = EntryProposal.objects.get()
    assert (proposal.window, proposal.staff, proposal.rule) == (window, None, window_rule)


def test_a_second_return_is_refused_and_proposes_nothing_more(
    supervisor, supervisor_user, shift, staff_member, staff_rule
):
    item = _held(supervisor_user, staff_member)
    _close(supervisor, item)

    response = _close(supervisor, item, owner_name="别人")

    assert response.status_code == 422
    assert "别人" not in LostProperty.objects.values_list("owner_name", flat=True)
    assert EntryProposal.objects.count() == 1


def test_a_return_before_the_find_is_refused(
    supervisor, supervisor_user, shift, staff_member, staff_rule
):
    item = _held(supervisor_user, staff_member)

    response = _close(supervisor, item, closed_at="2026-04-14T16:00")

    assert response.status_code == 422
    assert (
        tr("This is before the item was found (%(found)s).", found="2026-04-15 09:00")
        in response.content.decode()
    )
    item.refresh_from_db()
    assert item.status == "held" and item.closed_at is None and item.owner_name == ""
    assert not EntryProposal.objects.exists()


@pytest.mark.parametrize(
    ("extra", "field_message"),
    [
        ({"owner_name": ""}, "Write the owner's name."),
        ({"owner_phone": ""}, "Write the owner's phone."),
        (
            {"owner_phone": "12345"},
            "Enter an 11-digit mobile number or a landline such as 023-65312345.",
        ),
        ({"closed_at": "2026-04-16T09:00"}, "This is in the future."),
    ],
)
def test_a_return_with_bad_owner_details_is_refused(
    supervisor, supervisor_user, shift, staff_member, staff_rule, extra, field_message
):
    item = _held(supervisor_user, staff_member)

    response = _close(supervisor, item, **extra)

    assert response.status_code == 422
    assert tr(field_message) in response.content.decode()
    item.refresh_from_db()
    assert item.status == "held" and not EntryProposal.objects.exists()


def test_handed_to_the_police_needs_no_owner_and_proposes_nothing(
    supervisor, supervisor_user, shift, staff_member, staff_rule
):
    item = _held(supervisor_user, staff_member)

    _close(supervisor, item, status="police", owner_name="", owner_phone="", note="沙坪坝派出所")

    item.refresh_from_db()
    assert item.status == "police" and item.closing_note == "沙坪坝派出所"
    assert not EntryProposal.objects.exists()


def test_a_return_without_a_rule_in_force_is_saved_and_says_so(
    supervisor, supervisor_user, shift, staff_member
):
    item = _held(supervisor_user, staff_member)

    response = _close(supervisor, item)

    item.refresh_from_db()
    assert item.status == "returned" and item.proposal is None
    assert not EntryProposal.objects.exists()
    assert (
        tr("No rule for returned lost property is in force; the hall office must add one.")
        in response.content.decode()
    )


def test_the_admin_confirms_the_commendation_into_the_ledger(
    supervisor, supervisor_user, admin, admin_user, shift, staff_member, staff_rule
):
    item = _held(supervisor_user, staff_member)
    _close(supervisor, item)
    proposal = EntryProposal.objects.get()

    queue = admin.get(reverse("appraisal_proposal_list")).content.decode()
    entry = proposal_confirm(author=admin_user, proposal=proposal)

    assert "钱包" in queue and staff_member.name in queue
    assert entry.source == ScoreEntry.Source.LOST_PROPERTY and entry.points == 2
    assert entry.staff == staff_member


# --- masking and escaping ------------------------------------------------------------------


def test_the_owner_is_masked_in_the_register_and_whole_on_the_item_page(
    supervisor, admin, supervisor_user, shift, staff_member, staff_rule
):
    item = _held(supervisor_user, staff_member)
    _close(supervisor, item)

    listing = admin.get(reverse("lost_list")).content.decode()
    page = supervisor.get(reverse("lost_detail", args=[item.pk])).content.decode()

    assert "陈**" in listing and "139****5678" in listing
    assert "陈志强" not in listing and "13912345678" not in listing
    assert "陈志强" in page and "13912345678" in page


def test_mask_name_keeps_the_surname_only():
    assert mask_name("陈志强") == "陈**"
    assert mask_name("王五") == "王*"
    assert mask_name("欧阳小明") == "欧阳**"
    assert mask_name("") == ""


def test_html_in_an_item_is_shown_as_text(supervisor, supervisor_user, shift, staff_member):
    item = _held(supervisor_user, staff_member, item="<b>钱包</b>")

    body = supervisor.get(reverse("lost_detail", args=[item.pk])).content.decode()

    assert "&lt;b&gt;钱包&lt;/b&gt;" in body and "<b>钱包</b>" not in body


def test_a_photo_is_served_to_the_duty_desk_only(
    supervisor, staff, supervisor_user, shift, staff_member, media
):
    item = _held(supervisor_user, staff_member, photos=[png()])
    photo = item.photos.get()
    url = reverse("lost_photo", args=[item.pk, photo.pk])

    assert supervisor.get(url).status_code == 200
    assert staff.get(url).status_code == 403


# --- the register and the tally ------------------------------------------------------------


def test_the_register_lists_held_items_first_and_filters(
    admin, supervisor, supervisor_user, shift, staff_member, other_staff_member, staff_rule
):
    returned = _held(supervisor_user, staff_member, item="手机")
    _close(supervisor, returned)
    held = _held(supervisor_user, other_staff_member, item="钥匙")

    body = admin.get(reverse("lost_list")).content.decode()
    only_returned = admin.get(reverse("lost_list"), {"status": "returned"}).content.decode()
    by_window = admin.get(
        reverse("lost_list"), {"window": other_staff_member.window_id, "year": 2026}
    ).content.decode()

    assert body.index("钥匙") < body.index("手机")
    assert "手机" in only_returned and "钥匙" not in only_returned
    assert "钥匙" in by_window and "手机" not in by_window
    assert held.status == "held"


def test_the_tally_counts_windows_and_person_times(admin, supervisor_user, shift):
    w1, w2 = WindowFactory(number="A05"), WindowFactory(number="A06")
    a, b = StaffMemberFactory(window=w1, name="甲"), StaffMemberFactory(window=w2, name="乙")
    for finder in (a, a, b):
        _held(supervisor_user, finder)
    lost.lost_register(
        actor=supervisor_user, key=key(), item="伞", found_place="门口", found_at=NOW, window=w2
    )

    t = lost.tally(2026)
    body = admin.get(reverse("lost_tally"), {"year": 2026}).content.decode()

    assert (t.windows, t.person_times, t.items) == (2, 3, 4)
    assert [(r.label, r.items) for r in t.by_person] == [("甲", 2), ("乙", 1)]
    assert [r.items for r in t.by_window] == [2, 2]
    assert 'id="tally-windows">2<' in body and 'id="tally-person-times">3<' in body
    assert lost.tally(2025).items == 0


def test_the_pages_call_a_found_thing_an_item_not_an_approval_item(
    admin, supervisor, supervisor_user, shift, staff_member
):
    # "Item" has its own msgid in lost property: 物品, not the approval item's 事项.
    _held(supervisor_user, staff_member)

    form = supervisor.get(reverse("lost_new")).content.decode()
    register = admin.get(reverse("lost_list")).content.decode()
    tally = admin.get(reverse("lost_tally"), {"year": 2026}).content.decode()

    assert '<label class="form-label" for="id_item">物品</label>' in form
    assert "<th>物品</th>" in register and 'data-label="物品"' in register
    assert "共 1 件" in register
    assert '<th class="text-end">物品</th>' in tally
    assert "<th>事项</th>" not in register and ">事项<" not in tally


def test_the_tablet_home_links_to_the_register(supervisor, shift):
    body = supervisor.get(reverse("home")).content.decode()

    assert reverse("lost_list") in body


# --- the demo ------------------------------------------------------------------------------


def test_the_demo_has_the_seeds_half_year_of_finds(db, clock):
    UserFactory(username="supervisor", roles=["duty_supervisor"])
    for _ in range(8):
        StaffMemberFactory()
    RuleFactory(code="S-P01", category=Rule.Category.LOST_PROPERTY, min_points=2, max_points=2)

    created = seed_lost(today=TODAY)
    t = lost.tally(2026)

    assert (t.windows, t.person_times) == (7, 15)
    assert LostProperty.objects.filter(status="held").count() == 2
    assert LostProperty.objects.filter(status="returned").count() >= 12
    assert created["lost property"] == 16
    assert not seed_lost(today=TODAY)  # a second run writes nothing
