"""The hall profile (name, phones, seal) and the admin's users-and-roles pages."""

from __future__ import annotations

import io
import random
import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from PIL import Image

from hall.models import AuditEntry, HallProfile
from hall.selectors import PROFILE_CACHE_KEY
from tests.helpers import field_error, tr
from windows.models import Liaison

pytestmark = pytest.mark.django_db

PROFILE = {
    "name": "渝北区政务服务中心",
    "address": "重庆市渝北区双凤路1号",
    "enquiry_phone": "023-67888888",
    "complaint_phone": "023-67888999",
    "office_hours": "周一至周五 9:00–17:00",
}


def image(fmt: str = "PNG", size: tuple[int, int] = (8, 8), noise: bool = False) -> bytes:
    """A real image; with ``noise`` its pixels do not compress, so the file is large."""
    if noise:
        img = Image.frombytes("RGB", size, random.Random(0).randbytes(size[0] * size[1] * 3))
    else:
        img = Image.new("RGBA", size, (200, 0, 0, 128))
    buf = io.BytesIO()
    img.save(buf, fmt)
    return buf.getvalue()


def entries_for(obj, action: str):
    ct = ContentType.objects.get_for_model(obj)
    return AuditEntry.objects.filter(content_type=ct, object_id=str(obj.pk), action=action)


# --- the hall profile --------------------------------------------------------------------


def test_saving_the_profile_changes_the_name_in_another_pages_header(
    admin, django_capture_on_commit_callbacks
):
    assert "行政审批服务大厅" in admin.get(reverse("staff_list")).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(reverse("profile_edit"), PROFILE)

    assert response["Location"] == reverse("profile_edit")
    html = admin.get(reverse("staff_list")).content.decode()
    assert "<span>渝北区政务服务中心</span>" in html
    assert "行政审批服务大厅" not in html


def test_saving_the_profile_records_old_and_new_values(admin, admin_user):
    profile = HallProfile.objects.create(pk=1, name="旧名称大厅", address=PROFILE["address"])

    admin.post(reverse("profile_edit"), PROFILE)

    entry = entries_for(profile, "update").get()
    assert entry.actor == admin_user
    assert entry.changes["name"] == ["旧名称大厅", "渝北区政务服务中心"]
    assert "address" not in entry.changes


def test_a_bad_enquiry_phone_is_refused_and_nothing_is_saved(admin):
    response = admin.post(reverse("profile_edit"), {**PROFILE, "enquiry_phone": "1234"})

    expected = tr(
        "Enter a landline such as 023-65312345, a mobile number, or a hotline such as 12345."
    )
    assert expected in field_error(response, "enquiry_phone")
    assert not HallProfile.objects.exists()


def test_the_government_hotline_is_accepted_as_the_complaint_phone(admin):
    admin.post(reverse("profile_edit"), {**PROFILE, "complaint_phone": "12345"})

    assert HallProfile.objects.get().complaint_phone == "12345"


