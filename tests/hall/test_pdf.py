"""The PDF pipeline: the local-only URL fetcher, Chinese glyphs in a real embedded font, the
font system check, and stored documents (claim, replace, fail, re-queue)."""

from __future__ import annotations

import datetime
import socket
import subprocess
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hall import checks, pdf
from hall.models import Document


def pdf_text(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "out.pdf"
    path.write_bytes(data)
    return subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def pdf_fonts(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "fonts.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout


def page(body: str) -> str:
    return (
        f'<html><head><link rel="stylesheet" href="{pdf.static_uri("css/print.css")}">'
        f"</head><body>{body}</body></html>"
    )


# --- the URL fetcher ---------------------------------------------------------------------


def test_the_url_fetcher_refuses_an_http_url():
    with pytest.raises(ValueError, match="refused"):
        pdf.url_fetcher().fetch("http://example.com/style.css")


def test_the_url_fetcher_refuses_a_file_outside_the_static_folders(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("not for PDFs")
    with pytest.raises(ValueError, match="refused"):
        pdf.url_fetcher().fetch(secret.as_uri())


def test_the_url_fetcher_refuses_a_path_climbing_out_of_static(settings):
    climbing = Path(settings.STATICFILES_DIRS[0]).as_uri() + "/../hall/settings.py"
    with pytest.raises(ValueError, match="refused"):
        pdf.url_fetcher().fetch(climbing)


def test_the_url_fetcher_reads_the_print_stylesheet_from_disk():
    response = pdf.url_fetcher().fetch(pdf.static_uri("css/print.css"))
    assert b"@page" in response.read()
    assert response.content_type == "text/css"


def test_the_url_fetcher_reads_the_halls_seal_from_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "hall").mkdir()
    seal = tmp_path / "hall" / "seal.png"
    seal.write_bytes(b"\x89PNG\r\n")
    assert pdf.url_fetcher().fetch(seal.as_uri()).read() == b"\x89PNG\r\n"


def test_an_external_image_is_left_out_without_touching_the_network(monkeypatch, tmp_path):
    def no_network(*args, **kwargs):
        raise AssertionError("the PDF tried to reach the network")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    data = pdf.html_to_pdf(page('<p>审批</p><img src="http://192.0.2.1/tracker.png">'))
    assert "审批" in pdf_text(data, tmp_path)


# --- fonts -------------------------------------------------------------------------------


def test_chinese_text_is_real_glyphs_in_an_embedded_noto_cjk_font(tmp_path):
    data = pdf.html_to_pdf(page("<h1>行政审批服务大厅</h1><p>窗口工作人员月度考核</p>"))
    assert data.startswith(b"%PDF")
    text = pdf_text(data, tmp_path)
    assert "行政审批服务大厅" in text
    assert "窗口工作人员月度考核" in text
    fonts = pdf_fonts(data, tmp_path)
    assert "Noto-Sans-CJK-SC" in fonts
    assert "Noto-Serif-CJK-SC" in fonts


def test_fontconfig_finds_the_noto_cjk_fonts_on_this_machine():
    families = checks.cjk_font_families()
    assert "Noto Sans CJK SC" in families
    assert "Noto Serif CJK SC" in families
    assert checks.cjk_font_check() == []


def test_the_system_check_warns_when_no_font_has_chinese_glyphs(monkeypatch):
    monkeypatch.setattr(checks, "cjk_font_families", lambda: [])
    (warning,) = checks.cjk_font_check()
    assert warning.id == "hall.W001"
    assert "empty box" in warning.msg


def test_the_system_check_warns_when_only_another_chinese_font_is_there(monkeypatch):
    monkeypatch.setattr(checks, "cjk_font_families", lambda: ["WenQuanYi Zen Hei"])
    (warning,) = checks.cjk_font_check()
    assert warning.id == "hall.W002"


# --- stored documents --------------------------------------------------------------------


CALLS: list[str] = []


def _render_hello(document, progress):
    CALLS.append(document.key)
    progress(1, 2)
    if document.params.get("fail"):
        raise RuntimeError("the template broke")
    return pdf.html_to_pdf(page(f"<h1>{document.title}</h1>"))


pdf.register_kind("test.hello", render=_render_hello, can_view=lambda user, doc: True)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    CALLS.clear()


def ask(django_capture_on_commit_callbacks, **kw) -> Document:
    with django_capture_on_commit_callbacks(execute=True):
        document = pdf.document_request(kind="test.hello", key="test-hello", title="收据", **kw)
    document.refresh_from_db()
    return document


def test_a_requested_document_is_rendered_and_stored(db, media, django_capture_on_commit_callbacks):
    document = ask(django_capture_on_commit_callbacks)
    assert document.status == Document.Status.DONE
    assert document.finished_at is not None
    assert default_storage.exists(document.file.name)
    assert document.file.name.startswith("documents/test-hello")
    assert document.done == document.total == 2


def test_asking_again_replaces_the_file_and_keeps_one_row(
    db, media, django_capture_on_commit_callbacks
):
    first = ask(django_capture_on_commit_callbacks).file.name
    second = ask(django_capture_on_commit_callbacks).file.name
    assert first != second
    assert not default_storage.exists(first)
    assert default_storage.exists(second)
    assert Document.objects.filter(key="test-hello").count() == 1


def test_a_failed_render_records_the_error_and_keeps_the_previous_file(
    db, media, django_capture_on_commit_callbacks
):
    good = ask(django_capture_on_commit_callbacks).file.name
    failed = ask(django_capture_on_commit_callbacks, params={"fail": True})
    assert failed.status == Document.Status.FAILED
    assert "RuntimeError: the template broke" in failed.error
    assert failed.file.name == good
    assert default_storage.exists(good)


def test_a_document_is_rendered_once_however_often_its_task_runs(
    db, media, django_capture_on_commit_callbacks
):
    document = ask(django_capture_on_commit_callbacks)
    assert pdf.document_render(document.pk) is False  # already done: nothing to claim
    assert CALLS == ["test-hello"]


def test_a_render_overtaken_by_a_newer_request_is_discarded(db, media, monkeypatch):
    document = pdf.document_request(kind="test.hello", key="test-hello", title="收据")

    def asked_again_meanwhile(doc, progress):
        pdf.document_request(kind="test.hello", key="test-hello", title="收据")
        return b"%PDF-old"

    monkeypatch.setitem(
        pdf._KINDS,
        "test.hello",
        pdf.DocumentKind("test.hello", asked_again_meanwhile, lambda u, d: True),
    )
    assert pdf.document_render(document.pk) is False
    document.refresh_from_db()
    assert document.status == Document.Status.QUEUED
    assert not document.file
    assert not default_storage.listdir("documents")[1]  # the discarded file is gone


def test_several_documents_are_asked_for_in_one_statement(db, django_user_model):
    admin = django_user_model.objects.create(username="office")
    known = pdf.document_request(
        kind="test.hello", key="known", title="旧", params={"v": 1}, queue=False
    )
    Document.objects.filter(pk=known.pk).update(
        status=Document.Status.DONE, file="documents/known.pdf", done=2, total=2
    )
    asked = [
        pdf.Request(kind="test.hello", key="new", title="新", group="g", params={"v": 2}),
        pdf.Request(kind="test.hello", key="known", title="再", group="g", params={"v": 3}),
        pdf.Request(kind="test.hello", key="new", title="新二", group="g", params={"v": 4}),
    ]
    with CaptureQueriesContext(connection) as done:
        documents = pdf.documents_request(asked, requested_by=admin, queue=False)
    assert [q["sql"].split()[0] for q in done.captured_queries] == ["INSERT"]
    # In the order asked; a key asked twice takes its last request.
    assert [d.key for d in documents] == ["new", "known", "new"]
    new, again = documents[0], documents[1]
    assert (new.title, new.params, new.generation, new.requested_by) == ("新二", {"v": 4}, 1, admin)
    # Read back as the ORM reads (SQLite returns text for these).
    assert isinstance(new.requested_at, datetime.datetime) and new.requested_at.tzinfo
    assert isinstance(new.created_at, datetime.datetime)
    # The known one is queued again with the new request's values; its file stays until the
    # new render replaces it.
    again.refresh_from_db()
    assert (again.pk, again.title, again.group, again.params) == (known.pk, "再", "g", {"v": 3})
    assert (again.status, again.done, again.total, again.generation) == ("queued", 0, 0, 2)
    assert again.file.name == "documents/known.pdf" and again.requested_by == admin
    assert Document.objects.count() == 2


def test_a_request_without_queueing_waits_for_beat(db, media, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        document = pdf.document_request(
            kind="test.hello", key="test-hello", title="收据", queue=False
        )
    document.refresh_from_db()
    assert document.status == Document.Status.QUEUED
    assert CALLS == []


def test_beat_queues_again_documents_left_waiting(db, media, monkeypatch):
    from django.utils import timezone

    queued: list[int] = []
    monkeypatch.setattr(pdf, "_queue", queued.append)
    old = pdf.document_request(kind="test.hello", key="old", title="旧")
    fresh = pdf.document_request(kind="test.hello", key="fresh", title="新")
    Document.objects.filter(pk=old.pk).update(
        requested_at=timezone.now() - datetime.timedelta(minutes=11)
    )
    assert pdf.documents_requeue() == 1
    assert queued == [old.pk]
    assert fresh.pk not in queued


def test_beat_takes_back_a_render_whose_worker_died(db, media, monkeypatch, settings):
    from django.utils import timezone

    monkeypatch.setattr(pdf, "_queue", lambda pk: None)
    document = pdf.document_request(kind="test.hello", key="stuck", title="卡住")
    Document.objects.filter(pk=document.pk).update(
        status=Document.Status.RUNNING,
        started_at=timezone.now()
        - datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 301),
    )
    pdf.documents_requeue(older_than_minutes=0)
    document.refresh_from_db()
    assert document.status == Document.Status.QUEUED
    assert document.generation == 2
