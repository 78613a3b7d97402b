"""The duty supervisor on a tablet (1024×768, and 768×1024 portrait): opens the shift, taps a
reception counter, records a failed inspection item that lands in the hall office's queue of
proposals; a tap whose answer is lost on the network is sent again and saved once."""

from __future__ import annotations

import pytest
from django.utils import timezone

from appraisal.models import EntryProposal, Rule, ScoreEntry
from hall.models import DutyLogEntry, DutyRosterDay
from tests.appraisal.factories import RuleFactory
from tests.e2e.conftest import login
from tests.factories import PASSWORD

TINY_PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
    b"\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture
def on_duty_today(
    transactional_db, supervisor_user, staff_member, other_window, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    DutyRosterDay.objects.create(date=timezone.localdate(), supervisor=supervisor_user)
    return RuleFactory(
        code="S-05", title="着装不规范", category=Rule.Category.DRESS, min_points=-2, max_points=-1
    )


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def _saved(page) -> None:
    page.wait_for_selector("#duty-sync.saved")


@pytest.mark.django_db(transaction=True)
def test_a_shift_on_the_tablet_from_opening_to_a_proposed_deduction(
    live_server, page_at, shot, on_duty_today, staff_member, admin_user
):
    page = page_at("tablet")
    login(page, live_server, "supervisor", PASSWORD)
    assert _fits(page)
    shot(page, "duty-home-closed-1024")

    page.click("#open-shift")
    page.wait_for_selector("#counter-guided")
    page.click("#counter-guided")
    _saved(page)
    assert page.inner_text("[data-tally=guided]") == "1"
    assert DutyLogEntry.objects.filter(kind="reception", counter="guided").count() == 1
    shot(page, "duty-home-open-1024")
    assert _fits(page)

    page.click("a.duty-btn[href$='/duty/inspection/']")
    page.click(f"#inspect-{staff_member.window.number}")
    page.click("label[for=dress-result-fail]")
    page.fill("#id_dress-finding", "未佩戴工作牌")
    page.select_option("#id_dress-subject", f"staff:{staff_member.pk}")
    page.select_option("#id_dress-rule", str(on_duty_today.pk))
    page.set_input_files(
        "#id_dress-photo", files=[{"name": "d.png", "mimeType": "image/png", "buffer": TINY_PNG}]
    )
    shot(page, "duty-inspection-window-1024")
    assert _fits(page)
    page.click("#save-inspection")
    page.wait_for_url(f"{live_server.url}/duty/inspection/")
    assert "border-success" in page.get_attribute(f"#inspect-{staff_member.window.number}", "class")

    proposal = EntryProposal.objects.get()
    assert (proposal.status, proposal.staff, proposal.points) == ("pending", staff_member, -1)
    assert proposal.evidence_file
    assert not ScoreEntry.objects.exists()

    office = page_at("desktop")
    login(office, live_server, "admin", PASSWORD)
    office.goto(f"{live_server.url}/appraisal/proposals/")
    assert "未佩戴工作牌" in office.inner_text("#proposals")


@pytest.mark.django_db(transaction=True)
def test_a_tap_whose_answer_is_lost_is_sent_again_and_saved_once(
    live_server, page_at, shot, on_duty_today
):
    page = page_at("tablet")
    login(page, live_server, "supervisor", PASSWORD)
    page.click("#open-shift")
    page.wait_for_selector("#counter-led")

    lost = []

    def drop_the_answer(route):
        if not lost:
            lost.append(route.fetch())  # the server saves it; the tablet never hears back
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route("**/duty/reception/", drop_the_answer)
    page.click("#counter-led")
    page.wait_for_selector("#duty-sync.waiting")
    assert page.evaluate("window.hallDuty.outbox().length") == 1
    shot(page, "duty-home-waiting-1024")

    page.evaluate("window.hallDuty.flush()")
    _saved(page)
    assert page.evaluate("window.hallDuty.outbox().length") == 0
    assert DutyLogEntry.objects.filter(kind="reception").count() == 1
    assert lost and lost[0].status == 201


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("path", ["/", "/duty/inspection/", "/duty/incident/", "/duty/roster/"])
def test_duty_pages_fit_the_tablet_in_portrait(live_server, page_at, shot, on_duty_today, path):
    page = page_at("tablet_portrait")
    login(page, live_server, "supervisor", PASSWORD)
    if path == "/":
        page.click("#open-shift")
        page.wait_for_selector("#counter-guided")
    page.goto(f"{live_server.url}{path}")
    shot(page, "duty-portrait-" + (path.strip("/").replace("/", "-") or "home"))
    assert _fits(page)
    small = page.evaluate(
        """[...document.querySelectorAll('main .btn, main select, main input:not([type=hidden])')]
        .filter(el => el.offsetParent && !el.classList.contains('btn-check'))
        .map(el => el.classList.contains('form-check-input') ? el.closest('.form-check') : el)
        .filter(el => el.getBoundingClientRect().height < 44)
        .map(el => el.outerHTML.slice(0, 80))"""
    )
    assert small == []