def test_a_small_png_seal_is_accepted_and_stored(admin, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path

    response = admin.post(
        reverse("profile_edit"),
        {**PROFILE, "seal": SimpleUploadedFile("seal.png", image(), "image/png")},
    )

    assert response.status_code == 302
    seal = HallProfile.objects.get().seal
    assert seal.name.startswith("hall/seal")
    assert (tmp_path / seal.name).read_bytes() == image()


def test_the_seal_upload_is_audited_by_file_name(admin, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path

    admin.post(
        reverse("profile_edit"),
        {**PROFILE, "seal": SimpleUploadedFile("seal.png", image(), "image/png")},
    )

    profile = HallProfile.objects.get()
    assert entries_for(profile, "update").get().changes["seal"] == ["", profile.seal.name]


def test_saving_the_profile_again_without_a_new_seal_keeps_the_seal(
    admin, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(
            reverse("profile_edit"),
            {**PROFILE, "seal": SimpleUploadedFile("seal.png", image(), "image/png")},
        )
    seal = HallProfile.objects.get().seal.name

    with django_capture_on_commit_callbacks(execute=True):
        admin.post(reverse("profile_edit"), {**PROFILE, "office_hours": "全天"})

    profile = HallProfile.objects.get()
    assert (profile.office_hours, profile.seal.name) == ("全天", seal)
    assert "seal" not in entries_for(profile, "update").first().changes


def test_a_profile_cached_before_the_seal_was_uploaded_does_not_wipe_it_on_save(
    admin, settings, tmp_path, django_capture_on_commit_callbacks
):
    # Each worker process caches the profile for a minute (a locmem cache) and only the
    # worker that saved drops its copy, so the next save may meet a copy from before the seal.
    settings.MEDIA_ROOT = tmp_path
    stale = HallProfile.objects.create(pk=1, name=PROFILE["name"])
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(
            reverse("profile_edit"),
            {**PROFILE, "seal": SimpleUploadedFile("seal.png", image(), "image/png")},
        )
    seal = HallProfile.objects.get().seal.name
    cache.set(PROFILE_CACHE_KEY, stale, 60)

    admin.post(reverse("profile_edit"), {**PROFILE, "office_hours": "全天"})

    profile = HallProfile.objects.get()
    assert (profile.office_hours, profile.seal.name) == ("全天", seal)


NOT_IMAGES = {
    "text renamed .png": ("seal.png", "这不是图片".encode()),
    "exe renamed .png": ("seal.png", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200),
}


@pytest.mark.parametrize("case", list(NOT_IMAGES))
def test_a_seal_that_is_not_an_image_is_refused_and_nothing_is_saved(
    admin, settings, tmp_path, case
):
    settings.MEDIA_ROOT = tmp_path
    name, content = NOT_IMAGES[case]

    response = admin.post(
        reverse("profile_edit"), {**PROFILE, "seal": SimpleUploadedFile(name, content)}
    )

    assert response.status_code == 200
    assert field_error(response, "seal")
    assert not HallProfile.objects.exists()
    assert list(tmp_path.iterdir()) == []


def test_a_seal_in_another_image_format_is_refused(admin, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path

    response = admin.post(
        reverse("profile_edit"), {**PROFILE, "seal": SimpleUploadedFile("seal.gif", image("GIF"))}
    )

    assert tr("Upload a PNG or JPEG image.") in field_error(response, "seal")
    assert not HallProfile.objects.exists()


def test_a_seal_over_the_size_limit_is_refused_with_the_limit(admin, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.HALL_IMAGE_MAX_BYTES = 4096
    content = image(size=(64, 64), noise=True)
    assert len(content) > 4096

    response = admin.post(
        reverse("profile_edit"), {**PROFILE, "seal": SimpleUploadedFile("seal.png", content)}
    )

    expected = tr(
        "The image is %(size)s KB; the limit is %(limit)s KB.", size=len(content) // 1024, limit=4
    )
    assert expected in field_error(response, "seal")
    assert not HallProfile.objects.exists()
    assert list(tmp_path.iterdir()) == []


# --- users and roles ---------------------------------------------------------------------


def roles_of(user) -> list[str]:
    return sorted(user.groups.values_list("name", flat=True))


def test_changing_roles_records_the_old_and_new_roles(admin, admin_user, supervisor_user):
    response = admin.post(
        reverse("user_edit", args=[supervisor_user.pk]),
        {"roles": ["duty_supervisor", "hall_admin"], "active": "on"},
    )

    assert response["Location"] == reverse("user_edit", args=[supervisor_user.pk])
    assert roles_of(supervisor_user) == ["duty_supervisor", "hall_admin"]
    entry = entries_for(supervisor_user, "roles").get()
    assert entry.actor == admin_user
    assert entry.changes == {"roles": ["duty_supervisor", "duty_supervisor, hall_admin"]}


def test_the_role_change_is_shown_in_the_users_history(admin, supervisor_user):
    admin.post(
        reverse("user_edit", args=[supervisor_user.pk]),
        {"roles": ["duty_supervisor", "hall_admin"], "active": "on"},
    )

    html = admin.get(reverse("user_edit", args=[supervisor_user.pk])).content.decode()
    assert "duty_supervisor, hall_admin" in html.split("<section")[-1]


def test_making_someone_a_liaison_without_a_department_is_refused(admin, supervisor_user):
    response = admin.post(
        reverse("user_edit", args=[supervisor_user.pk]),
        {"roles": ["department_liaison"], "active": "on"},
    )

    assert tr("A department liaison needs their department.") in field_error(response, "department")
    assert roles_of(supervisor_user) == ["duty_supervisor"]
    assert not Liaison.objects.exists()
    assert not entries_for(supervisor_user, "roles").exists()


def test_making_someone_a_liaison_of_a_department_links_them_to_it(
    admin, supervisor_user, department
):
    admin.post(
        reverse("user_edit", args=[supervisor_user.pk]),
        {"roles": ["department_liaison"], "department": department.pk, "active": "on"},
    )

    assert Liaison.objects.get(user=supervisor_user).department == department
    assert entries_for(supervisor_user, "roles").get().changes["department"] == ["", "工商分局"]


def test_the_admin_cannot_take_the_admin_role_from_themselves(admin, admin_user):
    response = admin.post(
        reverse("user_edit", args=[admin_user.pk]), {"roles": ["duty_supervisor"], "active": "on"}
    )

    expected = tr("You cannot take the administrator role from yourself.")
    assert expected in field_error(response, "roles")
    assert roles_of(admin_user) == ["hall_admin"]
    assert not entries_for(admin_user, "roles").exists()


def test_a_login_taken_off_may_log_in_can_no_longer_log_in(
    admin, anonymous, supervisor_user, password
):
    admin.post(reverse("user_edit", args=[supervisor_user.pk]), {"roles": ["duty_supervisor"]})

    anonymous.post(reverse("login"), {"username": "supervisor", "password": password})

    assert "_auth_user_id" not in anonymous.session


def test_the_admin_creates_a_liaison_login(admin, department):
    response = admin.post(
        reverse("user_create"),
        {
            "username": "gs-liaison",
            "full_name": "黄联络",
            "password": "Qz7!market-hall",
            "roles": ["department_liaison"],
            "department": department.pk,
        },
    )

    user = get_user_model().objects.get(username="gs-liaison")
    assert response["Location"] == reverse("user_edit", args=[user.pk])
    assert roles_of(user) == ["department_liaison"]
    assert Liaison.objects.get(user=user).department == department
    assert entries_for(user, "create").count() == 1


def test_creating_a_liaison_login_without_department_saves_nothing(admin, django_user_model):
    before = django_user_model.objects.count()

    response = admin.post(
        reverse("user_create"),
        {
            "username": "gs-liaison",
            "full_name": "黄联络",
            "password": "Qz7!market-hall",
            "roles": ["department_liaison"],
        },
    )

    assert tr("A department liaison needs their department.") in field_error(response, "department")
    assert django_user_model.objects.count() == before


def test_the_user_list_search_finds_by_name(admin, supervisor_user, liaison_user):
    html = admin.get(reverse("user_list"), {"q": "陈联"}).content.decode()

    assert "liaison" in html
    assert "李明" not in html


def _temporary_password(response, username: str) -> str | None:
    with translation.override(settings.LANGUAGE_CODE):
        text = translation.gettext(
            "Temporary password for %(name)s: %(pw)s — give it to them in person; it is not "
            "shown again."
        )
    before, after = escape(text % {"name": username, "pw": "\0"}).split("\0")
    found = re.search(
        re.escape(before) + "([A-Za-z0-9]+)" + re.escape(after), response.content.decode()
    )
    return found.group(1) if found else None


def test_a_password_reset_shows_the_temporary_password_once(admin, supervisor_user):
    response = admin.post(reverse("user_password_reset", args=[supervisor_user.pk]), follow=True)

    assert _temporary_password(response, "supervisor")
    again = admin.get(reverse("user_edit", args=[supervisor_user.pk]))
    assert _temporary_password(again, "supervisor") is None


def test_the_temporary_password_logs_the_user_in(admin, anonymous, supervisor_user, password):
    response = admin.post(reverse("user_password_reset", args=[supervisor_user.pk]), follow=True)
    temporary = _temporary_password(response, "supervisor")

    old = anonymous.post(reverse("login"), {"username": "supervisor", "password": password})
    assert "_auth_user_id" not in anonymous.session
    assert old.status_code == 200
    new = anonymous.post(reverse("login"), {"username": "supervisor", "password": temporary})

    assert new["Location"] == reverse("home")
    assert anonymous.session["_auth_user_id"] == str(supervisor_user.pk)


def test_a_password_reset_is_audited_without_the_password(admin, supervisor_user):
    response = admin.post(reverse("user_password_reset", args=[supervisor_user.pk]), follow=True)
    temporary = _temporary_password(response, "supervisor")

    entry = entries_for(supervisor_user, "update").get()
    assert temporary not in str(entry.changes)
