"""Every URL the project resolves × every persona → the status it must answer.

Adding a URL without a row here fails ``test_every_url_is_in_the_matrix``.
"""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from appraisal.models import Appeal, AppraisalMonth, EntryProposal, MonthlyResult, ScoreEntry
from appraisal.services import score_entry_add
from complaints.cases import case_open
from complaints.desk import Target, complaint_receive
from complaints.models import Rating, RatingReason
from complaints.ratings import rating_submit, token_issue, window_codes
from guides import receipts
from guides.models import GuideEdition, GuideMaterial, ServiceGuide
from hall.models import (
    CalendarDay,
    Document,
    DutyLogEntry,
    DutyShift,
    LostProperty,
    LostPropertyPhoto,
)
from tests.appraisal.factories import RuleFactory
from tests.factories import ApprovalItemFactory

PERSONAS = ["anonymous", "admin", "supervisor", "staff", "other_staff", "liaison"]
LOGIN = 302  # anonymous is sent to the login page

ADMIN_ONLY = {
    "anonymous": LOGIN,
    "admin": 200,
    "supervisor": 403,
    "staff": 403,
    "other_staff": 403,
    "liaison": 403,
}
ADMIN_POST_ONLY = {**ADMIN_ONLY, "admin": 405}
ANY_LOGGED_IN = {
    "anonymous": LOGIN,
    "admin": 200,
    "supervisor": 200,
    "staff": 200,
    "other_staff": 200,
    "liaison": 200,
}
EVERYONE = dict.fromkeys(PERSONAS, 200)
NO_ROLE = {"anonymous": LOGIN, **dict.fromkeys(PERSONAS[1:], 403)}
STAFF_ONLY = {**NO_ROLE, "staff": 200, "other_staff": 200}
OWN_ENTRY = {**NO_ROLE, "staff": 200, "other_staff": 404}  # the entry is the staff persona's
LIAISON_ONLY = {**NO_ROLE, "liaison": 200}
ON_DUTY = {**NO_ROLE, "admin": 200, "supervisor": 200}  # the duty desk: supervisor and admin
ON_DUTY_POST = {**NO_ROLE, "admin": 405, "supervisor": 405}
AT_WINDOW = {**NO_ROLE, "admin": 200, "staff": 200, "other_staff": 200}  # window PC
OWN_WINDOW = {**AT_WINDOW, "other_staff": 404}  # the object is at the staff persona's window

