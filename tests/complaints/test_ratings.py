"""Citizens rating a window: who is recorded, one rating per token, bad input, abuse limits."""

from __future__ import annotations

import datetime

import pytest
from django.core.signing import get_cookie_signer
from django.db import IntegrityError, connection, transaction
from django.forms.models import model_to_dict
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from complaints import cases, ratings
from complaints.models import BadRatingCase, Level, Rating, RatingToken
from complaints.views import KIOSK_COOKIE, KIOSK_SALT
from hall.models import Notice
from hall.text import mask_phone
from staff.services import staff_create
from tests.factories import StaffMemberFactory, WindowFactory
from tests.helpers import tr

pytestmark = pytest.mark.django_db

GOOD = {"level": Level.VERY_SATISFIED, "reasons": ["VS01", "VS02"], "comment": "很好"}


def post(client, url, **data):
    return client.post(url, {**GOOD, **data})


# --- who and what is recorded --------------------------------------------------------------


def test_a_rating_records_the_window_its_department_and_the_seated_staff_member(
    anonymous, rate_url, reasons, staff_member, window
):
    response = post(anonymous, rate_url)
    assert response.status_code == 302
    assert "/thanks/" in response["Location"]
    rating = Rating.objects.get()
    assert (rating.window, rating.department, rating.staff) == (
        window,
        window.department,
        staff_member,
    )
    assert rating.channel == Rating.Channel.QR
    assert sorted(rating.reasons.values_list("code", flat=True)) == ["VS01", "VS02"]


def test_a_staff_member_typed_by_the_citizen_is_ignored(
    anonymous, rate_url, reasons, staff_member, other_staff_member
):
    post(anonymous, rate_url, staff=other_staff_member.pk, window=other_staff_member.window_id)
    assert Rating.objects.get().staff == staff_member


def test_with_several_staff_seated_a_qr_rating_names_nobody(anonymous, rate_url, window, reasons):
    StaffMemberFactory(window=window)
    StaffMemberFactory(window=window)
    post(anonymous, rate_url)
    rating = Rating.objects.get()
    assert rating.window == window and rating.staff is None


def test_a_token_naming_the_staff_member_records_them_among_several_seated(
    anonymous, window, reasons
):
    first, second = StaffMemberFactory(window=window), StaffMemberFactory(window=window)
    token = ratings.token_issue(window=window, staff=second)
    anonymous.post(reverse("rating_token", args=[token.token]), GOOD)
    rating = Rating.objects.get()
    assert (rating.staff, rating.channel, rating.token) == (second, "token", token)
    assert first != second


def test_a_token_cannot_name_someone_not_seated_at_the_window(window, other_staff_member):
    with pytest.raises(ratings.ValidationError):
        ratings.token_issue(window=window, staff=other_staff_member)
    assert not RatingToken.objects.exists()


def test_a_staff_member_who_left_the_window_is_not_recorded(anonymous, rate_url, reasons, window):
    gone = staff_create(
        actor=None,
        employee_no="S0900",
        name="离岗人员",
        phone="",
        department=window.department,
        window=window,
        post="staff",
        joined_hall_on=datetime.date(2024, 1, 1),
    )
    gone.assignments.update(end=timezone.localdate() - datetime.timedelta(days=1))
    post(anonymous, rate_url)
    assert Rating.objects.get().staff is None


def test_the_public_page_shows_the_window_and_department_but_no_staff_phone(
    anonymous, rate_url, reasons, staff_member, window
):
    html = anonymous.get(rate_url).content.decode()
    assert window.name in html and window.department.name in html
    assert staff_member.phone not in html
    assert staff_member.name not in html


# --- tokens --------------------------------------------------------------------------------


def test_a_token_rates_once_and_a_second_use_is_refused_with_a_message(anonymous, window, reasons):
    token = ratings.token_issue(window=window)
    url = reverse("rating_token", args=[token.token])
    assert anonymous.post(url, GOOD).status_code == 302
    again = anonymous.post(url, {**GOOD, "level": Level.VERY_DISSATISFIED})
    assert again.status_code == 410
    assert tr("This service has already been rated with this link. Thank you!") in (
        again.content.decode()
    )
    assert Rating.objects.count() == 1
    assert Rating.objects.get().level == Level.VERY_SATISFIED


