"""The public guide pages: no login, escaped, cached per edition, with QR code and flowchart."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from guides import services
from guides.flowchart import FlowStep, steps_svg, text_width, wrap
from guides.models import GuideFaq, GuideMaterial
from tests.factories import ApprovalItemFactory, DepartmentFactory
from tests.guides.conftest import fill, publish

pytestmark = pytest.mark.django_db
SCRIPT = "<script>alert(1)</script>"


def _page(client, code: str) -> str:
    response = client.get(reverse("guide_public", args=[code]))
    assert response.status_code == 200
    return response.content.decode()


def test_anyone_reads_the_current_guide_with_its_contents(anonymous, published):
    html = _page(anonymous, "GS-001")

    for text in (
        "内资企业设立登记",
        "行政许可法》第二十九条",
        "营业执照申请书",
        "工本费10元",
        "12345",
    ):
        assert text in html


def test_the_guide_carries_a_qr_code_of_its_own_absolute_address(anonymous, published):
    html = _page(anonymous, "GS-001")

    assert '<svg class="guide-qr"' in html or 'class="guide-qr"' in html
    assert "http://testserver/guides/GS-001/" in html


def test_the_guide_shows_the_flowchart_of_its_steps(anonymous, published):
    html = _page(anonymous, "GS-001")

    chart = re.search(
        r'<svg xmlns="http://www.w3.org/2000/svg"[^>]*guide-flowchart.*?</svg>', html, re.S
    )
    assert chart is not None
    assert chart.group(0).count("<rect") == 3
    assert "1. 受理" in chart.group(0) and "3. 发证" in chart.group(0)


def test_html_typed_into_any_field_is_escaped_on_the_public_page(
    anonymous, item, admin_user, reviewer_user
):
    draft = services.guide_edition_draft(item=item, author=admin_user)
    text_fields = ["legal_basis", "conditions", "fees", "fee_basis", "place", "office_hours"]
    fill(draft, materials=(SCRIPT,), steps=(SCRIPT, "发证"), **dict.fromkeys(text_fields, SCRIPT))
    GuideMaterial.objects.filter(edition=draft).update(notes=SCRIPT)
    draft.steps.update(who=SCRIPT, time=SCRIPT, description=SCRIPT)
    GuideFaq.objects.create(edition=draft, order=1, question=SCRIPT, answer=SCRIPT)
    draft.item_name = SCRIPT
    draft.save()
    services.guide_edition_submit(edition=draft, actor=admin_user)
    services.guide_edition_review(edition=draft, reviewer=reviewer_user, approve=True)

    html = _page(anonymous, "GS-001")

    assert SCRIPT not in html
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 12


def test_the_public_page_shows_a_new_edition_as_soon_as_it_is_published(
    anonymous, published, admin_user, reviewer_user
):
    assert "工本费10元" in _page(anonymous, "GS-001")  # now cached

    publish(published.guide.item, admin_user, reviewer_user, fees="工本费20元")

    html = _page(anonymous, "GS-001")
    assert "工本费20元" in html and "工本费10元" not in html


def test_a_draft_never_shows_on_the_public_page(anonymous, published, admin_user):
    draft = services.guide_edition_draft(item=published.guide.item, author=admin_user)
    draft.fees = "草稿里的收费"
    draft.save()

    assert "草稿里的收费" not in _page(anonymous, "GS-001")


def test_the_cached_guide_body_costs_one_query(anonymous, published):
    _page(anonymous, "GS-001")

    with CaptureQueriesContext(connection) as ctx:
        _page(anonymous, "GS-001")

    assert len(ctx.captured_queries) == 1  # the item with its published edition's id


def test_an_item_without_a_published_guide_says_so(anonymous, item, admin_user):
    services.guide_edition_draft(item=item, author=admin_user)

    html = _page(anonymous, "GS-001")

    assert 'id="no-guide"' in html and "内资企业设立登记" in html


def test_an_unknown_code_is_a_404_in_the_hall_layout(anonymous, published):
    response = anonymous.get(reverse("guide_public", args=["NO-SUCH"]))

    assert response.status_code == 404
    html = response.content.decode()
    assert "NO-SUCH" in html and 'class="navbar' in html


def test_the_catalogue_groups_items_by_department_and_marks_those_without_a_guide(
    anonymous, published
):
    other = DepartmentFactory(name="税务局", display_order=1)
    ApprovalItemFactory(department=other, code="SW-001", name="税务登记")

    page = anonymous.get(reverse("guide_catalogue")).content.decode()
    html = page.split('role="search"')[1].split("</form>", 1)[1]  # after the filter form

    assert html.index("税务局") < html.index("税务登记") < html.index("工商分局")
    assert html.index("工商分局") < html.index("内资企业设立登记")
    row = html[html.index("税务登记") :].split("</a>")[0]
    assert "badge" in row
    assert "badge" not in html[html.index("内资企业设立登记") :].split("</a>")[0]
    assert reverse("guide_public", args=["GS-001"]) in html


def test_the_catalogue_searches_by_name_and_filters_by_department(anonymous, published):
    other = DepartmentFactory(name="税务局")
    ApprovalItemFactory(department=other, code="SW-001", name="税务登记")

    searched = anonymous.get(reverse("guide_catalogue"), {"q": "设立"}).content.decode()
    filtered = anonymous.get(reverse("guide_catalogue"), {"department": other.pk}).content.decode()

    assert "内资企业设立登记" in searched and "税务登记" not in searched
    assert "税务登记" in filtered and "内资企业设立登记" not in filtered


def test_a_published_blank_form_downloads_for_anyone_but_a_drafts_does_not(
    anonymous, admin, published, admin_user, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    material = published.materials.get()
    material.blank_form.save("申请书.pdf", SimpleUploadedFile("申请书.pdf", b"%PDF-1.4\n"))
    draft = services.guide_edition_draft(item=published.guide.item, author=admin_user)
    draft_material = draft.materials.get()

    public = anonymous.get(reverse("guide_material_file", args=["GS-001", material.pk]))
    hidden = anonymous.get(reverse("guide_material_file", args=["GS-001", draft_material.pk]))
    for_admin = admin.get(reverse("guide_material_file", args=["GS-001", draft_material.pk]))

    assert public.status_code == 200 and b"".join(public.streaming_content) == b"%PDF-1.4\n"
    assert hidden.status_code == 404
    assert for_admin.status_code == 200


def test_an_inactive_item_has_no_public_guide(anonymous, published):
    item = published.guide.item
    assert anonymous.get(reverse("guide_public", args=["GS-001"])).status_code == 200  # cached
    item.active = False
    item.save()

    assert anonymous.get(reverse("guide_public", args=["GS-001"])).status_code == 404


# --- the flowchart builder ---------------------------------------------------------------


def test_long_chinese_step_titles_wrap_within_the_box():
    title = "对申请材料的实质内容进行审查并组织有关部门联合踏勘现场"
    lines = wrap(title, 150, 15)

    assert len(lines) > 1
    assert "".join(lines) == title
    assert all(text_width(line, 15) <= 150 for line in lines)


def test_latin_words_wrap_at_spaces():
    assert wrap("apply at window A01 today", 80, 12) == ["apply at", "window A01", "today"]


def test_the_flowchart_draws_a_box_per_step_and_an_arrow_between_them():
    svg = steps_svg([FlowStep("申请"), FlowStep("受理", "A01"), FlowStep("办结")])

    assert svg.count("<rect") == 3
    assert svg.count("<path") == 2
    assert svg.startswith("<svg") and svg.endswith("</svg>")


def test_the_flowchart_escapes_what_the_steps_say():
    svg = steps_svg([FlowStep(SCRIPT, SCRIPT, "<b>")])

    assert "<script>" not in svg and "<b>" not in svg


def test_no_steps_draw_no_flowchart():
    assert steps_svg([]) == ""


def test_an_anonymous_visitor_gets_the_cached_page_with_a_fresh_csrf_token_each(
    item, published, admin_user, reviewer_user, django_assert_num_queries
):
    from django.test import Client

    from tests.guides.conftest import publish as publish_again

    url = reverse("guide_public", args=[item.code])
    first, second = Client(), Client()
    page = first.get(url).content.decode()
    with django_assert_num_queries(1):  # the item and its published edition's id
        again = second.get(url)
    assert again.status_code == 200 and "csrf-token" not in again.content.decode()
    tokens = [p.split('"X-CSRFToken": "')[1].split('"')[0] for p in (page, again.content.decode())]
    assert all(len(t) == 64 for t in tokens) and tokens[0] != tokens[1]
    assert again.cookies["csrftoken"].value
    publish_again(item, admin_user, reviewer_user, fees="工本费30元")
    assert "工本费30元" in second.get(url).content.decode()  # a new edition shows at once
