"""Each role's pages at the size of the device it is used on: nothing wider than the screen.

Screenshots land in test-artifacts/ to be looked at.
"""

from __future__ import annotations

import pytest
from django.core.management import call_command

from tests.e2e.conftest import login

DEMO_PASSWORD = "hall-demo-2026"

# (login, device, paths, text each page must show)
JOURNEYS = [
    (
        "admin",
        "desktop",
        [
            "/",
            "/staff/",
            "/windows/",
            "/items/",
            "/hall/calendar/",
            "/hall/users/",
            "/hall/profile/",
            "/staff/import/",
            "/appraisal/ledger/",
            "/appraisal/ledger/new/",
            "/appraisal/months/",
            "/appraisal/months/2026-10/",
            "/appraisal/banners/",
            "/appraisal/appeals/",
            "/appraisal/proposals/",
            "/appraisal/rulebooks/",
            "/appraisal/annual/",
            "/appraisal/annual/2026/",
            "/appraisal/months/2026-10/reports/",
            "/ratings/stats/",
            "/ratings/reasons/",
            "/ratings/cases/",
            "/ratings/cases/?state=overdue",
            "/service-guides/",
            "/service-guides/booklets/",
            "/service-guides/materials/",
            "/duty/roster/",
            "/duty/shifts/",
            "/windows/signs/month/",
            "/duty/lost/",
            "/duty/lost/tally/",
            "/complaints/desk/",
            "/complaints/desk/?overdue=1",
            "/complaints/desk/new/",
            "/receipts/",
            "/receipts/applications/?state=pending",
            "/receipts/abnormal/",
        ],
        "沙坪坝",
    ),
    ("admin", "tablet", ["/", "/staff/", "/departments/"], "沙坪坝"),
    ("supervisor", "tablet", ["/"], "A01"),
    ("supervisor", "tablet_portrait", ["/"], "A01"),
    ("supervisor", "tablet", ["/duty/lost/", "/duty/lost/new/", "/duty/lost/tally/"], "拾金不昧"),
    (
        "supervisor",
        "tablet_portrait",
        ["/duty/lost/", "/duty/lost/new/", "/duty/lost/tally/"],
        "拾金不昧",
    ),
    ("S0001", "phone", ["/", "/accounts/password/", "/appraisal/my/", "/ratings/my/"], "高红佳"),
    ("supervisor", "tablet", ["/", "/duty/complaint/"], "A01"),
    ("supervisor", "tablet_portrait", ["/", "/duty/complaint/"], "A01"),
    (
        "S0001",
        "phone",
        ["/", "/accounts/password/", "/appraisal/my/", "/ratings/my/", "/complaints/my/"],
        "高红佳",
    ),
    ("S0001", "phone", ["/ratings/tokens/"], "A01"),
    ("S0001", "phone", ["/notices/"], "通知"),
    # The window PC (1024×768): receipts at window A01.
    (
        "S0001",
        "tablet",
        [
            "/receipts/applications/",
            "/receipts/applications/?state=pending",
            "/receipts/applications/new/",
            "/receipts/",
        ],
        "A01",
    ),
    ("liaison", "phone", ["/", "/appraisal/department/", "/appraisal/department/annual/"], "工商"),
]


@pytest.fixture
def demo_hall(transactional_db):
    call_command("seed_demo", verbosity=0)


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize(
    ("username", "device", "paths", "text"),
    JOURNEYS,
    ids=[f"{j[0]}-{j[1]}-{i}" for i, j in enumerate(JOURNEYS)],
)
def test_role_pages_fit_their_device(
    live_server, page_at, shot, demo_hall, username, device, paths, text
):
    page = page_at(device)
    login(page, live_server, username, DEMO_PASSWORD)
    for path in paths:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        assert text in page.content(), path
        slug = path.strip("/").replace("/", "-") or "home"
        shot(page, f"{username}-{device}-{slug}")
        assert _fits(page), f"{path} is wider than the {device} screen"


def test_login_page_on_a_phone(live_server, page_at, shot, transactional_db):
    page = page_at("phone")
    page.goto(f"{live_server.url}/accounts/login/")
    assert "登录" in page.content()
    shot(page, "anonymous-phone-login")
    assert _fits(page)


@pytest.mark.parametrize("path", ["/complain/", "/complain/track/", "/complain/lodged/"])
def test_public_complaint_pages_on_a_phone(live_server, page_at, shot, demo_hall, path):
    page = page_at("phone")
    response = page.goto(f"{live_server.url}{path}")
    assert response.status == 200
    shot(page, "anonymous-phone-" + path.strip("/").replace("/", "-"))
    assert _fits(page)