def test_the_service_refuses_a_spent_token_and_stores_nothing(window, reasons):
    token = ratings.token_issue(window=window)
    ratings.rating_submit(level=Level.SATISFIED, token=token.token)
    for level in (Level.SATISFIED, Level.VERY_DISSATISFIED):  # a bad one opens no case
        with pytest.raises(ratings.ValidationError) as exc:
            ratings.rating_submit(level=level, token=token.token)
        assert "token" in exc.value.message_dict
    assert Rating.objects.count() == 1
    assert not BadRatingCase.objects.exists() and not Notice.objects.exists()


def test_a_good_rating_with_a_token_is_one_statement(anonymous, window, staff_member, reasons):
    token = ratings.token_issue(window=window, staff=staff_member)
    url = reverse("rating_token", args=[token.token])
    # The insert that spends the token is the whole submission: no read before it, and no
    # transaction around it (one statement is atomic). No reasons ticked: no reason read.
    with CaptureQueriesContext(connection) as done:
        response = anonymous.post(url, {"level": Level.SATISFIED, "comment": "很好"})
    assert [q["sql"].split()[0] for q in done.captured_queries] == ["INSERT"]
    assert response.status_code == 302
    assert response["Location"] == reverse("rating_token_thanks", args=[token.token])
    rating = Rating.objects.get()
    assert (rating.token, rating.window, rating.staff, rating.department) == (
        token,
        window,
        staff_member,
        window.department,
    )
    assert (rating.level, rating.channel, rating.comment, rating.counted) == (
        Level.SATISFIED,
        Rating.Channel.TOKEN,
        "很好",
        True,
    )
    assert rating.device_hash and rating.ip_hash


def test_a_bad_rating_with_a_token_is_stored_with_its_case(anonymous, window, reasons):
    token = ratings.token_issue(window=window)
    url = reverse("rating_token", args=[token.token])
    response = anonymous.post(url, {"level": Level.DISSATISFIED, "reasons": ["D01"]})
    assert response.status_code == 302
    rating = Rating.objects.get()
    assert rating.case.state == "visit"
    assert list(rating.reasons.values_list("code", flat=True)) == ["D01"]


def test_a_bad_rating_with_a_token_tells_the_staff_member_without_reading_them(
    window, staff_member, reasons
):
    token = ratings.token_issue(window=window, staff=staff_member)
    with CaptureQueriesContext(connection) as done:
        ratings.rating_submit(level=Level.VERY_DISSATISFIED, token=token.token)
    # The rating, its case, the case's first step and the notice are written, and nothing is
    # read: on PostgreSQL by one statement, on SQLite the insert returns whom to tell.
    kinds = [q["sql"].split()[0] for q in done.captured_queries]
    if connection.vendor == "postgresql":
        assert kinds == ["WITH"]
    else:
        assert [k for k in kinds if k not in ("SAVEPOINT", "RELEASE")] == ["INSERT"] * 4
    case = Rating.objects.get().case
    notice = Notice.objects.get(user=staff_member.user)
    assert notice.kind == "bad_rating_opened" and notice.url == reverse("rating_my")
    assert notice.params == cases.case_notice_params(case)
    assert notice.params["case"] == case.number == f"CP{case.opened_at:%Y%m}-{case.pk:05d}"
    step = case.steps.get()
    assert (step.action, step.from_state, step.to_state, step.author) == (
        "opened",
        "",
        "visit",
        None,
    )


def test_a_bad_rating_naming_nobody_opens_its_case_and_tells_no_one(window, reasons):
    StaffMemberFactory(window=window)
    StaffMemberFactory(window=window)  # two seated: the rating cannot name who served
    ratings.rating_submit(level=Level.DISSATISFIED, token=ratings.token_issue(window=window).token)
    rating = Rating.objects.get()
    assert rating.staff_id is None and rating.case.steps.get().action == "opened"
    assert not Notice.objects.exists()


