"""Static data for ``manage.py seed_demo``: the 沙坪坝区 hall's departments, windows and items.

The departments are the ones the hall's half-year summary names (国税、地税、劳社、卫生、消防、
工商、规划、建委、人事、环保、计生委、国土、计委) plus the others a district hall of that time
housed. Everything here is plain data; the command turns it into rows. Item codes are
``<department code>-<nnn>`` in list order, so append new items at the end of a list.
"""

from __future__ import annotations

from typing import NamedTuple

from guides.models import ApprovalItem
from hall.roles import DEPARTMENT_LIAISON, DUTY_SUPERVISOR, HALL_ADMIN

LICENCE = ApprovalItem.Kind.LICENCE
CONFIRMATION = ApprovalItem.Kind.CONFIRMATION
FILING = ApprovalItem.Kind.FILING
PUBLIC_SERVICE = ApprovalItem.Kind.PUBLIC_SERVICE
OTHER = ApprovalItem.Kind.OTHER

DEMO_PASSWORD = "hall-demo-2026"
DEMO_STAFF_NO = "S0001"
STAFF_PER_WINDOW = 3
WINDOWS_PER_ROW = 20  # A01…A20, B01…B20, C01…

HALL_PROFILE = {
    "name": "沙坪坝区行政审批服务大厅",
    "address": "重庆市沙坪坝区小龙坎新街56号 区行政服务中心一至二楼",
    "enquiry_phone": "023-65312345",
    "complaint_phone": "023-65318890",
    "office_hours": "周一至周五 9:00-12:00, 13:30-17:00（法定节假日除外）",
}


class ItemSpec(NamedTuple):
    name: str
    kind: str
    statutory_days: int | None
    promised_days: int | None  # None when settled on the spot
    on_the_spot: bool = False
    in_hall_required: bool = True


class DepartmentSpec(NamedTuple):
    code: str
    name: str
    short_name: str
    windows: tuple[str, ...]  # window names, one per window, numbered in list order
    items: tuple[ItemSpec, ...]


def _lic(name, statutory=20, promised=10, **kw) -> ItemSpec:
    return ItemSpec(name, LICENCE, statutory, promised, **kw)


def _spot(name, kind=PUBLIC_SERVICE, statutory=None, **kw) -> ItemSpec:
    return ItemSpec(name, kind, statutory, None, on_the_spot=True, **kw)


