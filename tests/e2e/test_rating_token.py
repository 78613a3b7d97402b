"""A window staff member issues a rating token on a phone (390×844); a citizen rates with it on
their own phone; the staff member's list shows the token as used, and nothing of the rating."""

from __future__ import annotations

import pytest
from django.urls import reverse

from complaints.demo import reasons_seed
from complaints.models import Rating, RatingToken
from tests.e2e.conftest import login
from tests.factories import StaffMemberFactory, WindowFactory


@pytest.fixture
def seated(transactional_db):
    reasons_seed()
    window = WindowFactory(number="A08", name="社保窗口")
    return StaffMemberFactory(employee_no="S0800", window=window, name="窗口员")


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_staff_issue_a_token_a_citizen_rates_with_it_and_it_shows_as_used(
    live_server, page_at, shot, seated, password
):
    staff_page = page_at("phone")
    login(staff_page, live_server, seated.employee_no, password)
    staff_page.goto(f"{live_server.url}{reverse('rating_tokens')}")
    staff_page.click("#token-issue button[type=submit]")
    staff_page.wait_for_selector("#token-qr svg")
    shot(staff_page, "staff-phone-token-issued")
    assert _fits(staff_page)
    url = staff_page.inner_text("#token-url").strip()
    token = RatingToken.objects.get()
    assert url.endswith(reverse("rating_token", args=[token.token]))
    assert staff_page.inner_text("#token-code").strip() == token.token[:6].upper()

    citizen = page_at("phone")  # another browser context: the citizen's own phone
    citizen.goto(url)
    citizen.click("label[for=level-basic]")
    citizen.fill("#id_comment", "等了二十分钟")
    citizen.click("#rate-form button[type=submit]")
    citizen.wait_for_url("**/thanks/")

    staff_page.goto(f"{live_server.url}{reverse('rating_tokens')}")
    assert staff_page.locator("#token-list .token-used").count() == 1
    assert "等了二十分钟" not in staff_page.content()
    shot(staff_page, "staff-phone-token-list")
    assert _fits(staff_page)
    rating = Rating.objects.get()
    assert (rating.token, rating.staff, rating.level) == (token, seated, "basic")

    citizen.goto(url)  # the token is spent
    assert "已" in citizen.content() or "already" in citizen.content()