def _opened(token):
    """A bad rating's case, first step and notice as stored, without ids, keys or times."""
    rating = Rating.objects.get(token__token=token)
    case = rating.case
    drop = {"id", "rating", "opened_at", "at", "case", "user", "created_at"}
    step = case.steps.get()
    notice = Notice.objects.get(params__case=case.number)
    return (
        {k: v for k, v in model_to_dict(case).items() if k not in drop},
        {k: v for k, v in model_to_dict(step).items() if k not in drop},
        {k: v for k, v in model_to_dict(notice).items() if k not in drop | {"params"}},
        {**notice.params, "case": None},
        (case.opened_at, step.at.date(), notice.created_at.date()),
    )


@pytest.mark.postgres
def test_the_one_statement_opens_the_case_as_the_orm_does(window, staff_member, reasons):
    if connection.vendor != "postgresql":
        pytest.skip("the statement with its case is PostgreSQL's")
    one, two = (ratings.token_issue(window=window, staff=staff_member).token for _ in "12")
    ratings.rating_submit(level=Level.VERY_DISSATISFIED, token=one)
    # The other token through SQLite's way: the insert, then case_open in its transaction.
    now = timezone.now()
    with transaction.atomic():
        rating = ratings._token_rating_insert(
            two,
            level=Level.VERY_DISSATISFIED,
            now=now,
            fields=dict.fromkeys(("comment", "name", "phone"), ""),
            device_hash="",
            ip_hash="",
        )
        cases.case_open(rating=rating, new=True)
    by_statement, by_orm = _opened(one), _opened(two)
    assert by_statement[:4] == by_orm[:4]
    assert by_statement[0]["state"] == "visit" and by_statement[0]["deadline"]
    assert by_statement[4][0] == Rating.objects.get(token__token=one).created_at
    assert by_statement[4][1:] == (timezone.localdate(), timezone.localdate())


@pytest.mark.postgres
def test_a_case_number_past_five_digits_is_the_same_in_the_notice(window, staff_member, reasons):
    if connection.vendor != "postgresql":
        pytest.skip("the statement with its case is PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('complaints_badratingcase', 'id'), 123455)"
        )
    token = ratings.token_issue(window=window, staff=staff_member).token
    ratings.rating_submit(level=Level.DISSATISFIED, token=token)
    case = Rating.objects.get().case
    assert case.pk == 123456
    assert Notice.objects.get().params["case"] == case.number == f"CP{case.opened_at:%Y%m}-123456"


def test_a_token_without_a_name_records_the_one_person_seated_that_day(window, reasons):
    seated = StaffMemberFactory(window=window)
    rating = ratings.rating_submit(
        level=Level.SATISFIED, token=ratings.token_issue(window=window).token
    )
    assert rating.staff_id == seated.pk == Rating.objects.get().staff_id
    # Two seated: nobody can be named.
    StaffMemberFactory(window=window)
    ratings.rating_submit(level=Level.SATISFIED, token=ratings.token_issue(window=window).token)
    assert Rating.objects.latest("id").staff_id is None


def test_a_token_without_a_name_does_not_record_someone_who_left_the_window(window, reasons):
    gone = StaffMemberFactory(window=window)
    gone.assignments.update(end=timezone.localdate() - datetime.timedelta(days=1))
    ratings.rating_submit(level=Level.SATISFIED, token=ratings.token_issue(window=window).token)
    assert Rating.objects.get().staff_id is None


def test_a_token_of_a_retired_window_is_refused(anonymous, window, reasons):
    token = ratings.token_issue(window=window)
    window.active = False
    window.save(update_fields=["active"])
    response = anonymous.post(reverse("rating_token", args=[token.token]), GOOD)
    assert response.status_code == 410
    assert tr("This window no longer takes ratings.") in response.content.decode()
    assert not Rating.objects.exists()


def test_a_token_read_in_one_query_carries_the_right_window_and_department(
    window, other_window, reasons
):
    # Two departments, so a department id mixed up with another column would show.
    token = ratings.token_issue(window=other_window)
    found = ratings.token_find(token.token)
    assert found.pk == token.pk and found.used_at is None and found.staff_id is None
    assert found.window.pk == other_window.pk and found.window.active is True
    assert found.window.number == "B01" and found.window.name == other_window.name
    assert found.window.department_id == other_window.department_id != window.department_id
    assert found.window.department.name == other_window.department.name
    assert found.issued_at == token.issued_at
    rating = ratings.rating_submit(level=Level.SATISFIED, token=found)
    rating.refresh_from_db()
    assert (rating.window_id, rating.department_id) == (
        other_window.pk,
        other_window.department_id,
    )
    # Spent: when is when its rating was made.
    assert ratings.token_find(token.token).used_at == rating.created_at


