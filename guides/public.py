"""The public pages of the guides: no login, read on phones from a QR code and on desktops.

The guide page is the hall's most visited page. Its body is rendered once per published
edition and cached under the edition's id (with the language and the page's own address,
which the QR code carries): an edition never changes once published, and publishing a new
one gives a new id, so the page shows the new edition at once with nothing to invalidate.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import get_language

from guides import selectors
from guides.models import GuideEdition, GuideMaterial
from guides.views import render_guide_body
from hall.cache import fragment_key
from hall.roles import HALL_ADMIN, has_role
from windows.models import Department

BODY_SECONDS = 24 * 3600
PAGE_SECONDS = 60
CSRF_PLACEHOLDER = "\x00csrf-token\x00"


def guide_catalogue(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    departments = [
        (str(pk), name)
        for pk, name in Department.objects.filter(active=True).values_list("pk", "name")
    ]
    department = request.GET.get("department", "")
    if department not in {pk for pk, _name in departments}:
        department = ""
    qs = selectors.public_items(query=query, department=department)
    page = Paginator(qs, settings.HALL_PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "guides/public_catalogue.html",
        {
            "page": page,
            "query": query,
            "departments": departments,
            "department": department,
            "querystring": params.urlencode(),
        },
    )


def guide_public(request: HttpRequest, code: str) -> HttpResponse:
    # A visitor without a login and without messages sees the same page as every other: it
    # is kept whole (for a minute, like the hall profile in its footer), with the CSRF token
    # put in per request. Publishing gives a new edition id, hence a new key at once; all a
    # request asks the database is the current edition's id, by precompiled SQL.
    anonymous = not request.user.is_authenticated and not len(get_messages(request))
    url = request.build_absolute_uri(reverse("guide_public", args=[code]))
    if anonymous:
        published_id = selectors.published_edition_id(code)
        if published_id is not None:
            page = cache.get(_page_key(published_id, url))
            if page is not None:
                return HttpResponse(page.replace(CSRF_PLACEHOLDER, get_token(request)))
    item = selectors.public_item(code)
    if item is None:
        return render(request, "guides/public_not_found.html", {"code": code}, status=404)
    if item.published_id is None:
        return render(request, "guides/public_no_guide.html", {"item": item})
    key = fragment_key("guide-public", item.published_id, get_language(), url)
    body = cache.get(key)
    if body is None:
        edition = selectors.edition_with_contents(item.published_id)
        body = render_guide_body(edition, url=url)
        cache.set(key, body, BODY_SECONDS)
    if not anonymous:
        return render(request, "guides/public_guide.html", {"item": item, "body": body})
    page = render_to_string(
        "guides/public_guide.html",
        {"item": item, "body": body, "csrf_token": CSRF_PLACEHOLDER},
        request=request,
    )
    cache.set(_page_key(item.published_id, url), page, PAGE_SECONDS)
    return HttpResponse(page.replace(CSRF_PLACEHOLDER, get_token(request)))


def _page_key(published_id: int, url: str) -> str:
    return fragment_key("guide-public-page", published_id, get_language(), url)


def guide_material_file(request: HttpRequest, code: str, pk: int) -> FileResponse:
    """A material's blank form or sample: anyone for the published edition, the hall office
    for every edition (drafts under work included)."""
    material = (
        GuideMaterial.objects.select_related("edition")
        .filter(pk=pk, edition__guide__item__code=code)
        .first()
    )
    if material is None or not material.blank_form:
        raise Http404
    published = material.edition.status == GuideEdition.Status.PUBLISHED
    if not published and not has_role(request.user, HALL_ADMIN):
        raise Http404
    try:
        handle = material.blank_form.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(
        handle, as_attachment=True, filename=material.blank_form.name.rsplit("/", 1)[-1]
    )
