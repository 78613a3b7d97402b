"""Downloading stored documents (``hall.Document``): only through this view, which asks the
document's kind whether the user may have it. Someone else's document is a 404."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from hall.models import Document
from hall.pdf import can_view


def document_file_response(document: Document) -> FileResponse:
    """The stored PDF, shown inline by the browser, named after the document's title."""
    if not document.file:
        raise Http404("not rendered yet")
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404("document file missing") from None
    response = FileResponse(
        handle, filename=f"{document.title}.pdf", content_type="application/pdf"
    )
    response["Cache-Control"] = "private, no-cache"
    return response


@login_required
def document_download(request: HttpRequest, pk: int) -> HttpResponse:
    document = get_object_or_404(Document, pk=pk)
    if not can_view(request.user, document):
        raise Http404("no such document")
    return document_file_response(document)