@pytest.mark.django_db(transaction=True)  # as a request runs: no test transaction around it
def test_a_rating_whose_case_cannot_be_written_leaves_its_token_unspent(
    window, reasons, monkeypatch
):
    token = ratings.token_issue(window=window)
    made = cases.case_new

    def broken(rating):  # a handling the database's check refuses
        case = made(rating)
        case.handling = "nonsense"
        return case

    # On PostgreSQL the one statement fails, on SQLite the case's insert after the rating's.
    monkeypatch.setattr(cases, "case_new", broken)
    monkeypatch.setattr(ratings, "case_new", broken)
    with pytest.raises(IntegrityError):
        ratings.rating_submit(level=Level.VERY_DISSATISFIED, token=token.token)
    # Rolled back with the rating that spent it: the token still rates.
    assert not Rating.objects.exists() and ratings.token_find(token.token).used_at is None
    monkeypatch.undo()
    ratings.rating_submit(level=Level.VERY_DISSATISFIED, token=token.token)
    assert Rating.objects.get().case is not None


def test_the_thanks_page_of_a_token_names_the_window_and_before_use_leads_to_the_form(
    anonymous, window, reasons
):
    token = ratings.token_issue(window=window)
    thanks = reverse("rating_token_thanks", args=[token.token])
    early = anonymous.get(thanks)
    assert early.status_code == 302
    assert early["Location"] == reverse("rating_token", args=[token.token])
    anonymous.post(reverse("rating_token", args=[token.token]), GOOD)
    page = anonymous.get(thanks)
    assert page.status_code == 200 and window.name in page.content.decode()
    forged = anonymous.get(reverse("rating_token_thanks", args=["forged-token-1234567890"]))
    assert forged.status_code == 404


def test_opening_a_used_token_link_says_so(anonymous, window, reasons):
    token = ratings.token_issue(window=window)
    ratings.rating_submit(level=Level.SATISFIED, token=token.token)
    response = anonymous.get(reverse("rating_token", args=[token.token]))
    assert response.status_code == 410
    assert tr("This service has already been rated with this link. Thank you!") in (
        response.content.decode()
    )


def test_a_forged_token_gives_a_clear_page_and_stores_nothing(anonymous, window, reasons):
    url = reverse("rating_token", args=["forged-token-1234567890"])
    for response in (anonymous.get(url), anonymous.post(url, GOOD)):
        assert response.status_code == 404
        assert tr("This rating link is not valid. Please scan the code at the window again.") in (
            response.content.decode()
        )
    assert not Rating.objects.exists()


def test_an_expired_token_is_refused(anonymous, window, reasons, settings):
    token = ratings.token_issue(window=window)
    RatingToken.objects.filter(pk=token.pk).update(
        issued_at=timezone.now() - datetime.timedelta(days=settings.HALL_RATING_TOKEN_DAYS + 1)
    )
    response = anonymous.post(reverse("rating_token", args=[token.token]), GOOD)
    assert response.status_code == 410
    assert tr("This rating link has expired.") in response.content.decode()
    assert not Rating.objects.exists()


def test_tokens_are_long_random_and_unique(window):
    tokens = {ratings.token_issue(window=window).token for _ in range(50)}
    assert len(tokens) == 50
    assert all(len(t) >= 22 for t in tokens)


def test_a_token_rating_is_not_held_to_the_device_limit(anonymous, window, reasons, settings):
    settings.HALL_RATING_PER_DEVICE_PER_DAY = 1
    for _ in range(3):
        token = ratings.token_issue(window=window)
        assert anonymous.post(reverse("rating_token", args=[token.token]), GOOD).status_code == 302
    assert Rating.objects.count() == 3


# --- bad input -----------------------------------------------------------------------------


def test_an_unknown_window_code_gives_a_clear_page(anonymous, reasons):
    url = reverse("rating_form", kwargs={"code": "no-such-window"})
    for response in (anonymous.get(url), anonymous.post(url, GOOD)):
        assert response.status_code == 404
        assert tr("Window not found") in response.content.decode()
    assert not Rating.objects.exists()


