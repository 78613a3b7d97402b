"""The demo hall's service guides: plain data, turned into editions by ``guides.demo``.

Legal bases cite the national laws and regulations that govern each item (as they stood for
a district hall of the time, with the Chongqing rules where a fee is charged). ``earlier``
holds what the first edition said differently, for the guides that have two editions.
"""

from __future__ import annotations

from typing import NamedTuple

ORIGINAL, COPY, BOTH = "original", "copy", "both"


class Material(NamedTuple):
    name: str
    form: str = ORIGINAL
    copies: int = 1
    notes: str = ""


class Step(NamedTuple):
    title: str
    description: str = ""
    who: str = ""
    time: str = ""


class GuideSpec(NamedTuple):
    code: str
    legal_basis: str
    conditions: str
    materials: tuple[Material, ...]
    steps: tuple[Step, ...]
    fees: str = ""  # "" → free of charge
    fee_basis: str = ""
    visits: int = 1
    faqs: tuple[tuple[str, str], ...] = ()
    earlier: dict | None = None  # the first edition's differences, when there are two


ID_CARD = Material("申请人（法定代表人）居民身份证", BOTH, 1, "原件核对后退还")
LICENCE_COPY = Material("营业执照副本", COPY, 1, "加盖公章")
AGENT = Material("委托代理人身份证明及授权委托书", BOTH, 1, "委托办理时提供")
SITE = Material("经营场所使用证明（房屋产权证明或租赁合同）", COPY, 1, "")


def standard_steps(window: str, decide: str, deliver: str = "发证") -> tuple[Step, ...]:
    return (
        Step("申请", "申请人向窗口提交申请材料", window, "随到随办"),
        Step("受理", "窗口审查材料是否齐全、符合法定形式，出具受理或补正通知书", window, "当场"),
        Step("审查", "对申请材料的实质内容进行审查，需要时组织现场核查", "承办科室", decide),
        Step("决定", "作出准予或不予许可的书面决定", "部门负责人", "1个工作日"),
        Step(deliver, "在窗口领取证照或决定书，也可选择邮寄送达", window, "决定之日起10日内"),
    )


def spot_steps(window: str, result: str) -> tuple[Step, ...]:
    return (
        Step("申请", "申请人持材料到窗口取号办理", window, "随到随办"),
        Step("受理审核", "窗口工作人员当场审核材料", window, "当场"),
        Step("办结", result, window, "当场办结"),
    )


