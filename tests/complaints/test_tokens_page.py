"""The window's page for issuing rating tokens: access, the QR code, one rating per token, and
the staff member never seeing the rating a token produced."""

from __future__ import annotations

import pytest
from django.urls import reverse

from complaints.models import Level, Rating, RatingToken
from complaints.ratings import token_issue
from tests.factories import DepartmentFactory, StaffMemberFactory
from tests.helpers import tr

pytestmark = pytest.mark.django_db

GOOD = {"level": Level.VERY_DISSATISFIED, "comment": "态度差劲的具体评论"}


def issue(client) -> RatingToken:
    response = client.post(reverse("rating_tokens"))
    token = RatingToken.objects.latest("id")
    assert response.status_code == 302
    assert response["Location"] == reverse("rating_token_show", args=[token.pk])
    return token


def test_staff_issue_a_token_naming_themselves_at_their_window(staff, staff_member, reasons):
    token = issue(staff)
    assert (token.window, token.staff) == (staff_member.window, staff_member)
    assert not Rating.objects.filter(token=token).exists()
    assert token.issued_by == staff_member.user


def test_the_token_page_shows_a_qr_code_and_the_printed_code(staff, reasons):
    token = issue(staff)
    body = staff.get(reverse("rating_token_show", args=[token.pk])).content.decode()
    assert "<svg" in body and 'id="token-qr"' in body
    assert token.token[:6].upper() in body
    assert reverse("rating_token", args=[token.token]) in body


def test_a_token_rates_once_and_then_shows_as_used_without_the_rating(
    staff, anonymous, staff_member, reasons
):
    token = issue(staff)
    url = reverse("rating_token", args=[token.token])
    assert anonymous.post(url, GOOD).status_code == 302
    assert anonymous.post(url, {**GOOD, "level": Level.SATISFIED}).status_code == 410
    assert Rating.objects.filter(token=token, staff=staff_member).count() == 1
    show = staff.get(reverse("rating_token_show", args=[token.pk])).content.decode()
    assert 'id="token-state"' in show and 'id="token-qr"' not in show
    listing = staff.get(reverse("rating_tokens")).content.decode()
    assert "token-used" in listing
    for page in (show, listing):  # nothing of what the citizen chose or wrote
        assert "态度差劲" not in page
        assert str(Level.VERY_DISSATISFIED.label) not in page and "非常不满意" not in page


def test_another_windows_token_is_not_found(other_staff, staff_member, reasons):
    token = token_issue(window=staff_member.window)
    assert other_staff.get(reverse("rating_token_show", args=[token.pk])).status_code == 404


def test_the_list_shows_only_the_windows_tokens(staff, staff_member, other_staff_member):
    mine = token_issue(window=staff_member.window)
    theirs = token_issue(window=other_staff_member.window)
    body = staff.get(reverse("rating_tokens")).content.decode()
    assert mine.token[:6].upper() in body and theirs.token[:6].upper() not in body


def test_staff_without_a_window_are_told_and_nothing_is_issued(client, db):
    member = StaffMemberFactory(window=None, department=DepartmentFactory())
    client.force_login(member.user)
    response = client.post(reverse("rating_tokens"), follow=True)
    assert tr("You are not seated at a window, so you cannot issue tokens.") in (
        response.content.decode()
    )
    assert not RatingToken.objects.exists()


def test_other_roles_cannot_issue(admin, supervisor):
    for client in (admin, supervisor):
        assert client.post(reverse("rating_tokens")).status_code == 403
    assert not RatingToken.objects.exists()