def test_an_inactive_windows_code_is_unknown(anonymous, rate_url, window, reasons):
    window.active = False
    window.save()
    assert anonymous.get(rate_url).status_code == 404


def test_a_10000_character_comment_is_refused_with_a_form_error(anonymous, rate_url, reasons):
    response = post(anonymous, rate_url, comment="长" * 10_000)
    assert response.status_code == 422
    assert 'id="id_comment_error"' in response.content.decode()
    assert not Rating.objects.exists()


def test_a_501_character_comment_is_refused_by_the_service_too(window, reasons):
    with pytest.raises(ratings.ValidationError) as exc:
        ratings.rating_submit(level=Level.SATISFIED, window=window, comment="x" * 501)
    assert "comment" in exc.value.message_dict
    assert not Rating.objects.exists()


def test_a_rating_without_a_level_is_refused(anonymous, rate_url, reasons):
    response = post(anonymous, rate_url, level="")
    assert response.status_code == 422
    assert tr("Choose how satisfied you are.") in response.content.decode()
    assert not Rating.objects.exists()


def test_reasons_of_another_level_are_refused(anonymous, rate_url, reasons):
    response = post(anonymous, rate_url, level=Level.VERY_DISSATISFIED, reasons=["VS01"])
    assert response.status_code == 422
    assert tr("Choose reasons from the list of the level you chose.") in (response.content.decode())
    assert not Rating.objects.exists()


def test_the_phone_must_be_a_mainland_mobile_or_landline(anonymous, rate_url, reasons):
    response = post(anonymous, rate_url, name="张三", phone="12345")
    assert response.status_code == 422
    assert not Rating.objects.exists()
    post(anonymous, rate_url, name="张三", phone="023-65312345")
    assert Rating.objects.get().phone == "023-65312345"


def test_html_in_every_field_is_escaped(anonymous, rate_url, reasons, staff, staff_member):
    script = "<script>alert('x')</script>"
    response = post(anonymous, rate_url, comment=script, name=script, phone=script)
    assert response.status_code == 422  # the phone is refused; the form comes back
    html = response.content.decode()
    assert script not in html and "&lt;script&gt;" in html
    post(anonymous, rate_url, comment=script, name=script)
    assert Rating.objects.get().comment == script
    page = staff.get(reverse("rating_my")).content.decode()
    assert script not in page and "&lt;script&gt;alert" in page


def test_a_phone_is_masked_for_display():
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("023-65312345") == "023****2345"
    assert mask_phone("") == ""


def test_the_public_form_keeps_csrf_protection(rate_url, reasons):
    client = Client(enforce_csrf_checks=True)
    assert client.post(rate_url, GOOD).status_code == 403
    assert not Rating.objects.exists()


# --- abuse limits --------------------------------------------------------------------------


def test_one_device_is_limited_per_window_per_day_with_a_friendly_429(
    anonymous, rate_url, reasons, settings
):
    settings.HALL_RATING_PER_DEVICE_PER_DAY = 2
    assert post(anonymous, rate_url).status_code == 302
    assert post(anonymous, rate_url).status_code == 302
    response = post(anonymous, rate_url)
    assert response.status_code == 429
    html = response.content.decode()
    assert "navbar" in html  # the hall's own layout, not an error page
    assert tr("Thank you for rating") in html
    assert Rating.objects.count() == 2


def test_the_device_limit_is_per_window(anonymous, rate_url, reasons, settings, other_window):
    settings.HALL_RATING_PER_DEVICE_PER_DAY = 1
    other_url = reverse("rating_form", args=[ratings.window_codes([other_window])[other_window.pk]])
    assert post(anonymous, rate_url).status_code == 302
    assert post(anonymous, other_url).status_code == 302
    assert post(anonymous, rate_url).status_code == 429


def test_a_forged_device_cookie_counts_as_a_new_device_but_the_address_limit_holds(
    rate_url, reasons, settings
):
    settings.HALL_RATING_PER_DEVICE_PER_DAY = 1
    settings.HALL_RATING_PER_IP_PER_HOUR = 3
    statuses = []
    for n in range(4):
        client = Client(REMOTE_ADDR="10.1.2.3")  # no cookie kept between attempts
        client.cookies["hall_rater"] = f"forged-{n}"
        statuses.append(post(client, rate_url).status_code)
    assert statuses == [302, 302, 302, 429]
    assert Rating.objects.count() == 3


