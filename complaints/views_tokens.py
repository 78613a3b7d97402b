"""Rating tokens issued at the window (一事一评): the staff member who served a case issues a
token and shows it as a QR code, or prints its code on the ticket or receipt; the list shows
the window's recent tokens as used or not — never the rating a token produced (the staff
member must not see the citizen's choice; it reaches them, without name or phone, on
"Ratings about me" like any other)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from complaints import ratings
from complaints.models import RatingToken
from hall.roles import WINDOW_STAFF, role_required
from staff.models import StaffMember

TOKENS_PER_PAGE = 20
REF_LEN = 6  # the part of a token printed as its reference on the ticket and in the list


def _seated_member(request: HttpRequest) -> StaffMember:
    """The login's staff record with its current window; 404 without one."""
    member = (
        StaffMember.objects.filter(user=request.user, active=True).select_related("window").first()
    )
    if member is None:
        raise Http404("no staff record for this login")
    return member


def token_reference(token: RatingToken) -> str:
    return token.token[:REF_LEN].upper()


@role_required(WINDOW_STAFF)
@never_cache
@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    """Issue a token (POST) or see the window's recent ones, newest first."""
    member = _seated_member(request)
    window = member.window
    if request.method == "POST":
        if window is None:
            messages.error(
                request, _("You are not seated at a window, so you cannot issue tokens.")
            )
            return redirect("rating_tokens")
        try:
            token = ratings.token_issue(window=window, staff=member, issued_by=request.user)
        except ValidationError as exc:
            for errors in exc.message_dict.values():
                for error in errors:
                    messages.error(request, error)
            return redirect("rating_tokens")
        return redirect("rating_token_show", pk=token.pk)
    tokens = RatingToken.objects.none()
    if window is not None:
        tokens = (
            RatingToken.objects.filter(window=window)
            .select_related("staff")
            .only("id", "token", "issued_at", "staff__name")
            .annotate(used_at=F("rating__created_at"))  # spent by its rating
            .order_by("-issued_at", "-id")
        )
    page = Paginator(tokens, TOKENS_PER_PAGE).get_page(request.GET.get("page"))
    for token in page.object_list:
        token.reference = token_reference(token)
        token.expired = token.used_at is None and ratings.token_expired(token)
    return render(
        request,
        "complaints/tokens.html",
        {"member": member, "window": window, "page": page, "querystring": ""},
    )


@role_required(WINDOW_STAFF)
@never_cache
def token_show(request: HttpRequest, pk: int) -> HttpResponse:
    """One token of the staff member's window, as a big QR code and its printed code. Another
    window's token is a 404; a used one shows only that it was used."""
    member = _seated_member(request)
    token = get_object_or_404(
        RatingToken.objects.select_related("window").annotate(used_at=F("rating__created_at")),
        pk=pk,
        window_id=member.window_id,
    )
    context = {
        "member": member,
        "token": token,
        "reference": token_reference(token),
        "expired": token.used_at is None and ratings.token_expired(token),
        "life_days": settings.HALL_RATING_TOKEN_DAYS,
    }
    if token.used_at is None and not context["expired"]:
        import segno

        from complaints.views import _public_url

        url = _public_url(request, reverse("rating_token", kwargs={"token": token.token}))
        context["url"] = url
        context["qr"] = mark_safe(  # noqa: S308 — segno's own SVG of our URL
            segno.make(url, error="m").svg_inline(scale=6, border=2, omitsize=True)
        )
    return render(request, "complaints/token_show.html", context)
