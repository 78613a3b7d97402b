"""The bad-rating case pages: masking, the forms for the next steps, refused skips, the staff
member's request for review."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from complaints import ratings
from complaints.models import BadRatingCase, Level
from tests.helpers import tr

pytestmark = pytest.mark.django_db

State = BadRatingCase.State


@pytest.fixture
def named_case(window, staff_member, reasons) -> BadRatingCase:
    rating = ratings.rating_submit(
        level=Level.VERY_DISSATISFIED,
        window=window,
        reason_codes=["VD01"],
        comment="<script>alert(1)</script>",
        name="李四",
        phone="13800138000",
        device_id="d",
        ip="10.0.0.2",
    )
    return rating.case


def step_url(case, action):
    return reverse("bad_rating_case_step", kwargs={"pk": case.pk, "action": action})


def test_the_list_masks_the_contact_and_the_case_page_shows_it(admin, named_case):
    listing = admin.get(reverse("bad_rating_case_list")).content.decode()
    assert "138****8000" in listing and "李*" in listing
    assert "13800138000" not in listing and "李四" not in listing
    page = admin.get(reverse("bad_rating_case", kwargs={"pk": named_case.pk})).content.decode()
    assert "13800138000" in page and "李四" in page
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def test_the_staff_page_shows_the_case_but_never_the_contact(staff, named_case):
    page = staff.get(reverse("rating_my")).content.decode()
    assert named_case.number in page
    assert reverse("bad_rating_case_review", kwargs={"pk": named_case.pk}) in page
    assert "13800138000" not in page and "138****8000" not in page and "李四" not in page


def test_the_list_marks_an_overdue_case_red(admin, named_case):
    BadRatingCase.objects.filter(pk=named_case.pk).update(
        deadline=timezone.localdate() - datetime.timedelta(days=1)
    )
    response = admin.get(reverse("bad_rating_case_list") + "?state=overdue")
    html = response.content.decode()
    assert f'id="case-{named_case.pk}" class="table-danger"' in html


def test_the_case_page_offers_only_the_next_steps(admin, named_case):
    html = admin.get(reverse("bad_rating_case", kwargs={"pk": named_case.pk})).content.decode()
    assert 'id="step-visit"' in html and 'id="step-extend"' in html
    assert 'id="step-handle"' not in html and 'id="step-complete"' not in html


def test_the_hall_office_records_a_visit_and_a_handling(admin, admin_user, named_case):
    now = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    response = admin.post(
        step_url(named_case, "visit"),
        {
            "visit-visited_at": now,
            "visit-method": "phone",
            "visit-outcome": "verified",
            "visit-citizen_said": "排队太久",
        },
    )
    assert response.status_code == 302
    response = admin.post(
        step_url(named_case, "handle"),
        {"handle-handling": "at_once", "handle-note": "当场加开窗口并致歉"},
    )
    assert response.status_code == 302
    case = BadRatingCase.objects.get(pk=named_case.pk)
    assert case.state == State.DONE and case.handling == "at_once"
    visit = case.visits.get()
    assert (visit.visited_by, visit.citizen_said) == (admin_user, "排队太久")


def test_a_step_that_skips_a_state_is_refused_with_a_clear_message(admin, named_case):
    response = admin.post(
        step_url(named_case, "handle"), {"handle-handling": "at_once", "handle-note": "已改"}
    )
    assert response.status_code == 422
    assert tr("Record the return visit first: a case cannot skip the return visit (回访核实).") in (
        response.content.decode()
    )
    assert BadRatingCase.objects.get(pk=named_case.pk).state == State.VISIT


def test_records_only_for_a_real_name_rating_is_refused_in_the_form(admin, named_case):
    response = admin.post(
        step_url(named_case, "visit"),
        {
            "visit-visited_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "visit-method": "records",
            "visit-outcome": "verified",
        },
    )
    assert response.status_code == 422
    assert not named_case.visits.exists()


def test_an_unknown_step_is_a_404(admin, named_case):
    assert admin.post(step_url(named_case, "delete")).status_code == 404


def test_staff_ask_for_review_with_a_checked_file(staff, named_case, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    url = reverse("bad_rating_case_review", kwargs={"pk": named_case.pk})
    fake = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00 not an image")
    response = staff.post(url, {"ground": "mistaken", "reason": "评错窗口", "file": fake})
    assert response.status_code == 422
    assert BadRatingCase.objects.get(pk=named_case.pk).state == State.VISIT
    pdf = SimpleUploadedFile("proof.pdf", b"%PDF-1.4\n%%EOF\n")
    response = staff.post(url, {"ground": "mistaken", "reason": "评错窗口", "file": pdf})
    assert response.status_code == 302
    case = BadRatingCase.objects.get(pk=named_case.pk)
    assert case.state == State.INVALID_REVIEW and case.review_file
    assert staff.get(reverse("bad_rating_case_file", kwargs={"pk": case.pk})).status_code == 200


def test_another_staff_member_cannot_see_the_review_page(other_staff, named_case):
    url = reverse("bad_rating_case_review", kwargs={"pk": named_case.pk})
    assert other_staff.get(url).status_code == 404
    assert other_staff.post(url, {"ground": "malicious", "reason": "x"}).status_code == 404