def test_another_address_is_not_held_by_the_first_ones_limit(rate_url, reasons, settings):
    settings.HALL_RATING_PER_IP_PER_HOUR = 1
    assert post(Client(REMOTE_ADDR="10.0.0.1"), rate_url).status_code == 302
    assert post(Client(REMOTE_ADDR="10.0.0.1"), rate_url).status_code == 429
    assert post(Client(REMOTE_ADDR="10.0.0.2"), rate_url).status_code == 302


def test_the_device_cookie_is_set_by_the_server_and_signed(anonymous, rate_url, reasons):
    response = anonymous.get(rate_url)
    cookie = response.cookies["hall_rater"]
    assert cookie["httponly"] and ":" in cookie.value  # value:signature


# --- kiosk ---------------------------------------------------------------------------------


def test_a_kiosk_rating_returns_to_an_empty_kiosk_form(anonymous, code, reasons):
    url = reverse("rating_kiosk", args=[code])
    response = post(anonymous, url)
    thanks = anonymous.get(response["Location"])
    html = thanks.content.decode()
    assert f'url={url}"' in html  # the page goes back to the blank form by itself
    assert str(Level.VERY_SATISFIED.label) not in html  # nothing of the choice is shown


def test_a_paired_kiosk_is_held_to_the_kiosk_limit_not_a_phones(admin, code, window, reasons):
    url = reverse("rating_kiosk", args=[code])
    response = admin.post(reverse("rating_kiosk_pair", args=[window.pk]))
    assert response["Location"] == url
    assert KIOSK_COOKIE in response.cookies
    for _ in range(5):
        assert post(admin, url).status_code == 302
    assert set(Rating.objects.values_list("channel", flat=True)) == {"kiosk"}


def test_the_kiosk_limit_applies_to_a_paired_kiosk(anonymous, code, window, reasons, settings):
    settings.HALL_RATING_KIOSK_PER_HOUR = 2
    anonymous.cookies[KIOSK_COOKIE] = get_cookie_signer(salt=KIOSK_COOKIE + KIOSK_SALT).sign(
        str(window.pk)
    )
    url = reverse("rating_kiosk", args=[code])
    assert [post(anonymous, url).status_code for _ in range(3)] == [302, 302, 429]


def test_an_unpaired_kiosk_page_is_held_to_the_device_limit(anonymous, code, reasons, settings):
    settings.HALL_RATING_PER_DEVICE_PER_DAY = 1
    url = reverse("rating_kiosk", args=[code])
    assert [post(anonymous, url).status_code for _ in range(2)] == [302, 429]


# --- the staff member's page ---------------------------------------------------------------


def test_staff_see_their_ratings_without_the_citizens_name_or_phone(
    staff, staff_member, window, reasons
):
    ratings.rating_submit(
        level=Level.DISSATISFIED,
        reason_codes=["D01"],
        comment="等了一个小时",
        name="赵六",
        phone="13912345678",
        window=window,
    )
    html = staff.get(reverse("rating_my")).content.decode()
    assert "等了一个小时" in html and "等候时间过长" in html
    assert "赵六" not in html and "13912345678" not in html and "139****5678" not in html


def test_staff_do_not_see_ratings_about_others(other_staff, staff_member, window, reasons):
    ratings.rating_submit(level=Level.SATISFIED, comment="别人的评价", window=window)
    assert "别人的评价" not in other_staff.get(reverse("rating_my")).content.decode()


def test_my_scores_links_to_my_ratings(staff):
    html = staff.get(reverse("appraisal_my_scores")).content.decode()
    assert reverse("rating_my") in html


def test_one_window_can_be_rated_by_many_citizens(rate_url, reasons):
    for n in range(5):
        assert post(Client(REMOTE_ADDR=f"10.9.0.{n}"), rate_url).status_code == 302
    assert Rating.objects.count() == 5


def test_a_window_of_another_department_is_rated_under_its_own_department(anonymous, reasons):
    window = WindowFactory()
    url = reverse("rating_form", args=[ratings.window_codes([window])[window.pk]])
    post(anonymous, url)
    assert Rating.objects.get().department == window.department