DEPARTMENTS: tuple[DepartmentSpec, ...] = (
    DepartmentSpec(
        "NTAX",
        "沙坪坝区国家税务局",
        "国税",
        ("国税税务登记窗口", "国税发票发售窗口", "国税申报征收窗口", "国税综合服务窗口"),
        (
            ItemSpec("税务登记（国税）", CONFIRMATION, 30, 5),
            ItemSpec("增值税一般纳税人资格认定", CONFIRMATION, 20, 10),
            _spot("发票领购"),
            _lic("增值税专用发票最高开票限额审批", 20, 10),
            _spot("纳税申报（国税）", in_hall_required=False),
            _lic("延期缴纳税款核准（国税）", 20, 15),
            ItemSpec("税收减免备案（国税）", FILING, 20, 5),
        ),
    ),
    DepartmentSpec(
        "LTAX",
        "沙坪坝区地方税务局",
        "地税",
        ("地税税务登记窗口", "地税代开发票窗口", "地税契税征收窗口"),
        (
            ItemSpec("税务登记（地税）", CONFIRMATION, 30, 3),
            _spot("代开发票"),
            _spot("契税征收"),
            _lic("减免税审批（地税）", 20, 15),
            _spot("个人所得税完税证明开具"),
            _lic("延期申报核准（地税）", 20, 10),
        ),
    ),
    DepartmentSpec(
        "LABOUR",
        "沙坪坝区劳动和社会保障局",
        "劳社",
        ("劳社社会保险登记窗口", "劳社劳动用工备案窗口", "劳社就业服务窗口"),
        (
            ItemSpec("社会保险登记", CONFIRMATION, 15, 5),
            ItemSpec("劳动合同备案", FILING, 15, 3),
            _lic("企业实行不定时工作制和综合计算工时工作制审批", 20, 15),
            _lic("职业介绍机构设立许可", 20, 15),
            _spot("就业失业登记证办理"),
            ItemSpec("企业职工退休审批", CONFIRMATION, 30, 20),
            ItemSpec("养老保险关系转移接续", PUBLIC_SERVICE, 15, 10),
        ),
    ),
    DepartmentSpec(
        "HEALTH",
        "沙坪坝区卫生局",
        "卫生",
        ("卫生许可窗口", "卫生医政窗口"),
        (
            _lic("公共场所卫生许可证核发", 20, 10),
            _lic("医疗机构设置审批", 30, 20),
            _lic("医疗机构执业登记", 45, 30),
            _lic("食品卫生许可证核发", 20, 10),
            _lic("生活饮用水供水单位卫生许可", 20, 15),
            _lic("放射诊疗许可", 20, 20),
        ),
    ),
    DepartmentSpec(
        "FIRE",
        "重庆市沙坪坝区公安消防支队",
        "消防",
        ("消防建审验收窗口", "消防安全检查窗口"),
        (
            _lic("建设工程消防设计审核", 20, 15),
            _lic("建设工程消防验收", 20, 15),
            _lic("公众聚集场所投入使用营业前消防安全检查", 10, 7),
            ItemSpec("建设工程消防设计备案", FILING, 5, 3),
            ItemSpec("建设工程竣工验收消防备案", FILING, 5, 3),
        ),
    ),
    DepartmentSpec(
        "AIC",
        "重庆市工商行政管理局沙坪坝区分局",
        "工商",
        ("工商企业登记窗口", "工商个体登记窗口", "工商变更注销窗口", "工商名称核准窗口"),
        (
            _lic("内资企业设立登记", 15, 5),
            _lic("企业变更登记", 15, 3),
            _lic("企业注销登记", 15, 5),
            _spot("个体工商户设立登记", LICENCE, 15),
            _spot("个体工商户变更登记", LICENCE, 15),
            _lic("企业名称预先核准", 10, 1),
            _lic("农民专业合作社设立登记", 20, 5),
            ItemSpec("企业年度检验", CONFIRMATION, 20, 5),
        ),
    ),
    DepartmentSpec(
        "PLAN",
        "重庆市规划局沙坪坝区分局",
        "规划",
        ("规划用地许可窗口", "规划工程许可窗口"),
        (
            _lic("建设项目选址意见书核发", 20, 15),
            _lic("建设用地规划许可证核发", 20, 15),
            _lic("建设工程规划许可证核发", 20, 15),
            _lic("乡村建设规划许可证核发", 20, 15),
            ItemSpec("建设工程规划条件核实", CONFIRMATION, 20, 12),
            _lic("临时建设工程规划许可", 20, 10),
        ),
    ),
    DepartmentSpec(
        "CONST",
        "沙坪坝区建设委员会",
        "建委",
        ("建委施工许可窗口", "建委质安监督窗口", "建委招投标备案窗口"),
        (
            _lic("建筑工程施工许可证核发", 15, 7),
            ItemSpec("建设工程质量安全监督登记", FILING, 5, 3),
            ItemSpec("建设工程竣工验收备案", FILING, 15, 5),
            ItemSpec("建设工程招标投标情况备案", FILING, 5, 3),
            _lic("建筑业企业资质核准（三级）", 20, 20),
            _lic("城市建筑垃圾处置核准", 20, 10),
        ),
    ),
    DepartmentSpec(
        "PERS",
        "沙坪坝区人事局",
        "人事",
        ("人事人才服务窗口", "人事档案管理窗口"),
        (
            ItemSpec("事业单位人员聘用合同鉴证", CONFIRMATION, 15, 5),
            _spot("流动人员人事档案接收"),
            ItemSpec("专业技术职务任职资格审核", CONFIRMATION, 30, 20),
            _spot("大中专毕业生就业报到"),
            ItemSpec("引进人才落户审核", CONFIRMATION, 20, 10),
        ),
    ),
    DepartmentSpec(
        "ENV",
        "沙坪坝区环境保护局",
        "环保",
        ("环保环评审批窗口", "环保排污许可窗口"),
        (
            _lic("建设项目环境影响报告表审批", 30, 20),
            _spot("建设项目环境影响登记表备案", FILING),
            _lic("建设项目竣工环境保护验收", 30, 20),
            _lic("排放污染物许可证核发", 20, 15),
            _lic("夜间建筑施工作业审批", 5, 3),
        ),
    ),
    DepartmentSpec(
        "FAMPLAN",
        "沙坪坝区人口和计划生育委员会",
        "计生委",
        ("计生服务窗口",),
        (
            _spot("生育服务证办理", CONFIRMATION, 30),
            _lic("再生育一孩审批", 30, 20),
            _spot("流动人口婚育证明办理"),
            _spot("独生子女父母光荣证办理", CONFIRMATION),
            _lic("计划生育技术服务机构执业许可", 30, 20),
        ),
    ),
    DepartmentSpec(
        "LAND",
        "重庆市国土资源管理局沙坪坝区分局",
        "国土",
        ("国土用地审批窗口", "国土土地登记窗口"),
        (
            _lic("建设用地审批（区级初审）", 20, 15),
            ItemSpec("国有土地使用权出让合同备案", FILING, 10, 5),
            ItemSpec("土地登记（初始、变更）", CONFIRMATION, 20, 15),
            _lic("临时用地审批", 20, 10),
            _lic("采矿许可证核发（区级）", 40, 30),
            _lic("划拨土地使用权转让审批", 20, 10),
        ),
    ),
    DepartmentSpec(
        "DEVPLAN",
        "沙坪坝区发展计划委员会",
        "计委",
        ("计委投资项目窗口",),
        (
            _lic("企业投资项目核准", 20, 15),
            ItemSpec("企业投资项目备案", FILING, 5, 3),
            _lic("政府投资项目建议书审批", 20, 15),
            _lic("政府投资项目可行性研究报告审批", 20, 15),
            _lic("固定资产投资项目节能审查", 20, 15),
        ),
    ),
    DepartmentSpec(
        "PSB",
        "重庆市公安局沙坪坝区分局",
        "公安",
        ("公安出入境窗口", "公安户政窗口"),
        (
            _lic("因私普通护照签发", 15, 10),
            _lic("内地居民往来港澳通行证签发", 15, 10),
            _lic("大陆居民往来台湾通行证签发", 15, 10),
            ItemSpec("居民身份证申领", PUBLIC_SERVICE, 60, 30),
            _lic("户口迁移审批", 20, 10),
            _spot("暂住证办理"),
            _lic("旅馆业特种行业许可证核发", 20, 15),
        ),
    ),
    DepartmentSpec(
        "QTS",
        "沙坪坝区质量技术监督局",
        "质监",
        ("质监代码证窗口",),
        (
            _spot("组织机构代码证办理", CONFIRMATION, 3),
            _lic("工业产品生产许可证（区级初审）", 20, 15),
            ItemSpec("特种设备使用登记", CONFIRMATION, 30, 15),
            ItemSpec("计量器具强制检定", PUBLIC_SERVICE, 20, 10, in_hall_required=False),
        ),
    ),
    DepartmentSpec(
        "CIVIL",
        "沙坪坝区民政局",
        "民政",
        ("民政社团登记窗口",),
        (
            _lic("社会团体成立登记", 60, 30),
            _lic("民办非企业单位成立登记", 60, 30),
            _spot("婚姻登记", CONFIRMATION, in_hall_required=False),
            ItemSpec("城乡居民最低生活保障审批", CONFIRMATION, 30, 20),
            _lic("养老机构设立许可", 20, 15),
        ),
    ),
    DepartmentSpec(
        "HOUSING",
        "沙坪坝区房地产管理局",
        "房管",
        ("房管产权登记窗口", "房管预售许可窗口"),
        (
            ItemSpec("房屋所有权登记", CONFIRMATION, 30, 15),
            _lic("商品房预售许可证核发", 10, 7),
            ItemSpec("房屋租赁登记备案", FILING, 3, 1),
            _lic("物业服务企业资质核定（三级）", 20, 15),
            ItemSpec("商品房买卖合同备案", FILING, 5, 2),
        ),
    ),
    DepartmentSpec(
        "TRANSP",
        "沙坪坝区交通局",
        "交通",
        ("交通运输许可窗口",),
        (
            _lic("道路运输经营许可", 20, 15),
            ItemSpec("机动车维修经营备案", FILING, 5, 3),
            _lic("出租汽车经营许可", 20, 15),
            _lic("道路运输从业人员从业资格证核发", 10, 5),
            _lic("公路超限运输许可", 15, 5),
            _lic("占用、挖掘公路许可", 20, 10),
        ),
    ),
    DepartmentSpec(
        "CULTURE",
        "沙坪坝区文化广播电视局",
        "文化",
        ("文化市场许可窗口",),
        (
            _lic("娱乐场所经营许可证核发", 20, 15),
            _lic("互联网上网服务营业场所经营许可", 20, 15),
            _lic("营业性演出许可", 20, 10),
            _lic("出版物零售单位设立审批", 20, 15),
            _lic("卫星电视广播地面接收设施安装许可", 20, 15),
        ),
    ),
    DepartmentSpec(
        "FDA",
        "沙坪坝区食品药品监督管理局",
        "药监",
        ("药监食品药品许可窗口",),
        (
            _lic("食品经营许可", 20, 10),
            _lic("药品经营许可证核发（零售）", 30, 20),
            _spot("第二类医疗器械经营备案", FILING),
            _lic("第三类医疗器械经营许可", 30, 20),
        ),
    ),
)