# name → (kwargs builder key, expected statuses for GET)
MATRIX: dict[str, tuple[str | None, dict[str, int]]] = {
    "home": (None, ANY_LOGGED_IN),
    "healthz": (None, EVERYONE),
    "login": (None, {**dict.fromkeys(PERSONAS, 302), "anonymous": 200}),
    "logout": (None, dict.fromkeys(PERSONAS, 405)),
    "password_change": (None, ANY_LOGGED_IN),
    "password_change_done": (None, ANY_LOGGED_IN),
    "set_language": (None, dict.fromkeys(PERSONAS, 302)),
    "profile_edit": (None, ADMIN_ONLY),
    "calendar": (None, ADMIN_ONLY),
    "calendar_day_create": (None, ADMIN_ONLY),
    "calendar_day_edit": ("calendar_day", ADMIN_ONLY),
    "calendar_day_delete": ("calendar_day", ADMIN_POST_ONLY),
    "calendar_year_confirm": ("year", ADMIN_POST_ONLY),
    "calendar_sync": (None, ADMIN_POST_ONLY),
    "user_list": (None, ADMIN_ONLY),
    "user_create": (None, ADMIN_ONLY),
    "user_edit": ("user", ADMIN_ONLY),
    "user_password_reset": ("user", ADMIN_POST_ONLY),
    "department_list": (None, ADMIN_ONLY),
    "department_create": (None, ADMIN_ONLY),
    "department_detail": ("department", ADMIN_ONLY),
    "department_edit": ("department", ADMIN_ONLY),
    "department_toggle": ("department", ADMIN_POST_ONLY),
    "window_list": (None, ADMIN_ONLY),
    "window_create": (None, ADMIN_ONLY),
    "window_detail": ("window", ADMIN_ONLY),
    "window_edit": ("window", ADMIN_ONLY),
    "window_toggle": ("window", ADMIN_POST_ONLY),
    "item_list": (None, ADMIN_ONLY),
    "item_create": (None, ADMIN_ONLY),
    "item_detail": ("item", ADMIN_ONLY),
    "item_edit": ("item", ADMIN_ONLY),
    "item_toggle": ("item", ADMIN_POST_ONLY),
    "staff_list": (None, ADMIN_ONLY),
    "staff_create": (None, ADMIN_ONLY),
    "staff_detail": ("staff", ADMIN_ONLY),
    "staff_edit": ("staff", ADMIN_ONLY),
    "staff_toggle": ("staff", ADMIN_POST_ONLY),
    "roster_import": (None, ADMIN_ONLY),
    "roster_template": (None, ADMIN_ONLY),
    "roster_export": (None, ADMIN_ONLY),
    "appraisal_ledger": (None, ADMIN_ONLY),
    "appraisal_ledger_export": (None, ADMIN_ONLY),
    "appraisal_entry_add": (None, ADMIN_ONLY),
    "appraisal_entry_reverse": ("entry", ADMIN_POST_ONLY),
    "appraisal_evidence": ("entry", {**OWN_ENTRY, "admin": 200, "liaison": 200}),
    "appraisal_month_list": (None, ADMIN_ONLY),
    "appraisal_month_board": ("month", ADMIN_ONLY),
    "appraisal_month_close": ("month", ADMIN_POST_ONLY),
    "appraisal_month_publish": ("month", ADMIN_POST_ONLY),
    "appraisal_month_finalise": ("month", ADMIN_POST_ONLY),
    "appraisal_banner_history": (None, ADMIN_ONLY),
    "appraisal_my_scores": (None, STAFF_ONLY),
    "notice_list": (None, ANY_LOGGED_IN),
    "appraisal_proposal_list": (None, ADMIN_ONLY),
    "appraisal_proposal_decide": ("proposal", ADMIN_POST_ONLY),
    "notice_read": (None, {"anonymous": LOGIN, **dict.fromkeys(PERSONAS[1:], 405)}),
    "appraisal_my_entry": ("entry", OWN_ENTRY),
    "appraisal_department_results": (None, LIAISON_ONLY),
    "appraisal_appeal_list": (None, ADMIN_ONLY),
    "appraisal_appeal_decide": ("appeal", ADMIN_ONLY),
    "appraisal_appeal_file": ("appeal", {**OWN_ENTRY, "admin": 200}),
    "appraisal_annual_list": (None, ADMIN_ONLY),
    "appraisal_annual": ("year", ADMIN_ONLY),
    "appraisal_annual_compute": ("year", ADMIN_POST_ONLY),
    "appraisal_annual_lock": ("year", ADMIN_POST_ONLY),
    "appraisal_annual_export": ("year", ADMIN_ONLY),
    "appraisal_department_annual": (None, LIAISON_ONLY),
    "appraisal_rulebook_list": (None, ADMIN_ONLY),
    "appraisal_rulebook_detail": ("rulebook", ADMIN_ONLY),
    "appraisal_rulebook_edit": ("rulebook", ADMIN_ONLY),
    "appraisal_rulebook_revise": ("rulebook_kind", ADMIN_ONLY),
    "appraisal_rule_add": ("rulebook", ADMIN_ONLY),
    "appraisal_rule_edit": ("rule", ADMIN_ONLY),
    "appraisal_rule_remove": ("rule", ADMIN_POST_ONLY),
    "guide_list": (None, ADMIN_ONLY),
    "guide_detail": ("guide_item", ADMIN_ONLY),
    "guide_edition_draft": ("guide_item", ADMIN_POST_ONLY),
    "guide_edition_diff": ("guide_item", ADMIN_ONLY),
    "guide_edition_detail": ("edition", ADMIN_ONLY),
    "guide_edition_edit": ("edition", ADMIN_ONLY),
    "guide_edition_submit": ("edition", ADMIN_POST_ONLY),
    "guide_edition_review": ("edition", ADMIN_POST_ONLY),
    "guide_catalogue": (None, EVERYONE),
    "guide_public": ("guide_code", EVERYONE),
    "guide_material_file": ("guide_material", EVERYONE),
    "guide_print": ("printed_edition", ADMIN_ONLY),
    "guide_print_pdf": ("printed_edition_kind", ADMIN_POST_ONLY),
    "guide_booklets": (None, ADMIN_ONLY),
    "guide_booklet_render": (None, ADMIN_POST_ONLY),
    "guide_print_progress": ("print_document", ADMIN_ONLY),
    "guide_print_run_record": ("print_document", ADMIN_POST_ONLY),
    "guide_materials": (None, ADMIN_ONLY),
    "guide_materials_export": (None, ADMIN_ONLY),
    "rating_form": ("rating_code", EVERYONE),
    "rating_kiosk": ("rating_code", EVERYONE),
    "rating_thanks": ("rating_code", EVERYONE),
    "rating_token": ("rating_token", EVERYONE),
    "rating_token_thanks": ("rating_token_used", EVERYONE),
    "rating_stats": (None, ADMIN_ONLY),
    "rating_stats_export": (None, ADMIN_ONLY),
    "rating_card": ("window", ADMIN_ONLY),
    "rating_kiosk_pair": ("window", ADMIN_ONLY),
    "rating_my": (None, STAFF_ONLY),
    "rating_tokens": (None, STAFF_ONLY),
    "rating_token_show": ("rating_token_pk", OWN_ENTRY),  # another window's token: 404
    "rating_reason_list": (None, ADMIN_ONLY),
    "rating_reason_create": (None, ADMIN_ONLY),
    "rating_reason_detail": ("rating_reason", ADMIN_ONLY),
    "rating_reason_edit": ("rating_reason", ADMIN_ONLY),
    "rating_reason_toggle": ("rating_reason", ADMIN_POST_ONLY),
    # Bad-rating cases: the hall office; the staff member the rating names asks for review.
    "bad_rating_case_list": (None, ADMIN_ONLY),
    "bad_rating_case": ("bad_rating_case", ADMIN_ONLY),
    "bad_rating_case_step": ("bad_rating_case_step", ADMIN_POST_ONLY),
    "bad_rating_case_review": ("bad_rating_case", OWN_ENTRY),
    "bad_rating_case_file": ("bad_rating_case", {**OWN_ENTRY, "admin": 200}),
    "appraisal_month_reports": ("month", ADMIN_ONLY),
    "appraisal_month_reports_render": ("month", ADMIN_POST_ONLY),
    # The staff persona was appraised in the published month; other_staff was not.
    "appraisal_my_sheet": ("published_month", OWN_ENTRY),
    "appraisal_department_sheets": ("published_month", LIAISON_ONLY),
    # The staff persona's sheet: the admin, that staff member, their department's liaison;
    # any other login is told it does not exist (the document's kind decides, not a role).
    "document_download": (
        "document",
        {**OWN_ENTRY, "admin": 200, "liaison": 200, "supervisor": 404},
    ),
    # Window status signs: staff only their own window's (the staff persona sits at it).
    "window_sign": (
        "window",
        {**NO_ROLE, "admin": 200, "supervisor": 200, "staff": 200, "other_staff": 404},
    ),
    "window_board": (None, EVERYONE),  # the hall's big screen: public and read-only
    "window_sign_month": (None, ADMIN_ONLY),
    # The duty desk (the shift and the entry are the supervisor persona's).
    "duty_roster": (None, ON_DUTY),
    "duty_roster_set": (None, ADMIN_POST_ONLY),
    "duty_shift_list": (None, ADMIN_ONLY),
    "duty_shift_open": (None, ON_DUTY_POST),
    "duty_shift": ("duty_shift", ON_DUTY),
    "duty_shift_close": ("duty_shift", ON_DUTY_POST),
    "duty_reception": (None, ON_DUTY_POST),
    "duty_incident": (None, ON_DUTY),
    "duty_service": (None, ON_DUTY),
    "duty_note": (None, ON_DUTY),
    "duty_matter_close": ("duty_entry", ON_DUTY_POST),
    "duty_photo": ("duty_entry", ON_DUTY),
    "duty_inspection": (None, ON_DUTY),
    "duty_inspection_window": ("window", ON_DUTY),
    # Lost property (拾金不昧): the duty desk and the hall office; the owner's details are
    # on the item's page, so staff and liaisons never reach it.
    "lost_list": (None, ON_DUTY),
    "lost_new": (None, ON_DUTY),
    "lost_tally": (None, ON_DUTY),
    "lost_detail": ("lost_item", ON_DUTY),
    "lost_close": ("lost_item", ON_DUTY_POST),
    "lost_photo": ("lost_photo", ON_DUTY),
    # The complaints desk: the hall office's board; the supervisor's tablet form and the slip
    # of a complaint they recorded (the persona's); the citizen's pages need no login.
    "complaint_board": (None, ADMIN_ONLY),
    "complaint_export": (None, ADMIN_ONLY),
    "complaint_new": (None, ADMIN_ONLY),
    "complaint_detail": ("complaint", ADMIN_ONLY),
    "complaint_letter": ("complaint", ADMIN_POST_ONLY),
    "complaint_act": ("complaint_act", ADMIN_POST_ONLY),
    "complaint_my": (None, STAFF_ONLY),
    "complaint_desk": (None, ON_DUTY),
    "complaint_slip": ("complaint", ON_DUTY),
    "complaint_lodge": (None, EVERYONE),
    "complaint_lodged": (None, EVERYONE),
    "complaint_track": (None, EVERYONE),
    "complaint_feedback": (None, dict.fromkeys(PERSONAS, 405)),
    # Receipts at the window: staff their own window's (the application and its notice are
    # at the staff persona's window), the hall office all; voiding and the counts are the
    # hall office's.
    "receipt_list": (None, AT_WINDOW),
    "receipt_detail": ("receipt", OWN_WINDOW),
    "receipt_pdf": ("receipt", OWN_WINDOW),
    "receipt_void": ("receipt", ADMIN_POST_ONLY),
    "receipt_application_list": (None, AT_WINDOW),
    "receipt_application_create": (None, AT_WINDOW),
    "receipt_application": ("application", OWN_WINDOW),
    "receipt_issue": ("application_kind", OWN_WINDOW),
    "receipt_abnormal": (None, ADMIN_ONLY),
}

