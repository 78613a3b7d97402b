import datetime

from django import template
from django.conf import settings
from django.utils import timezone

from hall.text import label_colon

register = template.Library()


@register.filter
def attr(obj, name: str):
    """``obj|attr:"name"``: an attribute (called when it is a method), for generic tables."""
    value = getattr(obj, name, "")
    return value() if callable(value) else value


@register.filter
def due_class(day) -> str:
    """CSS class for a due date: past → overdue, within the warning window → soon."""
    if not isinstance(day, datetime.date):
        return ""
    today = timezone.localdate()
    if day <= today:
        return "overdue"
    if day <= today + datetime.timedelta(days=settings.HALL_ROTATION_WARN_DAYS):
        return "soon"
    return ""


@register.filter
def role_label(labels: dict, code: str):
    """``role_labels|role_label:group.name``: a role's label, or its code when unknown."""
    return labels.get(code, code)


@register.filter
def notice_text(notice) -> str:
    """A notice's text in the reader's language (see ``hall.notices``)."""
    from hall.notices import notice_text as text

    return text(notice)


@register.simple_tag
def colon() -> str:
    """The colon after a label: full-width in Chinese (交接记录：), ': ' in English."""
    return label_colon()
