"""Pages of the lost-property register (拾金不昧): on the duty tablet, registering an item and
its return; for the hall office and the supervisors, the register and the year's tally.

The register form is posted by static/js/duty.js like the duty log's forms (header
``X-Duty-Submit``): 201 with the item's page, 200 when the same key was already saved, 422
with the errors by field. Without JavaScript it redirects with a message as usual.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hall import duty, lost, selectors
from hall.forms_lost import (
    COMMON_ITEMS,
    COMMON_PLACES,
    LostCloseForm,
    LostFilterForm,
    LostRegisterForm,
)
from hall.models import LostProperty, LostPropertyPhoto
from hall.text import mask_name, mask_phone
from hall.views_duty import _refused, _wants_json, on_duty


def item_url(item: LostProperty) -> str:
    return reverse("lost_detail", args=[item.pk])


@on_duty
def lost_list(request: HttpRequest) -> HttpResponse:
    """The register: held items first. Filters by year, status and window."""
    years = lost.lost_years()
    form = LostFilterForm(request.GET or None, years=years)
    filters = form.cleaned_data if form.is_valid() else {}
    window = filters.get("window")
    qs = lost.register(
        year=filters.get("year"),
        status=filters.get("status") or "",
        window_id=window.pk if window else None,
    )
    page = Paginator(qs, settings.HALL_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    for row in page.object_list:  # the owner is shown in full on the item's page only
        row.owner_masked = mask_name(row.owner_name)
        row.phone_masked = mask_phone(row.owner_phone)
    return render(
        request,
        "hall/lost_list.html",
        {"page": page, "filter_form": form, "querystring": query.urlencode()},
    )


@on_duty
def lost_new(request: HttpRequest) -> HttpResponse:
    form = LostRegisterForm(request.POST or None, request.FILES or None)
    context = {
        "shift": duty.open_shift_for(request.user),
        "windows": list(selectors.floor_windows()),
        "common_items": COMMON_ITEMS,
        "common_places": COMMON_PLACES,
    }
    if request.method != "POST":
        return render(request, "hall/lost_new.html", {**context, "form": form})
    if not form.is_valid():
        return _refused(request, form, None, "hall/lost_new.html", context)
    d = form.cleaned_data
    try:
        item, created = lost.lost_register(
            actor=request.user,
            key=d["key"],
            item=d["item"],
            description=d["description"],
            found_place=d["found_place"],
            found_at=d["found_at"],
            window=d.get("window"),
            staff=d.get("staff"),
            photos=d.get("photos") or [],
        )
    except ValidationError as exc:
        return _refused(request, form, exc, "hall/lost_new.html", context)
    if created:
        text = _("Registered as lost property #%(n)s.") % {"n": item.pk}
    else:
        text = _("Already registered as #%(n)s; not saved twice.") % {"n": item.pk}
    if _wants_json(request):
        return JsonResponse(
            {"id": item.pk, "created": created, "url": item_url(item), "message": text},
            status=201 if created else 200,
        )
    messages.success(request, text)
    return redirect(item_url(item))


def _detail(request, item: LostProperty, close_form: LostCloseForm, status_code: int = 200):
    return render(
        request,
        "hall/lost_detail.html",
        {
            "item": item,
            "photos": list(item.photos.all()),
            "close_form": close_form,
        },
        status=status_code,
    )


@on_duty
def lost_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The item's own page: the only place the owner's name and phone are shown in full."""
    return _detail(request, lost.lost_get(pk), LostCloseForm())


@on_duty
@require_POST
def lost_close(request: HttpRequest, pk: int) -> HttpResponse:
    item = lost.lost_get(pk)
    form = LostCloseForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            result = lost.lost_close(
                actor=request.user,
                item=item,
                status=d["status"],
                closed_at=d["closed_at"],
                owner_name=d["owner_name"],
                owner_phone=d["owner_phone"],
                note=d["note"],
            )
        except ValidationError as exc:
            for field, msgs in exc.message_dict.items():
                for msg in msgs:
                    form.add_error(field if field in form.fields else None, msg)
        else:
            messages.success(
                request,
                _("Lost property #%(n)s: %(status)s.")
                % {"n": item.pk, "status": result.item.get_status_display()},
            )
            if result.proposal is not None:
                messages.info(
                    request,
                    _("A commendation (%(points)s) for the finder is proposed to the hall office.")
                    % {"points": f"{result.proposal.points.normalize():+f}"},
                )
            for why in result.not_proposed:
                messages.warning(request, _("No commendation proposed: %(why)s") % {"why": why})
            return redirect(item_url(item))
    return _detail(request, lost.lost_get(pk), form, status_code=422)


@on_duty
def lost_photo(request: HttpRequest, pk: int, photo_pk: int) -> HttpResponse:
    photo = get_object_or_404(LostPropertyPhoto, pk=photo_pk, item_id=pk)
    try:
        handle = photo.photo.open("rb")
    except FileNotFoundError:
        raise Http404("photo missing") from None
    return FileResponse(handle)


@on_duty
def lost_tally(request: HttpRequest) -> HttpResponse:
    """The year's finds by window and by person, for the hall office and the supervisors."""
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    return render(
        request,
        "hall/lost_tally.html",
        {"tally": lost.tally(year), "years": lost.lost_years()},
    )
