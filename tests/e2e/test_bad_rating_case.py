"""The hall office works a bad-rating case on a desktop: return visit, then the handling;
the staff member sees the outcome on their phone."""

from __future__ import annotations

import pytest
from django.urls import reverse

from complaints import ratings
from complaints.demo import reasons_seed
from complaints.models import BadRatingCase
from tests.e2e.conftest import login
from tests.factories import PASSWORD, StaffMemberFactory, UserFactory, WindowFactory


@pytest.fixture
def bad_case(transactional_db):
    reasons_seed()
    window = WindowFactory(number="A07", name="企业登记窗口")
    member = StaffMemberFactory(window=window, name="窗口员")
    UserFactory(username="office", first_name="王主任", roles=["hall_admin"])
    rating = ratings.rating_submit(
        level="very_dissatisfied",
        window=window,
        reason_codes=["VD01"],
        comment="说话很冲 <b>问多了就不理人</b>",
        name="赵六",
        phone="13912345678",
        device_id="e2e",
        ip="10.0.0.9",
    )
    return rating.case, member


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_the_hall_office_records_a_return_visit_and_a_handling(
    live_server, page_at, shot, bad_case
):
    case, member = bad_case
    page = page_at("tablet")
    login(page, live_server, "office", PASSWORD)
    page.goto(f"{live_server.url}{reverse('bad_rating_case_list')}")
    assert "139****5678" in page.content() and "13912345678" not in page.content()
    shot(page, "admin-bad-rating-cases")
    page.click(f"#case-{case.pk} a")
    assert "13912345678" in page.content()  # the case page shows the contact in full
    assert page.locator("#step-handle").count() == 0  # no handling before the visit

    page.select_option("#id_visit-method", "phone")
    page.select_option("#id_visit-outcome", "verified")
    page.fill("#id_visit-citizen_said", "排队太久，工作人员态度差")
    page.click("#step-visit button[type=submit]")
    page.wait_for_selector("#step-handle")
    assert "排队太久" in page.inner_text("#visits")

    page.check("#step-handle input[value=at_once]")
    page.fill("#id_handle-note", "当场致歉并由窗口负责人现场办结")
    page.click("#step-handle button[type=submit]")
    page.wait_for_selector("text=整改完成")
    shot(page, "admin-bad-rating-case-done")
    assert _fits(page)

    case.refresh_from_db()
    assert (case.state, case.handling) == (BadRatingCase.State.DONE, "at_once")
    assert case.visits.get().citizen_said == "排队太久，工作人员态度差"

    phone = page_at("phone")
    login(phone, live_server, member.user.username, PASSWORD)
    phone.goto(f"{live_server.url}{reverse('rating_my')}")
    assert case.number in phone.content() and "13912345678" not in phone.content()
    shot(phone, "staff-phone-my-ratings-case")
    assert _fits(phone)