GUIDES: tuple[GuideSpec, ...] = (
    GuideSpec(
        "AIC-001",
        "《中华人民共和国公司法》第六条\n《中华人民共和国公司登记管理条例》第三条、第二十条\n"
        "《中华人民共和国行政许可法》第二十九条至第三十二条",
        "1. 股东符合法定人数，出资达到法定资本最低限额；\n2. 有符合规定的公司名称、章程和组织机构；"
        "\n3. 有公司住所，且名称已经预先核准。",
        (
            Material("公司设立登记申请书", ORIGINAL, 1, "由公司法定代表人签署"),
            Material("全体股东签署的公司章程", ORIGINAL, 1, ""),
            Material("企业名称预先核准通知书", ORIGINAL, 1, "在有效期内"),
            Material("股东的主体资格证明或自然人身份证明", COPY, 1, ""),
            Material("董事、监事和经理的任职文件及身份证明", COPY, 1, ""),
            SITE,
            AGENT,
        ),
        standard_steps("工商企业登记窗口", "3个工作日", "领取营业执照"),
        fees="",
        visits=1,
        faqs=(
            (
                "注册资本需要验资吗？",
                "实行认缴登记制后，除法律另有规定的行业外，设立登记不再提交验资报告。",
            ),
            (
                "可以委托他人办理吗？",
                "可以，受托人需携带本人身份证原件及全体股东签署的授权委托书。",
            ),
        ),
        earlier={
            "fees": "登记费按注册资本总额的0.8‰收取",
            "fee_basis": "《公司登记管理条例》第六十九条（原），渝价〔2004〕215号",
            "extra_material": Material("依法设立的验资机构出具的验资证明", ORIGINAL, 1, ""),
            "summary": "首次发布",
        },
    ),
    GuideSpec(
        "AIC-004",
        "《个体工商户条例》第八条\n《个体工商户登记管理办法》第十二条",
        "有经营能力的公民，经营范围不属于法律、行政法规禁止进入的行业。",
        (
            Material("个体工商户开业登记申请书", ORIGINAL, 1, "经营者签署"),
            ID_CARD,
            SITE,
            Material("一寸近期免冠照片", ORIGINAL, 2, ""),
        ),
        spot_steps("工商个体登记窗口", "当场核发营业执照"),
        visits=1,
        faqs=(
            (
                "经营场所是住宅可以登记吗？",
                "需提交业主委员会或居委会出具的同意证明，并符合有关规定。",
            ),
        ),
    ),
    GuideSpec(
        "AIC-006",
        "《企业名称登记管理规定》第十八条、第二十一条\n《企业名称登记管理实施办法》第二十九条",
        "拟设立的企业需预先申请名称，名称不得与同行业已登记企业名称相同或近似。",
        (
            Material("企业名称预先核准申请书", ORIGINAL, 1, "全体投资人签署"),
            Material("全体投资人的身份证明", COPY, 1, ""),
            AGENT,
        ),
        (
            Step("申请", "申请人提交拟定的名称（可备选3个）", "工商名称核准窗口", "随到随办"),
            Step("查重", "窗口在名称库中比对同行业名称", "工商名称核准窗口", "当场"),
            Step("核准", "作出核准或驳回决定", "企业登记科", "1个工作日"),
            Step(
                "领取通知书", "领取《企业名称预先核准通知书》，有效期6个月", "工商名称核准窗口", ""
            ),
        ),
        visits=2,
    ),
    GuideSpec(
        "NTAX-001",
        "《中华人民共和国税收征收管理法》第十五条\n《中华人民共和国税收征收管理法实施细则》第十二条"
        "\n《税务登记管理办法》第八条",
        "从事生产、经营的纳税人，自领取营业执照之日起30日内申报办理税务登记。",
        (
            Material("税务登记表（适用单位纳税人）", ORIGINAL, 2, "加盖公章"),
            LICENCE_COPY,
            Material("组织机构代码证书副本", COPY, 1, ""),
            Material("法定代表人居民身份证", COPY, 1, ""),
            Material("注册地址及生产经营地址证明", COPY, 1, ""),
        ),
        standard_steps("国税税务登记窗口", "3个工作日", "核发税务登记证"),
        visits=1,
        faqs=(("逾期办理税务登记有什么后果？", "由税务机关责令限期改正，可处2000元以下罚款。"),),
    ),
    GuideSpec(
        "NTAX-003",
        "《中华人民共和国发票管理办法》第十五条、第十六条\n《中华人民共和国发票管理办法实施细则》第十五条",
        "已办理税务登记、需要领购发票的单位和个人。",
        (
            Material("发票领购簿", ORIGINAL, 1, ""),
            Material("经办人身份证明", BOTH, 1, ""),
            Material("税控IC卡", ORIGINAL, 1, "使用税控装置的纳税人提供"),
        ),
        spot_steps("国税发票发售窗口", "当场发售发票"),
        fees="普通发票工本费按份收取",
        fee_basis="渝价〔2002〕321号",
        visits=1,
    ),
    GuideSpec(
        "LTAX-002",
        "《中华人民共和国发票管理办法》第十六条\n《中华人民共和国税收征收管理法》第二十一条",
        "临时取得应税收入、需要开具发票的单位和个人。",
        (
            Material("代开发票申请表", ORIGINAL, 1, ""),
            ID_CARD,
            Material("合同、协议或其他付款方证明", COPY, 1, ""),
        ),
        spot_steps("地税代开发票窗口", "缴纳税款后当场开具发票"),
        visits=1,
        faqs=(("代开发票需要缴税吗？", "需按规定缴纳相应税款后开具，税款以实际计算为准。"),),
    ),
    GuideSpec(
        "LABOUR-001",
        "《中华人民共和国社会保险法》第五十七条\n《社会保险费征缴暂行条例》第七条"
        "\n《社会保险登记管理暂行办法》第六条",
        "用人单位自成立之日起30日内申请办理社会保险登记。",
        (
            Material("社会保险登记表", ORIGINAL, 2, "加盖公章"),
            LICENCE_COPY,
            Material("组织机构代码证书", COPY, 1, ""),
            Material("法定代表人身份证", COPY, 1, ""),
            Material("银行开户许可证", COPY, 1, ""),
        ),
        standard_steps("劳社社会保险登记窗口", "3个工作日", "发放社会保险登记证"),
        visits=1,
    ),
    GuideSpec(
        "LABOUR-002",
        "《中华人民共和国劳动合同法》第十条\n《重庆市劳动合同条例》第十九条",
        "与劳动者订立、变更、续订劳动合同的用人单位。",
        (
            Material("劳动合同备案花名册", ORIGINAL, 2, ""),
            Material("劳动合同文本", ORIGINAL, 1, "一人一份"),
            LICENCE_COPY,
        ),
        standard_steps("劳社劳动用工备案窗口", "2个工作日", "退还备案材料"),
        visits=1,
    ),
    GuideSpec(
        "HEALTH-001",
        "《公共场所卫生管理条例》第四条、第八条\n《公共场所卫生管理条例实施细则》第二十二条",
        "1. 场所布局和设施符合卫生标准和规范；\n2. 从业人员持有有效健康合格证明；\n"
        "3. 建立卫生管理制度，配备专（兼）职卫生管理人员。",
        (
            Material("公共场所卫生许可证申请表", ORIGINAL, 1, ""),
            ID_CARD,
            Material("营业执照或名称预先核准通知书", COPY, 1, ""),
            Material("公共场所地址方位示意图、平面图和卫生设施平面布局图", ORIGINAL, 1, ""),
            Material("从业人员健康合格证明", COPY, 1, "全部从业人员"),
            Material("卫生管理制度", ORIGINAL, 1, ""),
        ),
        standard_steps("卫生许可窗口", "7个工作日（含现场审查）", "发放卫生许可证"),
        visits=1,
        faqs=(
            ("卫生许可证有效期多久？", "有效期4年，期满前30日申请延续。"),
            ("从业人员体检在哪里做？", "可到区疾病预防控制中心或有资质的体检机构进行健康检查。"),
        ),
        earlier={
            "fees": "卫生监测费按项目收取",
            "fee_basis": "渝价〔2001〕68号",
            "summary": "首次发布",
        },
    ),
    GuideSpec(
        "HEALTH-004",
        "《中华人民共和国食品卫生法》第二十七条\n《食品卫生许可证管理办法》第十条",
        "有与经营品种、数量相适应的场所、设施，从业人员持有效健康证明。",
        (
            Material("食品卫生许可证申请书", ORIGINAL, 1, ""),
            ID_CARD,
            SITE,
            Material("经营场所平面布局图", ORIGINAL, 1, ""),
            Material("从业人员健康证明", COPY, 1, ""),
        ),
        standard_steps("卫生许可窗口", "7个工作日（含现场审查）", "发放卫生许可证"),
        visits=1,
    ),
    GuideSpec(
        "FIRE-003",
        "《中华人民共和国消防法》第十五条\n《消防监督检查规定》第九条",
        "公众聚集场所在投入使用、营业前，建设单位或者使用单位向公安机关消防机构申请消防安全检查。",
        (
            Material("公众聚集场所投入使用、营业前消防安全检查申报表", ORIGINAL, 1, ""),
            LICENCE_COPY,
            Material("建设工程消防验收意见书或竣工验收消防备案凭证", COPY, 1, ""),
            Material("消防安全制度、灭火和应急疏散预案", ORIGINAL, 1, ""),
            Material("员工岗前消防安全教育培训记录", COPY, 1, ""),
        ),
        (
            Step("申请", "提交申报表和材料", "消防安全检查窗口", "随到随办"),
            Step("受理", "审查材料是否齐全", "消防安全检查窗口", "当场"),
            Step(
                "现场检查",
                "消防监督员到场检查消防设施和疏散通道",
                "防火监督科",
                "受理后5个工作日内",
            ),
            Step(
                "作出决定",
                "合格的发给同意投入使用、营业的意见书",
                "防火监督科",
                "检查后3个工作日内",
            ),
            Step("领取意见书", "在窗口领取检查意见书", "消防安全检查窗口", ""),
        ),
        visits=2,
    ),
    GuideSpec(
        "PLAN-003",
        "《中华人民共和国城乡规划法》第四十条\n《重庆市城乡规划条例》第四十五条",
        "建设项目已取得建设用地规划许可证和土地使用权证明，建设工程设计方案经审查符合规划条件。",
        (
            Material("建设工程规划许可证申请表", ORIGINAL, 1, ""),
            Material("建设用地规划许可证及附图", COPY, 1, ""),
            Material("国有土地使用权证明文件", COPY, 1, ""),
            Material("经审定的建设工程设计方案总平面图", ORIGINAL, 2, "1:500或1:1000"),
            Material("建筑施工图（平、立、剖面图）", ORIGINAL, 2, ""),
        ),
        standard_steps("规划工程许可窗口", "12个工作日", "核发建设工程规划许可证"),
        fees="城市基础设施配套费按建筑面积收取（由区建委征收）",
        fee_basis="《重庆市城市建设配套费征收管理办法》",
        visits=2,
    ),
    GuideSpec(
        "CONST-001",
        "《中华人民共和国建筑法》第七条、第八条\n《建筑工程施工许可管理办法》第四条",
        "1. 已办理建设工程用地批准手续和规划许可证；\n2. 已确定建筑施工企业；\n"
        "3. 有满足施工需要的施工图纸和技术资料；\n4. 有保证工程质量和安全的具体措施；\n"
        "5. 建设资金已经落实。",
        (
            Material("建筑工程施工许可证申请表", ORIGINAL, 3, ""),
            Material("建设工程规划许可证", COPY, 1, ""),
            Material("中标通知书及施工合同", COPY, 1, ""),
            Material("施工图设计文件审查合格书", COPY, 1, ""),
            Material("建设工程质量安全监督登记书", COPY, 1, ""),
            Material("建设资金已经落实承诺书", ORIGINAL, 1, ""),
        ),
        standard_steps("建委施工许可窗口", "5个工作日", "核发施工许可证"),
        visits=1,
        faqs=(
            (
                "施工许可证有效期多久？",
                "自领取之日起三个月内应当开工；因故不能按期开工的，应当申请延期。",
            ),
        ),
        earlier={
            "fees": "施工许可证工本费每证20元",
            "fee_basis": "渝价〔2003〕156号",
            "extra_material": Material("建设资金到位证明（银行出具）", ORIGINAL, 1, ""),
            "summary": "首次发布",
        },
    ),
    GuideSpec(
        "ENV-001",
        "《中华人民共和国环境影响评价法》第二十二条\n《建设项目环境保护管理条例》第九条",
        "可能对环境造成轻度影响的建设项目，应当编制环境影响报告表报环保部门审批。",
        (
            Material("建设项目环境影响报告表", ORIGINAL, 3, "由有资质的环评机构编制"),
            Material("环境影响报告表审批申请", ORIGINAL, 1, ""),
            Material("项目立项批复或备案文件", COPY, 1, ""),
        ),
        standard_steps("环保环评审批窗口", "15个工作日", "送达审批意见"),
        visits=1,
    ),
    GuideSpec(
        "ENV-005",
        "《中华人民共和国环境噪声污染防治法》第三十条\n《重庆市环境噪声污染防治办法》第二十二条",
        "因特殊需要必须连续作业（混凝土浇筑等）的建筑施工单位。",
        (
            Material("夜间施工作业申请表", ORIGINAL, 1, ""),
            Material("建筑工程施工许可证", COPY, 1, ""),
            Material("连续作业的技术说明", ORIGINAL, 1, ""),
            Material("周边居民告知公示照片", ORIGINAL, 1, ""),
        ),
        standard_steps("环保排污许可窗口", "2个工作日", "领取夜间施工许可"),
        visits=1,
    ),
    GuideSpec(
        "LAND-004",
        "《中华人民共和国土地管理法》第五十七条\n《中华人民共和国土地管理法实施条例》第二十八条",
        "建设项目施工和地质勘查需要临时使用国有土地或者农民集体所有的土地，使用期限一般不超过二年。",
        (
            Material("临时用地申请书", ORIGINAL, 1, ""),
            Material("临时用地合同", ORIGINAL, 2, "与土地权属单位签订"),
            Material("土地复垦方案", ORIGINAL, 1, ""),
            Material("用地范围图", ORIGINAL, 2, "1:500"),
        ),
        standard_steps("国土用地审批窗口", "8个工作日", "送达批准文件"),
        fees="临时用地复垦保证金按面积预存",
        fee_basis="《土地复垦条例》第十九条",
        visits=2,
    ),
    GuideSpec(
        "DEVPLAN-002",
        "《国务院关于投资体制改革的决定》（国发〔2004〕20号）\n《重庆市企业投资项目备案管理办法》第六条",
        "不使用政府投资、不属于核准目录的企业投资项目。",
        (
            Material("企业投资项目备案申请表", ORIGINAL, 2, ""),
            LICENCE_COPY,
            Material("项目简要说明（规模、内容、投资）", ORIGINAL, 1, ""),
        ),
        (
            Step("网上填报", "登录投资项目在线平台填写备案信息", "申请人", ""),
            Step("窗口受理", "提交纸质材料", "计委投资项目窗口", "当场"),
            Step("备案", "出具项目备案证明", "计委投资项目窗口", "3个工作日"),
        ),
        visits=0,
    ),
    GuideSpec(
        "PSB-001",
        "《中华人民共和国护照法》第五条、第六条\n《中华人民共和国普通护照和出入境通行证签发管理办法》第三条",
        "具有本区常住户口的中国公民，因前往外国定居、探亲、学习、就业、旅行、从事商务活动等非公务原因出国。",
        (
            Material("中国公民出入境证件申请表", ORIGINAL, 1, "现场填写"),
            Material("居民身份证", BOTH, 1, ""),
            Material("居民户口簿", BOTH, 1, ""),
            Material("近期免冠彩色照片", ORIGINAL, 1, "现场采集"),
        ),
        (
            Step("取号", "到公安出入境窗口取号", "公安出入境窗口", "随到随办"),
            Step("受理", "核验证件、采集照片和指纹", "公安出入境窗口", "当场"),
            Step("审批制证", "审核后送市局制证", "出入境管理科", "10个工作日"),
            Step("领证", "凭回执领取护照或选择邮寄", "公安出入境窗口", ""),
        ),
        fees="护照每本200元（首次申领）",
        fee_basis="《国家发展改革委 财政部关于护照等出入境证件收费标准的通知》",
        visits=1,
        faqs=(
            ("未成年人如何办理？", "须由监护人陪同，并提交监护关系证明。"),
            ("护照有效期多长？", "未满16周岁的5年，16周岁以上的10年。"),
        ),
    ),
    GuideSpec(
        "PSB-005",
        "《中华人民共和国户口登记条例》第十条\n《重庆市户口迁移管理规定》第八条",
        "符合投靠、购房、就业、人才引进等落户条件的公民。",
        (
            Material("户口迁移申请表", ORIGINAL, 1, ""),
            Material("居民户口簿", BOTH, 1, ""),
            Material("居民身份证", BOTH, 1, ""),
            Material("落户条件证明（房屋产权证、劳动合同或亲属关系证明）", COPY, 1, ""),
        ),
        standard_steps("公安户政窗口", "7个工作日", "开具准予迁入证明"),
        visits=2,
    ),
    GuideSpec(
        "CIVIL-001",
        "《社会团体登记管理条例》第九条、第十一条\n《中华人民共和国行政许可法》第三十二条",
        "1. 有50个以上个人会员或30个以上单位会员；\n2. 有规范的名称和相应的组织机构；\n"
        "3. 有固定住所；\n4. 有合法的资产和经费来源，区级社会团体有3万元以上活动资金。",
        (
            Material("社会团体成立登记申请书", ORIGINAL, 1, ""),
            Material("业务主管单位的批准文件", ORIGINAL, 1, ""),
            Material("验资报告", ORIGINAL, 1, ""),
            Material("章程草案", ORIGINAL, 1, "经会员大会通过"),
            Material("住所使用权证明", COPY, 1, ""),
            Material("拟任负责人基本情况及身份证明", COPY, 1, ""),
        ),
        standard_steps("民政社团登记窗口", "25个工作日", "发放登记证书"),
        visits=2,
    ),
    GuideSpec(
        "HOUSING-003",
        "《商品房屋租赁管理办法》第十四条\n《重庆市房屋租赁条例》第十二条",
        "房屋租赁合同订立后30日内，租赁当事人到房屋所在地房管部门办理登记备案。",
        (
            Material("房屋租赁登记备案申请表", ORIGINAL, 1, ""),
            Material("房屋租赁合同", ORIGINAL, 1, ""),
            Material("房屋所有权证", COPY, 1, ""),
            Material("租赁双方身份证明", COPY, 1, ""),
        ),
        (
            Step("申请", "租赁双方或委托人提交材料", "房管产权登记窗口", "随到随办"),
            Step("审核", "核对房屋权属和合同内容", "房管产权登记窗口", "当场"),
            Step("发证", "发放房屋租赁登记备案证明", "房管产权登记窗口", "1个工作日"),
        ),
        visits=1,
    ),
    GuideSpec(
        "TRANSP-001",
        "《中华人民共和国道路运输条例》第十条、第二十四条\n《道路货物运输及站场管理规定》第七条",
        "有与经营业务相适应并经检测合格的车辆、符合条件的驾驶人员和健全的安全生产管理制度。",
        (
            Material("道路运输经营申请表", ORIGINAL, 1, ""),
            ID_CARD,
            Material("机动车行驶证和车辆技术等级评定证明", COPY, 1, ""),
            Material("驾驶人员驾驶证和从业资格证", COPY, 1, ""),
            Material("安全生产管理制度文本", ORIGINAL, 1, ""),
        ),
        standard_steps("交通运输许可窗口", "10个工作日", "核发道路运输经营许可证"),
        visits=1,
    ),
    GuideSpec(
        "CULTURE-002",
        "《互联网上网服务营业场所管理条例》第七条、第十条、第十一条",
        "有与经营活动相适应的营业场所（不少于60平方米，距中小学校200米以外）和安全技术措施。",
        (
            Material("互联网上网服务营业场所经营许可申请书", ORIGINAL, 1, ""),
            Material("名称预先核准通知书", COPY, 1, ""),
            SITE,
            Material("消防安全检查合格意见书", COPY, 1, ""),
            Material("网络安全审核意见书", COPY, 1, ""),
        ),
        standard_steps("文化市场许可窗口", "15个工作日", "核发网络文化经营许可证"),
        visits=2,
    ),
    GuideSpec(
        "FDA-001",
        "《中华人民共和国食品安全法》第三十五条\n《食品经营许可管理办法》第十条",
        "有与经营的食品品种、数量相适应的经营场所、设备和食品安全管理人员及制度。",
        (
            Material("食品经营许可申请书", ORIGINAL, 1, ""),
            Material("营业执照或其他主体资格证明文件", COPY, 1, ""),
            Material("与食品经营相适应的主要设备设施布局、操作流程等文件", ORIGINAL, 1, ""),
            Material("食品安全自查、从业人员健康管理等规章制度", ORIGINAL, 1, ""),
        ),
        standard_steps("药监食品药品许可窗口", "8个工作日（含现场核查）", "发放食品经营许可证"),
        visits=1,
        faqs=(
            (
                "小餐饮需要办理吗？",
                "按《重庆市食品生产加工小作坊和食品摊贩管理条例》办理登记，不办理本许可。",
            ),
        ),
        earlier={
            "extra_material": Material("从业人员健康证明", COPY, 1, "全部从业人员"),
            "summary": "首次发布",
        },
    ),
)
