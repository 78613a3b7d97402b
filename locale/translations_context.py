"""Messages with a context (pgettext, ``{% translate ... context ... %}``), keyed
``"context\\x04msgid"`` as gettext itself joins them."""

TRANSLATIONS: dict[str, str] = {
    "window sign\x04Open": "正常服务",
    "window sign\x04Closed": "停止服务",
    "inspection item\x04Failed": "不合格",
    "open matter\x04Closed": "已办结",
    "edition difference\x04added": "新增",
    "edition difference\x04removed": "删除",
    "edition difference\x04changed": "修改",
    "guide edition\x04Published": "已发布",
    "guide edition\x04Created": "创建时间",
    "guide edition\x04Author": "编写人",
    "row number\x04No.": "序号",
    "Who it is about": "考核对象",
    # Lost property is a thing handed in (物品), not an approval item (事项).
    "lost property\x04Item": "物品",
    "lost property\x04Items": "物品",
    "lost property\x04%(n)s item": "共 %(n)s 件",
    # The complaints export's sheet, not the hall profile's complaint phone (投诉电话).
    "sheet\x04Complaints": "投诉",
    # A complaint received by phone, not a contact phone number (联系电话).
    "complaint channel\x04Phone": "电话投诉",
}
