"""The PDF pipeline: data → a Django template → HTML → WeasyPrint → a stored ``Document``.

- ``render_pdf(template_name, context)`` renders a template (``templates/<app>/pdf/``, styled
  by ``static/css/print.css``, never Bootstrap) and lays it out with WeasyPrint. Its
  ``url_fetcher`` reads only files on disk under the static folders and the hall's own
  images (logo, seal) under ``MEDIA_ROOT/hall/``; anything else — http, https, ftp, a file
  elsewhere — is refused, so a PDF never reaches the network or reads a stray file.
- ``document_request(...)`` records that a document is wanted (one row per ``key``) and
  queues ``hall.tasks.document_render`` once the transaction commits; ``document_render``
  claims the row by a conditional update, renders it through its ``DocumentKind`` and
  replaces the stored file. Apps declare their kinds in ``<app>/reports.py`` with
  ``register_kind``; those modules are imported on first use (like admin autodiscovery).
"""

from __future__ import annotations

import datetime
import logging
import mimetypes
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone

from hall.models import Document
from hall.sql import insert_values, returned_models

logger = logging.getLogger(__name__)

Progress = Callable[[int, int], None]


# --- rendering ------------------------------------------------------------------------------


def allowed_roots() -> list[Path]:
    """Folders a PDF may read from: the static folders and the hall's own images."""
    roots = [Path(p) for p in settings.STATICFILES_DIRS]
    if settings.STATIC_ROOT:
        roots.append(Path(settings.STATIC_ROOT))
    if settings.MEDIA_ROOT:
        roots.append(Path(settings.MEDIA_ROOT) / "hall")
    return [r.resolve() for r in roots]


def local_path(url: str) -> Path | None:
    """The file a ``file:`` URL names, if it lies under an allowed root; otherwise None."""
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        return None
    path = Path(url2pathname(unquote(parts.path))).resolve()
    for root in allowed_roots():
        if path.is_relative_to(root) and path.is_file():
            return path
    return None


def static_uri(name: str) -> str:
    """A static file as a ``file:`` URI, for templates rendered to PDF (``{% pdf_static %}``)."""
    found = finders.find(name)
    if not found and settings.STATIC_ROOT:
        candidate = Path(settings.STATIC_ROOT) / name
        found = str(candidate) if candidate.is_file() else None
    if not found:
        raise ValueError(f"static file not found: {name}")
    return Path(found).resolve().as_uri()


def media_uri(field_file) -> str:
    """An image of the hall (seal, logo) as a ``file:`` URI, or "" when none is uploaded."""
    if not field_file:
        return ""
    try:
        path = Path(field_file.path)
    except (NotImplementedError, ValueError):  # a storage without local paths
        return ""
    return path.resolve().as_uri() if path.is_file() else ""


def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class LocalOnlyFetcher(URLFetcher):
        """Serves ``data:`` URLs and files under the allowed roots; refuses everything else."""

        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            path = local_path(url)
            if path is None:
                raise ValueError(f"refused: {url[:200]} (PDFs read only static files)")
            mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(
                path.as_uri(), body=path.read_bytes(), headers={"Content-Type": mime}
            )

    return LocalOnlyFetcher


def url_fetcher():
    """A WeasyPrint URL fetcher that never touches the network (see the module docstring)."""
    return _fetcher_class()()


def render_html(template_name: str, context: dict) -> str:
    return render_to_string(template_name, context)


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML

    base = Path(settings.BASE_DIR).as_uri() + "/"
    return HTML(string=html, base_url=base, url_fetcher=url_fetcher()).write_pdf()


def render_pdf(template_name: str, context: dict) -> bytes:
    """A Django template rendered to HTML, then to PDF by WeasyPrint. Returns the PDF bytes."""
    return html_to_pdf(render_html(template_name, context))


# --- kinds of documents ---------------------------------------------------------------------


@dataclass(frozen=True)
class DocumentKind:
    """How to render one kind of document and who may download it."""

    name: str
    render: Callable[[Document, Progress], bytes]
    can_view: Callable[[object, Document], bool]


_KINDS: dict[str, DocumentKind] = {}
_discovered = False


def register_kind(
    name: str,
    *,
    render: Callable[[Document, Progress], bytes],
    can_view: Callable[[object, Document], bool],
) -> None:
    _KINDS[name] = DocumentKind(name, render, can_view)


def document_kind(name: str) -> DocumentKind:
    global _discovered
    if name not in _KINDS and not _discovered:
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("reports")
        _discovered = True
    return _KINDS[name]


def can_view(user, document: Document) -> bool:
    try:
        kind = document_kind(document.kind)
    except KeyError:
        return False
    return bool(user.is_authenticated and kind.can_view(user, document))


# --- requesting and rendering stored documents ----------------------------------------------


def worker_available() -> bool:
    """Whether a Celery worker renders documents; False when tasks run in-process (the
    embedded default and the tests), where rendering a month's PDFs inside whatever
    request or command asked for them would hold it for minutes."""
    from hall.celery import app

    return not app.conf.task_always_eager


def _queue(document_id: int) -> None:
    from hall import tasks
    from hall.queue import enqueue

    enqueue(tasks.document_render, document_id)


