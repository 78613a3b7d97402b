"""Small helpers the page tests share: messages as the page shows them, a field's error."""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxLengthValidator
from django.utils import translation
from django.utils.html import escape

from hall.models import AuditEntry


def tr(msgid: str, **params) -> str:
    """The message as a page in the default language shows it (translated, HTML-escaped)."""
    with translation.override(settings.LANGUAGE_CODE):
        text = translation.gettext(msgid)
    return escape(text % params if params else text)


def too_long(limit: int, length: int) -> str:
    """Django's message for a value over ``limit`` characters, as the page shows it."""
    with translation.override(settings.LANGUAGE_CODE):
        message = MaxLengthValidator(limit).message % {"limit_value": limit, "show_value": length}
        return escape(str(message))


def field_error(response, field: str) -> str:
    """The error text rendered under ``field`` in a crispy form ('' when none)."""
    html = response.content.decode()
    found = re.search(
        rf'<div id="id_{field}_error" class="invalid-feedback">(.*?)</div>', html, re.S
    )
    return found.group(1) if found else ""


def table_body(response) -> str:
    """The rows of a list page's table, as rendered."""
    return re.search(r"<tbody>(.*?)</tbody>", response.content.decode(), re.S).group(1)


def audit_entries(obj, action: str):
    ct = ContentType.objects.get_for_model(obj)
    return AuditEntry.objects.filter(content_type=ct, object_id=str(obj.pk), action=action)


def ratings_made(window, level, n: int = 1, *, at, staff=None) -> None:
    """``n`` QR ratings of ``window`` at the moment ``at``, written in bulk (the statistics
    and the close read them; the rating form is tested on its own)."""
    from complaints.models import Rating

    Rating.objects.bulk_create(
        Rating(
            window=window,
            department=window.department,
            staff=staff,
            level=level,
            channel="qr",
            created_at=at,
        )
        for _ in range(n)
    )
