"""Lost property on the duty tablet (1024×768 and 768×1024): the supervisor registers a found
wallet in a few taps (an item, a window tile, its staff member, a place, a photo), marks it
returned to its owner, and the hall office finds the finder's proposed commendation in its
queue."""

from __future__ import annotations

import pytest
from django.utils import timezone

from appraisal.models import EntryProposal, Rule, ScoreEntry
from hall.models import DutyRosterDay, LostProperty
from tests.appraisal.factories import RuleFactory
from tests.e2e.conftest import login
from tests.e2e.test_duty_tablet import TINY_PNG
from tests.factories import PASSWORD


@pytest.fixture
def on_duty_today(
    transactional_db, supervisor_user, staff_member, other_window, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    DutyRosterDay.objects.create(date=timezone.localdate(), supervisor=supervisor_user)
    return RuleFactory(
        code="S-P01",
        title="拾金不昧",
        category=Rule.Category.LOST_PROPERTY,
        min_points=2,
        max_points=2,
    )


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def _small_targets(page) -> list[str]:
    return page.evaluate(
        """[...document.querySelectorAll(
            'main .btn, main select, main input:not([type=hidden]), main label.lost-tile')]
        .filter(el => el.offsetParent && !el.classList.contains('btn-check'))
        .filter(el => el.getBoundingClientRect().height < 44)
        .map(el => el.outerHTML.slice(0, 80))"""
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("size", ["tablet", "tablet_portrait"])
def test_a_found_wallet_is_registered_returned_and_proposed(
    live_server, page_at, shot, on_duty_today, staff_member, admin_user, size
):
    tag = "1024" if size == "tablet" else "768"
    page = page_at(size)
    login(page, live_server, "supervisor", PASSWORD)
    page.click("#open-shift")
    page.wait_for_selector("#counter-guided")
    page.click("#lost-link")
    page.click("#lost-new")

    page.click("button[data-value='钱包']")
    page.click(f"#lost-window-{staff_member.window.number}")
    page.click(f"label[for=ls-{staff_member.pk}]")
    page.click("button[data-value='一楼等候区']")
    page.set_input_files(
        "#id_photos", files=[{"name": "w.png", "mimeType": "image/png", "buffer": TINY_PNG}]
    )
    shot(page, f"lost-new-{tag}")
    assert _fits(page) and _small_targets(page) == []
    page.click("#lost-save")

    page.wait_for_selector("#lost-close")
    item = LostProperty.objects.get()
    assert (item.item, item.found_by_staff, item.photos.count()) == ("钱包", staff_member, 1)
    page.fill("#id_owner_name", "陈志强")
    page.fill("#id_owner_phone", "13912345678")
    shot(page, f"lost-detail-held-{tag}")
    assert _fits(page) and _small_targets(page) == []
    page.click("#lost-close-save")
    page.wait_for_selector("#lost-proposal")
    shot(page, f"lost-detail-returned-{tag}")
    assert "13912345678" in page.inner_text("#lost-owner")

    page.click("text=‹ 拾金不昧")
    listing = page.inner_text("#lost")
    assert "139****5678" in listing and "13912345678" not in listing
    shot(page, f"lost-list-{tag}")
    assert _fits(page)

    proposal = EntryProposal.objects.get()
    assert (proposal.staff, proposal.source, proposal.status) == (
        staff_member,
        ScoreEntry.Source.LOST_PROPERTY,
        "pending",
    )
    office = page_at("desktop")
    login(office, live_server, "admin", PASSWORD)
    office.goto(f"{live_server.url}/appraisal/proposals/")
    queue = office.inner_text("#proposals")
    assert "钱包" in queue and staff_member.name in queue


@pytest.mark.django_db(transaction=True)
def test_a_photo_waiting_for_the_network_goes_with_the_resend_from_another_page(
    live_server, page_at, shot, on_duty_today, staff_member
):
    page = page_at("tablet")
    login(page, live_server, "supervisor", PASSWORD)
    page.click("#open-shift")
    page.wait_for_selector("#counter-guided")
    page.goto(f"{live_server.url}/duty/lost/new/")
    page.click("button[data-value='手机']")
    page.click(f"#lost-window-{staff_member.window.number}")
    page.click(f"label[for=ls-{staff_member.pk}]")
    page.click("button[data-value='填表台']")
    page.set_input_files(
        "#id_photos", files=[{"name": "p.png", "mimeType": "image/png", "buffer": TINY_PNG}]
    )

    page.route("**/duty/lost/new/", lambda route: route.abort("internetdisconnected"))
    page.click("#lost-save")
    page.wait_for_selector("#duty-sync.waiting")
    assert not LostProperty.objects.exists()
    shot(page, "lost-new-waiting-1024")
    page.unroute("**/duty/lost/new/")

    # The supervisor walks away to the floor: that page sends what is waiting, photo and all.
    page.goto(f"{live_server.url}/")
    page.wait_for_selector("#duty-sync.saved")
    assert page.evaluate("window.hallDuty.outbox().length") == 0
    item = LostProperty.objects.get()
    assert (item.item, item.photos.count()) == ("手机", 1)
    assert item.photos.get().photo.read() == TINY_PNG
    stored = page.evaluate(
        """new Promise(done => { const r = indexedDB.open("hall-duty-photos", 1);
        r.onsuccess = () => { const q = r.result.transaction("photos").objectStore("photos")
        .count(); q.onsuccess = () => done(q.result); }; })"""
    )
    assert stored == 0  # confirmed: nothing left behind on the tablet
