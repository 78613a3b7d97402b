"""The notices of bad-rating cases (差评整改): their kinds, their text (``hall.notices`` asks
for it) and who is told: the staff member the rating names, or the hall office.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from complaints.models import BadRatingCase, Rating
from hall.notices import notice_send
from hall.roles import HALL_ADMIN
from staff.models import StaffMember

State = BadRatingCase.State

NOTICE_OPENED = "bad_rating_opened"
NOTICE_ENDED = "bad_rating_ended"
NOTICE_REVIEW_REJECTED = "bad_rating_upheld"  # the review was rejected
NOTICE_REVIEW_ASKED = "bad_rating_review"
NOTICE_OVERDUE = "bad_rating_overdue"
NOTICE_KINDS = (
    NOTICE_OPENED,
    NOTICE_ENDED,
    NOTICE_REVIEW_REJECTED,
    NOTICE_REVIEW_ASKED,
    NOTICE_OVERDUE,
)


STAFF_PAGE = "rating_my"  # where a staff member's notice about a case leads


def case_notice_facts(case: BadRatingCase) -> dict:
    """A case notice's parameters but the case's number (the case need not be stored)."""
    return {
        "day": f"{timezone.localtime(case.rating.created_at):%Y-%m-%d}",
        "deadline": f"{case.deadline:%Y-%m-%d}",
        "state": case.state,
    }


def case_notice_params(case: BadRatingCase) -> dict:
    return {"case": case.number, **case_notice_facts(case)}


def case_staff_tell(case: BadRatingCase, kind: str) -> None:
    rating = case.rating
    if rating.staff_id is None:
        return
    if Rating.staff.is_cached(rating):
        user_id = rating.staff.user_id
    else:  # only the account to tell, not the whole staff member
        user_id = (
            StaffMember.objects.filter(pk=rating.staff_id).values_list("user_id", flat=True).first()
        )
    if user_id:
        url = reverse(STAFF_PAGE)
        notice_send(user_id=user_id, kind=kind, params=case_notice_params(case), url=url)


def admin_user_ids() -> list[int]:
    User = get_user_model()
    return list(
        User.objects.filter(is_active=True)
        .filter(Q(groups__name=HALL_ADMIN) | Q(is_superuser=True))
        .distinct()
        .values_list("pk", flat=True)
    )


def case_notice_text(kind: str, p: dict) -> str:
    """The text of the case notices (``hall.notices`` asks for it)."""
    if kind == NOTICE_OPENED:
        return (
            _(
                "A bad rating of %(day)s names you: case %(case)s is open for rectification "
                "until %(deadline)s."
            )
            % p
        )
    if kind == NOTICE_ENDED:
        return _("Case %(case)s about the bad rating of %(day)s has ended: %(state)s.") % {
            **p,
            "state": State(p["state"]).label,
        }
    if kind == NOTICE_REVIEW_REJECTED:
        return _("Your review of the bad rating of %(day)s was rejected: the rating stands.") % p
    if kind == NOTICE_REVIEW_ASKED:
        return _("%(staff)s asks for review of case %(case)s as an invalid rating.") % p
    if kind == NOTICE_OVERDUE:
        return (
            ngettext(
                "%(n)s bad-rating case passed its deadline on %(day)s and is now overdue.",
                "%(n)s bad-rating cases passed their deadline on %(day)s and are now overdue.",
                p["n"],
            )
            % p
        )
    raise KeyError(kind)