BASE_WINDOWS = sum(len(d.windows) for d in DEPARTMENTS)
BASE_STAFF = STAFF_PER_WINDOW * BASE_WINDOWS

# The department the demo liaison login reads.
LIAISON_DEPARTMENT = "AIC"


class LoginSpec(NamedTuple):
    username: str
    full_name: str
    role: str


DEMO_LOGINS: tuple[LoginSpec, ...] = (
    LoginSpec("admin", "管委办 王主任", HALL_ADMIN),
    LoginSpec("supervisor", "值班长 李明", DUTY_SUPERVISOR),
    LoginSpec("liaison", "工商分局 周敏", DEPARTMENT_LIAISON),
)


def item_code(department: DepartmentSpec, index: int) -> str:
    return f"{department.code}-{index + 1:03d}"


# --- name and phone pools ------------------------------------------------------------------
# Surnames roughly by frequency in Chongqing, repeated ones drawn more often.
SURNAMES = (
    "王王王李李李张张张刘刘刘陈陈陈杨杨黄黄赵吴周周徐孙马朱胡胡郭何何高林罗罗郑梁谢谢宋唐唐"
    "许韩冯邓邓曹彭曾肖肖田董袁潘蒋蔡余余杜叶程苏魏吕丁任沈姚卢钟谭谭陆汪范金石廖廖贾夏韦"
    "付方邹熊熊秦邱江尹薛段雷侯龙史陶黎贺顾毛龚邵万严覃向向冉蒲母牟况税"
)
GIVEN_CHARS = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红建文辉力兰晶燕鹏琳宇浩凯"
    "婷雪梅俊峰波斌宁欣亮颖佳林倩玲海鑫飞彬雯丹蓉莉琴晓光志成东旭虹红春兵晨阳瑜蕾"
)
MOBILE_PREFIXES = (
    "133",
    "135",
    "136",
    "138",
    "139",
    "150",
    "151",
    "152",
    "158",
    "159",
    "177",
    "180",
    "181",
    "182",
    "183",
    "186",
    "187",
    "189",
    "199",
)
FLOORS = "一二三四五六七八九十"