# Patterns without a name: only the media files runserver serves in DEBUG.
UNNAMED_ALLOWED = {"^media/(?P<path>.*)$"}


def _walk(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield p.name, prefix + str(p.pattern)


def test_every_url_is_in_the_matrix():
    found = list(_walk(get_resolver().url_patterns))
    named = {name for name, _ in found if name}
    unnamed = {pattern for name, pattern in found if not name}
    assert named - MATRIX.keys() == set(), "URLs missing from the access matrix"
    assert MATRIX.keys() - named == set(), "matrix rows for URLs that no longer exist"
    assert unnamed <= UNNAMED_ALLOWED


def _used_token(window) -> str:
    """A token already spent by its rating (its thanks page shows)."""
    token = token_issue(window=window)
    rating_submit(level="satisfied", token=token.token)
    return token.token


@pytest.fixture
def url_objects(
    staff_member, other_staff_member, liaison_user, supervisor_user, admin_user, settings, tmp_path
):
    item = ApprovalItemFactory(department=staff_member.department)
    day = CalendarDay.objects.create(date=datetime.date(2031, 1, 1), kind="holiday", name="元旦")
    settings.MEDIA_ROOT = tmp_path
    today = timezone.localdate()
    entry = score_entry_add(
        author=admin_user,
        rule=RuleFactory(),
        points=-1,
        occurred_on=today,
        staff=staff_member,
        evidence_file=SimpleUploadedFile("evidence.pdf", b"%PDF-1.4\n"),
    )
    # Made directly: the access matrix needs an appeal row, not a published month.
    appeal = Appeal.objects.create(
        entry=entry,
        staff=staff_member,
        reason="不是我的责任",
        file=SimpleUploadedFile("appeal.pdf", b"%PDF-1.4\n"),
    )
    proposal = EntryProposal.objects.create(
        staff=staff_member,
        rule=entry.rule,
        points=-1,
        occurred_on=today,
        source=ScoreEntry.Source.DUTY_LOG,
        proposed_by=supervisor_user,
    )
    # A guide with a published edition (with a blank form) and a draft.
    guide = ServiceGuide.objects.create(item=item)
    published = GuideEdition.objects.create(
        guide=guide,
        number=1,
        status="published",
        author=admin_user,
        item_code=item.code,
        item_name=item.name,
        department_name=item.department.name,
    )
    material = GuideMaterial.objects.create(
        edition=published,
        name="申请书",
        form="original",
        blank_form=SimpleUploadedFile("form.pdf", b"%PDF-1.4\n"),
    )
    draft = GuideEdition.objects.create(
        guide=guide,
        number=2,
        status="draft",
        author=admin_user,
        item_code=item.code,
        item_name=item.name,
        department_name=item.department.name,
    )
    # Before the rule book takes effect, so the book stays unlocked for its edit pages.
    published_month = AppraisalMonth.objects.create(
        month=datetime.date(2019, 1, 1), status=AppraisalMonth.Status.PUBLISHED
    )
    MonthlyResult.objects.create(
        month=published_month,
        staff=staff_member,
        department=staff_member.department,
        total=100,
        rank_hall=1,
        rank_department=1,
    )
    sheet = Document.objects.create(
        kind="appraisal.staff_sheet",
        key="appraisal-month-2019-01-staff-matrix",
        title="考核表",
        params={"month": "2019-01-01", "staff": staff_member.pk},
        status=Document.Status.DONE,
        file=SimpleUploadedFile("sheet.pdf", b"%PDF-1.4\n"),
        requested_at=timezone.now(),
    )
    guide_pdf = Document.objects.create(
        kind="guides.short",
        key=f"guide-edition-{published.pk}-short",
        title="办事指南（简版）",
        params={"edition": published.pk},
        status=Document.Status.DONE,
        file=SimpleUploadedFile("short.pdf", b"%PDF-1.4\n"),
        requested_at=timezone.now(),
    )
    rating_window = staff_member.window
    shift = DutyShift.objects.create(date=today, supervisor=supervisor_user)
    duty_entry = DutyLogEntry.objects.create(
        shift=shift,
        kind=DutyLogEntry.Kind.INCIDENT,
        key=uuid.uuid4(),
        author=supervisor_user,
        text="地面湿滑",
        follow_up=True,
        photo=SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n"),
    )
    lost_item = LostProperty.objects.create(
        key=uuid.uuid4(),
        item="钱包",
        found_place="一楼等候区",
        found_at=timezone.now(),
        found_by_staff=staff_member,
        found_by_window=staff_member.window,
        registered_by=supervisor_user,
        owner_name="陈志强",
    )
    lost_photo = LostPropertyPhoto.objects.create(
        item=lost_item, photo=SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n")
    )
    bad = Rating.objects.create(
        window=rating_window,
        staff=staff_member,
        department=rating_window.department,
        level="dissatisfied",
        channel="qr",
    )
    bad_case = case_open(rating=bad)
    bad_case.review_file = SimpleUploadedFile("review.pdf", b"%PDF-1.4\n")
    bad_case.save()
    complaint = complaint_receive(
        actor=supervisor_user,
        complainant="王先生",
        target=Target("window", window=rating_window),
        facts="态度生硬",
        channel="desk",
    )
    # An application at the staff persona's window with a notice of acceptance.
    staff_member.window.items.add(item)
    application = receipts.application_register(
        actor=staff_member.user,
        window=staff_member.window,
        item=item,
        applicant_name="重庆渝新商贸有限公司",
        applicant_id="91500106MA5U123456",
        contact="13812348000",
    )
    receipt = receipts.receipt_issue(
        actor=staff_member.user, application=application, kind="acceptance"
    )
    return {
        "lost_item": {"pk": lost_item.pk},
        "lost_photo": {"pk": lost_item.pk, "photo_pk": lost_photo.pk},
        "bad_rating_case": {"pk": bad_case.pk},
        "bad_rating_case_step": {"pk": bad_case.pk, "action": "visit"},
        "complaint": {"pk": complaint.pk},
        "complaint_act": {"pk": complaint.pk, "action": "accept"},
        "receipt": {"pk": receipt.pk},
        "application": {"pk": application.pk},
        "application_kind": {"pk": application.pk, "kind": "refusal"},
        "duty_shift": {"pk": shift.pk},
        "duty_entry": {"pk": duty_entry.pk},
        "proposal": {"pk": proposal.pk},
        "rulebook": {"pk": entry.rule.book_id},
        "rulebook_kind": {"kind": "staff"},
        "rule": {"pk": entry.rule_id},
        "guide_item": {"item_pk": item.pk},
        "edition": {"pk": draft.pk},
        "guide_code": {"code": item.code},
        "guide_material": {"code": item.code, "pk": material.pk},
        "printed_edition": {"pk": published.pk},
        "printed_edition_kind": {"pk": published.pk, "kind": "full"},
        "print_document": {"pk": guide_pdf.pk},
        "rating_code": {"code": window_codes([rating_window])[rating_window.pk]},
        "rating_token": {"token": token_issue(window=rating_window).token},
        "rating_token_pk": {"pk": token_issue(window=rating_window).pk},
        "rating_token_used": {"token": _used_token(rating_window)},
        "rating_reason": {"pk": RatingReason.objects.create(level="satisfied", code="S99").pk},
        "published_month": {"month": published_month.month},
        "document": {"pk": sheet.pk},
        "appeal": {"pk": appeal.pk},
        "entry": {"pk": entry.pk},
        "month": {"month": today.replace(day=1)},
        "calendar_day": {"pk": day.pk},
        "year": {"year": 2031},
        "user": {"pk": other_staff_member.user_id},
        "department": {"pk": staff_member.department_id},
        "window": {"pk": staff_member.window_id},
        "item": {"pk": item.pk},
        "staff": {"pk": staff_member.pk},
    }


CASES = [(name, persona) for name in MATRIX for persona in PERSONAS]


@pytest.mark.parametrize(("name", "persona"), CASES, ids=[f"{n}-{p}" for n, p in CASES])
def test_access(name, persona, request, url_objects):
    key, expected = MATRIX[name]
    url = reverse(name, kwargs=url_objects[key] if key else None)
    client = request.getfixturevalue(persona)
    response = client.get(url)
    assert response.status_code == expected[persona], f"GET {url} as {persona}"
    if (
        expected[persona] == LOGIN
        and persona == "anonymous"
        and name not in {"login", "set_language"}
    ):
        assert response["Location"].startswith(reverse("login"))


POST_ONLY = [name for name, (_key, exp) in MATRIX.items() if exp is ADMIN_POST_ONLY]


@pytest.mark.parametrize("persona", ["anonymous", "supervisor", "staff", "liaison"])
@pytest.mark.parametrize("name", POST_ONLY)
def test_writes_refused_to_other_roles(name, persona, request, url_objects):
    key, _expected = MATRIX[name]
    url = reverse(name, kwargs=url_objects[key] if key else None)
    response = request.getfixturevalue(persona).post(url)
    assert response.status_code == (LOGIN if persona == "anonymous" else 403)
