"""Materials clean-up (精简要件): the name normaliser, what an item issues, the analysis and
its page and Excel export."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from guides.materials import (
    ItemRow,
    MaterialRow,
    analyse,
    cites_a_law,
    item_output,
    normalise,
)
from tests.factories import ApprovalItemFactory, DepartmentFactory
from tests.guides.conftest import publish


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("营业执照", "营业执照"),
        ("营业执照副本", "营业执照"),
        ("营业执照（副本）", "营业执照"),
        ("营业执照副本复印件", "营业执照"),
        ("《营业执照》原件及复印件", "营业执照"),
        (" 营业 执照　复印件 ", "营业执照"),  # half- and full-width spaces
        ("营业执照(副本)", "营业执照"),
        ("营业执照【加盖公章】", "营业执照"),
        ("申请人（法定代表人）居民身份证", "身份证"),
        ("法定代表人身份证复印件", "身份证"),
        ("申请单位营业执照", "营业执照"),
        ("居民身份证原件", "身份证"),
        ("ＩＣ卡", "ic卡"),  # full-width Latin letters
        ("税控IC卡", "税控ic卡"),
        ("建设用地规划许可证及附图", "建设用地规划许可证及附图"),
        ("公司章程（草案（修订））", "公司章程"),  # nested brackets
        ("复印件", "复印件"),  # nothing left but the suffix: kept as it is
        ("申请书、承诺书。", "申请书承诺书"),
    ],
)
def test_the_normaliser_reduces_a_material_to_what_it_is(name, expected):
    assert normalise(name) == expected


@pytest.mark.parametrize(
    ("item", "output"),
    [
        ("建设工程规划许可证核发", "建设工程规划许可证"),
        ("药品经营许可证核发（零售）", "药品经营许可证"),
        ("组织机构代码证办理", "组织机构代码证"),
        ("个人所得税完税证明开具", "个人所得税完税证明"),
        ("内资企业设立登记", "营业执照"),
        ("企业变更登记", ""),
        ("职业介绍机构设立许可", ""),
        ("发票领购", ""),
    ],
)
def test_an_items_name_says_which_licence_it_issues(item, output):
    assert item_output(item) == output


def test_a_legal_basis_counts_only_when_it_cites_a_law_by_title():
    assert cites_a_law("《中华人民共和国行政许可法》第二十九条")
    assert cites_a_law("依据＜＞不算，但《重庆市物业管理条例》算")
    assert not cites_a_law("按区政府办公室要求执行")
    assert not cites_a_law("")


def row(name, item_id, dept, *, basis="《行政许可法》", code=None):
    return MaterialRow(
        name=name,
        item_id=item_id,
        item_code=code or f"I-{item_id}",
        item_name=f"事项{item_id}",
        department_id=dept,
        department_name=f"部门{dept}",
        legal_basis=basis,
    )


ITEMS = [
    ItemRow(1, "AIC-001", "内资企业设立登记", 1, "工商"),
    ItemRow(2, "PLAN-003", "建设工程规划许可证核发", 2, "规划"),
    ItemRow(3, "CONST-001", "建筑工程施工许可证核发", 3, "建委"),
]


def test_the_same_material_written_differently_is_found_across_departments():
    result = analyse(
        [
            row("营业执照副本", 10, 4),
            row("营业执照（副本）复印件", 11, 5),
            row("营业执照", 12, 5),
            row("公司章程", 13, 4),
        ],
        ITEMS,
    )
    (shared,) = result.shared
    assert shared.key == "营业执照" and shared.items == 3
    assert shared.across_departments and shared.departments == ["部门4", "部门5"]
    assert sorted(shared.names) == ["营业执照", "营业执照副本", "营业执照（副本）复印件"]
    assert (result.materials, result.distinct) == (4, 2)


def test_a_material_one_item_asks_twice_is_not_shared():
    result = analyse([row("身份证", 10, 4), row("身份证复印件", 10, 4)], ITEMS)
    assert result.shared == []


def test_a_licence_another_department_issues_is_a_candidate_naming_the_issuer():
    result = analyse(
        [
            row("建设工程规划许可证", 3, 3),  # asked by construction, issued by planning
            row("建设工程规划许可证复印件", 2, 2),  # planning's own licence: it checks it
            row("营业执照或其他主体资格证明文件", 20, 6),  # named inside a longer name
        ],
        ITEMS,
    )
    found = {(c.row.item_id, c.rule): c for c in result.candidates}
    assert set(found) == {(3, "checked_elsewhere"), (20, "checked_elsewhere")}
    assert [i.code for i in found[(3, "checked_elsewhere")].issuers] == ["PLAN-003"]
    assert "建设工程规划许可证核发" in found[(3, "checked_elsewhere")].reason
    assert [i.code for i in found[(20, "checked_elsewhere")].issuers] == ["AIC-001"]


def test_every_material_of_a_guide_citing_no_law_is_a_candidate():
    result = analyse(
        [row("情况说明", 30, 7, basis="按上级要求"), row("承诺书", 30, 7, basis="按上级要求")],
        ITEMS,
    )
    assert [(c.row.name, c.rule) for c in result.candidates] == [
        ("情况说明", "no_legal_basis"),
        ("承诺书", "no_legal_basis"),
    ]


# --- the page and the export, from the database ---------------------------------------------


@pytest.fixture
def hall(db, item, admin_user, reviewer_user):
    """Three departments' guides: the business licence asked again by two, a planning licence
    asked by construction, and a guide citing no law."""
    planning = DepartmentFactory(name="规划分局", short_name="规划", code="PLAN")
    building = DepartmentFactory(name="建委", short_name="建委", code="CONST")
    publish(item, admin_user, reviewer_user, materials=("公司设立登记申请书",))
    plan = ApprovalItemFactory(code="PLAN-003", name="建设工程规划许可证核发", department=planning)
    publish(plan, admin_user, reviewer_user, materials=("营业执照副本", "建设用地规划许可证"))
    build = ApprovalItemFactory(
        code="CONST-001", name="建筑工程施工许可证核发", department=building
    )
    publish(
        build,
        admin_user,
        reviewer_user,
        materials=("营业执照（副本）复印件", "建设工程规划许可证", "<b>情况说明</b>"),
        legal_basis="按区政府要求",
    )


def test_the_materials_page_lists_shared_materials_candidates_and_explains_its_rules(admin, hall):
    page = admin.get(reverse("guide_materials")).content.decode()
    shared = page.split('id="shared-table"')[1]
    assert "营业执照" in shared and "营业执照副本；营业执照（副本）复印件" in shared
    candidates = page.split('id="candidate-table"')[1].split("</table>")[0]
    assert candidates.count("<tr>") == 1 + 3 + 3  # head; checked elsewhere ×3; no basis ×3
    assert "&lt;b&gt;情况说明&lt;/b&gt;" in candidates and "<b>情况说明" not in candidates
    assert "How the page decides" in page or "建设工程规划许可证核发" in page


def test_the_excel_export_has_both_lists(admin, hall):
    response = admin.get(reverse("guide_materials_export"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(response.content))
    shared, candidates = wb.worksheets
    keys = [r[0] for r in shared.iter_rows(min_row=2, values_only=True)]
    assert keys == ["营业执照"]
    rows = list(candidates.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 6
    assert {r[1] for r in rows} == {"CONST-001", "PLAN-003"}
    assert "<b>情况说明</b>" in {r[3] for r in rows}  # text as typed, not markup


def test_a_material_name_that_looks_like_a_formula_stays_text_in_excel(
    admin, item, admin_user, reviewer_user
):
    publish(item, admin_user, reviewer_user, materials=("=HYPERLINK(1)",), legal_basis="无")
    wb = load_workbook(io.BytesIO(admin.get(reverse("guide_materials_export")).content))
    (row,) = list(wb.worksheets[1].iter_rows(min_row=2, values_only=True))
    assert row[3] == "'=HYPERLINK(1)"