@transaction.atomic
def document_request(
    *,
    kind: str,
    key: str,
    title: str,
    group: str = "",
    params: dict | None = None,
    requested_by=None,
    queue: bool = True,
) -> Document:
    """Ask for a document (again): the row is queued now, the render once this commits.

    One row per key: a second request re-queues the same row, and the render that follows
    replaces the stored file. A render still running for an earlier request is discarded
    when it finishes (``generation``). ``queue=False`` records the request only: the row
    waits, queued, for beat or for someone to ask again.
    """
    (document,) = documents_request(
        [Request(kind=kind, key=key, title=title, group=group, params=params)],
        requested_by=requested_by,
        queue=queue,
    )
    return document


@dataclass(frozen=True)
class Request:
    """One document asked for through ``documents_request``."""

    kind: str
    key: str
    title: str
    group: str = ""
    params: dict | None = None

    def __post_init__(self):
        object.__setattr__(self, "title", self.title[:200])  # the column's length


def documents_request(
    requests: list[Request], *, requested_by=None, queue: bool = True
) -> list[Document]:
    """``document_request`` for several documents at once (a month close asks for four or
    more), in one statement on PostgreSQL and SQLite: ``INSERT … ON CONFLICT (key) DO UPDATE
    … RETURNING``. A new key gets its row; a known one is queued again with this request's
    kind, title, group and parameters, its progress and error cleared and its generation
    bumped (so a render still running for an older request is discarded); its file stays
    until the new render replaces it. In the order of ``requests``; asked twice in one call,
    a key takes its last request."""
    if not requests:
        return []
    now = timezone.now()
    wanted = {r.key: r for r in requests}
    rows = [
        insert_values(
            Document(
                kind=r.kind,
                key=r.key,
                title=r.title,
                group=r.group,
                params=r.params or {},
                requested_by=requested_by,
                requested_at=now,
            )
        )
        for r in wanted.values()
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            _upsert_sql(rows[0][0], len(rows)), [v for _columns, values in rows for v in values]
        )
        documents = {d.key: d for d in returned_models(Document, cursor.fetchall())}
    out = [documents[r.key] for r in requests]
    if queue:
        for document in out:
            transaction.on_commit(lambda pk=document.pk: _queue(pk))
    return out


# What a request sets again on a known document (with the generation, bumped).
_ASKED_AGAIN = (
    "kind",
    "title",
    "group",
    "params",
    "requested_by",
    "requested_at",
    "status",
    "done",
    "total",
    "error",
)


def _upsert_sql(columns: list[str], n: int) -> str:
    q = connection.ops.quote_name
    meta = Document._meta
    table = q(meta.db_table)
    again = [q(meta.get_field(name).column) for name in _ASKED_AGAIN]
    row = "(" + ", ".join(["%s"] * len(columns)) + ")"
    returning = ", ".join(q(f.column) for f in meta.concrete_fields)
    return (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES {', '.join([row] * n)}"
        f" ON CONFLICT ({q('key')}) DO UPDATE SET "
        + ", ".join(f"{c} = excluded.{c}" for c in again)
        + f", {q('generation')} = {table}.{q('generation')} + 1 RETURNING {returning}"
    )


def _storage():
    return Document._meta.get_field("file").storage


def document_render(document_id: int) -> bool:
    """Render a queued document and store it, replacing its old file. False when there was
    nothing to do (another worker has it, it was re-requested, or it is gone) or it failed."""
    row = Document.objects.filter(pk=document_id).values("generation", "status").first()
    if row is None or row["status"] != Document.Status.QUEUED:
        return False
    generation = row["generation"]
    now = timezone.now()
    claimed = Document.objects.filter(
        pk=document_id, status=Document.Status.QUEUED, generation=generation
    ).update(status=Document.Status.RUNNING, started_at=now, done=0, total=0, error="")
    if claimed != 1:
        return False
    document = Document.objects.get(pk=document_id)
    mine = Document.objects.filter(pk=document_id, generation=generation)
    last = [0.0]

    def progress(done: int, total: int) -> None:
        tick = time.monotonic()
        if done >= total or tick - last[0] >= 0.5:
            last[0] = tick
            mine.update(done=done, total=total)

    try:
        pdf = document_kind(document.kind).render(document, progress)
    except Exception as exc:  # any failure is recorded on the row for the status page
        logger.exception("rendering document %s (%s) failed", document.pk, document.key)
        mine.update(
            status=Document.Status.FAILED,
            error=f"{type(exc).__name__}: {exc}"[:2000],
            finished_at=timezone.now(),
        )
        return False
    storage = _storage()
    name = storage.save(f"documents/{document.key}.pdf", ContentFile(pdf))
    old = document.file.name
    finished = mine.filter(status=Document.Status.RUNNING).update(
        status=Document.Status.DONE, file=name, finished_at=timezone.now(), done=F("total")
    )
    if not finished:  # re-requested meanwhile: the newer render stores its own file
        storage.delete(name)
        return False
    if old and old != name:
        storage.delete(old)
    return True


def documents_requeue(*, older_than_minutes: int = 10) -> int:
    """Beat: queue again documents left queued (the broker was down) or running far longer
    than a task may run (the worker died). The claim makes a duplicate harmless."""
    now = timezone.now()
    dead = now - datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 300)
    Document.objects.filter(status=Document.Status.RUNNING, started_at__lt=dead).update(
        status=Document.Status.QUEUED, generation=F("generation") + 1, requested_at=now
    )
    waiting = list(
        Document.objects.filter(
            status=Document.Status.QUEUED,
            requested_at__lt=now - datetime.timedelta(minutes=older_than_minutes),
        ).values_list("pk", flat=True)
    )
    for pk in waiting:
        _queue(pk)
    return len(waiting)
