"""A citizen rates a window on a phone (390×844) through the window's QR page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from complaints.demo import reasons_seed
from complaints.models import Rating
from complaints.ratings import window_codes
from tests.factories import StaffMemberFactory, WindowFactory


@pytest.fixture
def seated_window(transactional_db):
    reasons_seed()
    window = WindowFactory(number="A07", name="企业登记窗口")
    member = StaffMemberFactory(window=window, name="窗口员", phone="13800001111")
    return window, member


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_a_citizen_rates_a_window_through_its_qr_page_on_a_phone(
    live_server, page_at, shot, seated_window
):
    window, member = seated_window
    code = window_codes([window])[window.pk]
    page = page_at("phone")
    page.goto(f"{live_server.url}{reverse('rating_form', args=[code])}")
    assert "A07" in page.content() and member.phone not in page.content()
    assert not page.is_visible("text=等候时间过长")  # a level's reasons wait for the level
    shot(page, "citizen-phone-rate")
    assert _fits(page)

    page.click("label[for=level-dissatisfied]")
    page.click("label[for=reason-D01]")
    page.fill("#id_comment", "排队一个多小时 <b>没人管</b>")
    page.click("summary")
    page.fill("#id_name", "赵六")
    page.fill("#id_phone", "13912345678")
    shot(page, "citizen-phone-rate-filled")
    assert _fits(page)
    page.click("#rate-form button[type=submit]")
    page.wait_for_url("**/thanks/")
    assert "A07" in page.content()
    shot(page, "citizen-phone-thanks")

    rating = Rating.objects.get()
    assert (rating.window, rating.staff, rating.level) == (window, member, "dissatisfied")
    assert list(rating.reasons.values_list("code", flat=True)) == ["D01"]
    assert rating.comment == "排队一个多小时 <b>没人管</b>"
    assert rating.phone == "13912345678"


def test_the_kiosk_returns_to_a_blank_form_after_a_rating(
    live_server, page_at, seated_window, settings
):
    settings.HALL_RATING_KIOSK_RETURN_SECONDS = 1
    window, _member = seated_window
    code = window_codes([window])[window.pk]
    kiosk = f"{live_server.url}{reverse('rating_kiosk', args=[code])}"
    page = page_at("tablet")
    page.goto(kiosk)
    page.click("label[for=level-very_satisfied]")
    page.click("#rate-form button[type=submit]")
    page.wait_for_url("**/thanks/?kiosk=1")
    page.wait_for_url(kiosk, timeout=10_000)
    assert page.locator("input[name=level]:checked").count() == 0
    # Nothing of the choice is kept in the browser (htmx keeps only the page's path).
    stored = page.evaluate("JSON.stringify([{...localStorage}, {...sessionStorage}])")
    assert "satisf" not in stored
    assert all("satisf" not in c["value"] for c in page.context.cookies())
    assert Rating.objects.count() == 1
