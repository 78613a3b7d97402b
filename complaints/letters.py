"""The written reply to a written complaint (书面答复): a one-page A4 letter, with the hall's
name and seal, made as a ``hall.Document`` by the same Celery task as the appraisal's PDFs.
Every field goes through the template's autoescape: HTML typed by anyone prints as text."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from complaints.models import Complaint, ComplaintStep
from hall import pdf
from hall.models import Document
from hall.roles import HALL_ADMIN, has_role

LETTER = "complaints.reply_letter"


def letter_key(complaint: Complaint) -> str:
    return f"complaint-letter-{complaint.pk}"


def letter_document(complaint: Complaint) -> Document | None:
    return Document.objects.filter(key=letter_key(complaint)).first()


def letter_request(*, actor, complaint: Complaint) -> Document:
    """Ask for the letter (again, after a new reply): the render replaces the old file."""
    document = pdf.document_request(
        kind=LETTER,
        key=letter_key(complaint),
        title=_("Reply to complaint %(number)s") % {"number": complaint.number},
        params={"complaint": complaint.pk},
        requested_by=actor,
    )
    ComplaintStep.objects.create(
        complaint=complaint, action=ComplaintStep.Action.LETTER, actor=actor
    )
    return document


def letter_context(complaint: Complaint) -> dict:
    from hall.selectors import hall_profile

    profile = hall_profile()
    return {
        "c": complaint,
        "hall_profile": profile,
        "seal_uri": pdf.media_uri(profile.seal),
        "doc_title": _("Reply to complaint %(number)s") % {"number": complaint.number},
        "issued_on": timezone.localtime(complaint.replied_at or timezone.now()).date(),
    }


def render_letter(document: Document, progress) -> bytes:
    complaint = Complaint.objects.select_related("window", "staff", "department").get(
        pk=document.params["complaint"]
    )
    progress(0, 1)
    with translation.override(settings.LANGUAGE_CODE):
        return pdf.render_pdf("complaints/pdf/letter.html", letter_context(complaint))


def _admin_only(user, document: Document) -> bool:
    return has_role(user, HALL_ADMIN)


pdf.register_kind(LETTER, render=render_letter, can_view=_admin_only)
