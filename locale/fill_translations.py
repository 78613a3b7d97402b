# ruff: noqa: E501
"""Fill locale/zh_Hans/LC_MESSAGES/django.po from the TRANSLATIONS table below.

A maintainer's tool, not part of the app: it needs polib (``pip install polib``), which the
project itself does not depend on. Workflow after strings change in code or templates::

    .venv/bin/python manage.py makemessages -l zh_Hans --no-obsolete \\
        -i ".venv/*" -i "var/*" -i "bench/*" -i "tests/*"
    .venv/bin/python locale/fill_translations.py      # lists msgids that still need Chinese
    .venv/bin/python manage.py compilemessages -l zh_Hans -i .venv

Wording follows the glossary in DESIGN.md (入驻部门, 窗口, 审批事项, 窗口工作人员, 首席代表,
值班长, 管委办 …). Where an English msgid carries the Chinese term in parentheses, the
translation is that term alone. Entries already translated in the .po and absent from the
table are kept as they are; the script exits non-zero while any entry is empty or fuzzy.
"""

from __future__ import annotations

import datetime
import re
import sys
from pathlib import Path

PO_PATH = Path(__file__).resolve().parent / "zh_Hans" / "LC_MESSAGES" / "django.po"

# msgid → msgstr. For a plural entry the key is the singular msgid (Chinese has one form).
TRANSLATIONS: dict[str, str] = {
    # --- roles (hall/settings.py) ---
    "Hall administrator": "管委办管理员",
    "Duty supervisor": "值班长",
    "Window staff": "窗口工作人员",
    "Department liaison": "部门联络员",
    # --- navigation and shared page furniture ---
    "Menu": "菜单",
    "Home": "首页",
    "Departments": "入驻部门",
    "Windows": "窗口",
    "Approval items": "审批事项",
    "Staff": "工作人员",
    "Hall office": "管委办",
    "Hall profile": "大厅信息",
    "Work calendar": "工作日历",
    "Users and roles": "用户与角色",
    "Change password": "修改密码",
    "Log out": "退出登录",
    "Close": "关闭",
    "Enquiries": "咨询电话",
    "Pages": "分页",
    "Previous": "上一页",
    "Page %(n)s of %(total)s": "第 %(n)s 页，共 %(total)s 页",
    "Next": "下一页",
    # --- catalogue pages (list, detail, form) ---
    "Inactive": "已停用",
    "Back to list": "返回列表",
    "Edit": "编辑",
    "Deactivate": "停用",
    "Reactivate": "重新启用",
    "Add": "新增",
    "Save": "保存",
    "Cancel": "取消",
    "%(n)s record": "共 %(n)s 条",
    "Search": "搜索",
    "all": "全部",
    "Status": "状态",
    "Active": "启用中",
    "All": "全部",
    "Filter": "筛选",
    "rotation due": "轮岗到期",
    "Nothing found.": "没有找到记录。",
    "%(name)s created.": "已新增“%(name)s”。",
    "%(name)s saved.": "已保存“%(name)s”。",
    "%(name)s reactivated.": "已重新启用“%(name)s”。",
    "%(name)s deactivated.": "已停用“%(name)s”。",
    # --- change history (audit trail) ---
    "Change history": "变更记录",
    "When": "时间",
    "Who": "操作人",
    "What": "操作",
    "Field": "字段",
    "Before": "修改前",
    "After": "修改后",
    "No changes recorded yet.": "暂无变更记录。",
    "System": "系统",
    "audit entry": "变更记录",
    "Created": "新增",
    "Changed": "修改",
    "Deactivated": "停用",
    "Reactivated": "重新启用",
    "Roles changed": "角色变更",
    "Imported": "导入",
    # --- common field labels ---
    "department": "入驻部门",
    "departments": "入驻部门",
    "Department": "入驻部门",
    "name": "名称",
    "Name": "姓名",
    "kind": "类型",
    "Kind": "类型",
    "code": "编码",
    "short name": "简称",
    "display order": "显示顺序",
    "active": "启用",
    "date": "日期",
    "Date": "日期",
    "year": "年份",
    "Source": "来源",
    "Remove": "删除",
    "Back": "返回",
    "now": "至今",
    "Location": "位置",
    "Phone": "联系电话",
    "phone": "联系电话",
    # --- windows ---
    "window": "窗口",
    "windows": "窗口",
    "Window": "窗口",
    "window number": "窗口编号",
    "floor / location": "楼层/位置",
    "No active window.": "暂无启用中的窗口。",
    "Nobody seated": "无人在岗",
    "Seated now": "当前在岗",
    "Nobody is seated here.": "本窗口当前无人在岗。",
    "Approval items handled": "办理的审批事项",
    "Who sat here": "历任人员",
    "%(i)s active items, %(s)s active staff.": "启用中的事项 %(i)s 项，在岗工作人员 %(s)s 人。",
    "The department %(name)s is inactive; choose an active one.": "入驻部门“%(name)s”已停用，请选择启用中的部门。",
    "Only items of the window's own department.": "仅限本窗口所属部门的事项。",
    "Window number %(number)s is already used by an active window.": "窗口编号 %(number)s 已被其他启用中的窗口使用。",
    "These items belong to another department: %(items)s": "以下事项属于其他部门：%(items)s",
    "Staff of the old department still sit at this window; move them first.": "原部门的工作人员仍在本窗口，请先为其调整窗口。",
    "%(name)s still has %(n)s active windows; deactivate or move them first.": "%(name)s仍有 %(n)s 个启用中的窗口，请先停用或调整这些窗口。",
    "%(name)s still has %(n)s active staff members.": "%(name)s仍有 %(n)s 名在岗工作人员。",
    "%(n)s staff members still sit at window %(number)s; move them first.": "窗口 %(number)s 仍有 %(n)s 名工作人员在岗，请先为其调整窗口。",
    "Window number %(number)s is used by another active window.": "窗口编号 %(number)s 已被其他启用中的窗口使用。",
    "Its department %(name)s is inactive.": "其所属部门“%(name)s”已停用。",
    # --- approval items (guides) ---
    "approval item": "审批事项",
    "approval items": "审批事项",
    "item code": "事项编码",
    "Administrative licence (行政许可)": "行政许可",
    "Administrative confirmation (行政确认)": "行政确认",
    "Filing (备案)": "备案",
    "Public service (公共服务)": "公共服务",
    "Other": "其他",
    "statutory time limit (working days)": "法定办结时限（工作日）",
    "promised time limit (working days)": "承诺办结时限（工作日）",
    "settled on the spot (当场办结)": "当场办结",
    "must be received and delivered in the hall": "须在大厅受理和送达",
    "On the spot": "当场办结",
    "%(days)s working days": "%(days)s 个工作日",
    "statutory (days)": "法定时限（工作日）",
    "promised": "承诺时限",
    "An item settled on the spot has no promised number of days.": "当场办结的事项无需填写承诺办结时限。",
    "Give the promised time limit, or tick “settled on the spot”.": "请填写承诺办结时限，或勾选“当场办结”。",
    "The promised limit (%(p)s) cannot be longer than the statutory one (%(s)s).": "承诺办结时限（%(p)s）不得超过法定办结时限（%(s)s）。",
    "Handled at": "办理窗口",
    "No window handles this item yet.": "暂无窗口办理此事项。",
    # --- staff ---
    "staff member": "工作人员",
    "staff members": "工作人员",
    "Chief representative (首席代表)": "首席代表",
    "employee number": "工号",
    "Employee number": "工号",
    "current window": "当前窗口",
    "post": "岗位",
    "Post": "岗位",
    "joined the hall on": "进驻大厅日期",
    "Joined the hall": "进驻大厅日期",
    "from": "起始日期",
    "until": "结束日期",
    "From": "起始日期",
    "Until": "结束日期",
    "at this window since": "在本窗口起始日期",
    "When the window changes: the day the move takes effect (default today).": "调整窗口时填写：调整生效的日期（默认为今天）。",
    "Window %(number)s is inactive.": "窗口 %(number)s 已停用。",
    "Window %(number)s belongs to %(dept)s, not to %(own)s.": "窗口 %(number)s 属于%(dept)s，不属于%(own)s。",
    "A login named %(no)s already exists.": "登录名 %(no)s 已存在。",
    "The date joined cannot be in the future.": "进驻大厅日期不能晚于今天。",
    "At most a month ahead.": "最多只能提前一个月。",
    "The current assignment started on %(day)s; the move cannot be earlier.": "当前窗口安排始于 %(day)s，调整日期不能早于该日。",
    "Their department %(name)s is inactive.": "其所属部门“%(name)s”已停用。",
    "Rotation due": "轮岗到期",
    "Rotations due": "轮岗到期",
    "Rotations due within 90 days": "90 天内轮岗到期",
    "No rotation due.": "暂无轮岗到期人员。",
    "Due": "到期日",
    "All staff": "全部工作人员",
    "Login and roles": "登录账号与角色",
    "Assignment history": "窗口安排记录",
    "Never seated at a window.": "从未安排过窗口。",
    # --- staff roster import ---
    "Import roster": "导入花名册",
    "Export .xlsx": "导出 .xlsx",
    "Import the staff roster": "导入工作人员花名册",
    "Fill in the template, one staff member a row. Every row is checked first: if any row has a problem, nothing is imported and each problem is listed by row. Each new staff member gets a login named by their employee number; reset its password on the user page.": "请按模板填写，每行一名工作人员。系统先逐行检查：只要有一行存在问题，就不导入任何数据，并按行列出每个问题。每名新工作人员会获得一个以其工号为登录名的账号，请在用户页面为其重置密码。",
    "Download the template": "下载模板",
    "%(n)s row has problems; nothing was imported.": "%(n)s 行存在问题，未导入任何数据。",
    "Row": "行号",
    "Problem": "问题",
    "Check and import": "检查并导入",
    "roster file (.xlsx)": "花名册文件（.xlsx）",
    "%(n)s staff members imported.": "已导入 %(n)s 名工作人员。",
    "The file is %(size)s KB; the limit is %(limit)s KB.": "文件大小为 %(size)s KB，上限为 %(limit)s KB。",
    "Upload an Excel .xlsx file (use the template).": "请上传 Excel .xlsx 文件（请使用模板）。",
    "The file is not a real .xlsx workbook.": "该文件不是有效的 .xlsx 工作簿。",
    "The workbook could not be read.": "无法读取该工作簿。",
    "At most %(n)s rows at a time.": "每次最多导入 %(n)s 行。",
    "The first row must be the template's headings: %(h)s": "第一行必须是模板的表头：%(h)s",
    "employee number is missing": "缺少工号",
    "employee number is longer than 20 characters": "工号超过 20 个字符",
    "employee number %(no)s repeats row %(row)s": "工号 %(no)s 与第 %(row)s 行重复",
    "employee number %(no)s already exists": "工号 %(no)s 已存在",
    "name is missing": "缺少姓名",
    "name is longer than 50 characters": "姓名超过 50 个字符",
    "phone %(phone)s is not a valid number": "联系电话 %(phone)s 不是有效号码",
    "unknown department “%(d)s”": "未知部门“%(d)s”",
    "department %(d)s is inactive": "部门“%(d)s”已停用",
    "unknown window %(w)s": "未知窗口 %(w)s",
    "window %(w)s belongs to %(d)s": "窗口 %(w)s 属于%(d)s",
    "post must be 首席代表 or 工作人员": "岗位必须是“首席代表”或“工作人员”",
    "date joined must be a date such as 2024-03-01": "进驻大厅日期须为日期，如 2024-03-01",
    "date joined is in the future": "进驻大厅日期晚于今天",
    "The file has no staff rows.": "文件中没有工作人员数据行。",
    # --- users, roles and login ---
    "roles": "角色",
    "Role": "角色",
    "Roles": "角色",
    "Every role": "全部角色",
    "department (for a liaison)": "所属部门（部门联络员）",
    "may log in": "允许登录",
    "May log in": "允许登录",
    "A department liaison needs their department.": "部门联络员须指定所属部门。",
    "login name": "登录名",
    "Login": "登录名",
    "full name": "姓名",
    "initial password": "初始密码",
    "That login name is taken.": "该登录名已被使用。",
    "Login %(name)s created.": "登录账号 %(name)s 已创建。",
    "You cannot take the administrator role from yourself.": "不能取消您本人的管理员角色。",
    "Roles of %(name)s saved.": "%(name)s 的角色已保存。",
    "Temporary password for %(name)s: %(pw)s — give it to them in person; it is not shown again.": "%(name)s 的临时密码：%(pw)s。请当面交给本人，此密码不会再次显示。",
    "Add a login": "新增登录账号",
    "Staff record": "工作人员档案",
    "Reset password": "重置密码",
    "Log in": "登录",
    "After several wrong passwords a login is paused for a while; ask the hall office if you are locked out.": "连续多次输错密码后，账号将被暂时锁定；如被锁定，请联系管委办。",
    "Login paused": "登录已暂停",
    "Too many wrong passwords for this login from this address. Wait 15 minutes and try again, or ask the hall office to reset your password.": "该账号在此地址输错密码次数过多。请 15 分钟后再试，或请管委办为您重置密码。",
    "Back to the login page": "返回登录页",
    "Password changed": "密码已修改",
    "Your password was changed.": "您的密码已修改。",
    "No role yet": "尚未分配角色",
    "Your login has no role in the hall yet. Ask the hall office to give you one.": "您的账号尚未分配大厅角色，请联系管委办分配。",
    # --- hall profile ---
    "hall profile": "大厅信息",
    "hall name": "大厅名称",
    "address": "地址",
    "enquiry phone": "咨询电话",
    "complaint phone": "投诉电话",
    "office hours": "办公时间",
    "logo": "徽标",
    "approval seal (行政审批专用章)": "行政审批专用章",
    "Approval seal": "行政审批专用章",
    "PNG with a transparent background, printed on receipts.": "透明背景的 PNG 图片，用于打印在回执上。",
    "Hall profile saved.": "大厅信息已保存。",
    "Every page header and printed document takes the hall's name, address, phones and seal from here.": "各页面页眉和打印文书中的大厅名称、地址、电话和印章均取自此处。",
    "Enter an 11-digit mobile number or a landline such as 023-65312345.": "请输入 11 位手机号码或固定电话号码（如 023-65312345）。",
    "The image is %(size)s KB; the limit is %(limit)s KB.": "图片大小为 %(size)s KB，上限为 %(limit)s KB。",
    "The file is not a valid image.": "该文件不是有效的图片。",
    "Upload a PNG or JPEG image.": "请上传 PNG 或 JPEG 格式的图片。",
    # --- work calendar ---
    "calendar day": "日历日期",
    "Calendar day": "日历日期",
    "Public holiday (off)": "法定节假日（休息）",
    "Make-up working day (调休)": "调休工作日",
    "chinesecalendar package": "chinesecalendar 软件包",
    "Entered by the hall": "大厅录入",
    "Waiting": "等待中",
    "Running": "执行中",
    "Done": "已完成",
    "Failed": "失败",
    "%(day)s is a weekday already; a make-up working day is a Saturday or Sunday.": "%(day)s 本就是工作日；调休工作日只能是周六或周日。",
    "%(day)s saved.": "%(day)s 已保存。",
    "The day was removed from the calendar.": "该日期已从工作日历中删除。",
    "The holidays of %(year)s are marked as complete.": "%(year)s 年的节假日已标记为录入完整。",
    "Loading holidays from the chinesecalendar package.": "正在从 chinesecalendar 软件包加载节假日。",
    "The task queue is unreachable. The request is saved and will run as soon as the queue is back.": "任务队列暂时无法连接。请求已保存，队列恢复后将立即执行。",
    "Load from chinesecalendar": "从 chinesecalendar 加载",
    "No public holidays are known for %(years)s. Deadlines in those years count weekends only until the hall enters the holidays and make-up working days below and marks the year complete.": "暂无 %(years)s 年的法定节假日数据。在大厅于下方录入这些年份的节假日和调休工作日并标记录入完整之前，这些年份的办理期限只扣除周末。",
    "Last load": "上次加载",
    "Holidays of this year are known (%(src)s).": "本年度节假日已录入（%(src)s）。",
    "Holidays of this year are not known yet.": "本年度节假日尚未录入。",
    "No holiday or make-up day entered for this year.": "本年度尚未录入节假日或调休工作日。",
    "Add a day": "新增日期",
    "When every holiday and make-up working day of %(year)s is entered, mark the year complete.": "%(year)s 年的全部节假日和调休工作日录入完毕后，请将该年标记为录入完整。",
    "Mark %(year)s complete": "标记 %(year)s 年录入完整",
    # --- home pages ---
    "The hall at a glance": "大厅概况",
    "The work calendar has no public holidays for %(years)s: deadlines in those years count weekends only.": "工作日历中没有 %(years)s 年的法定节假日：这些年份的办理期限只扣除周末。",
    "Enter them now": "立即录入",
    "%(n)s not seated": "%(n)s 人未安排窗口",
    "The floor": "大厅现场",
    "%(n)s window": "%(n)s 个窗口",
    "My profile": "我的信息",
    "Not seated": "未安排窗口",
    "At the same window": "同窗口人员",
    "Where I sat": "窗口履历",
    "Monthly scores appear here once the appraisal is in use.": "考评启用后，月度考核得分将在此显示。",
}

HEADER_COMMENT = (
    "Simplified Chinese (zh_Hans) catalogue of Hall, the administrative approval service hall.\n"
    "Filled by locale/fill_translations.py; edit the table there, not only this file."
)
HEADER = {
    "Project-Id-Version": "hall",
    "Last-Translator": "Hall project",
    "Language-Team": "Simplified Chinese",
    "Language": "zh_Hans",
    "Plural-Forms": "nplurals=1; plural=0;",
}

_PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|\{\{\s*[\w.]+\s*\}\}")


def placeholders(text: str) -> list[str]:
    return sorted(_PLACEHOLDER.findall(text))


def main() -> int:
    try:
        import polib
    except ImportError:
        print("fill_translations.py needs polib: .venv/bin/pip install polib", file=sys.stderr)
        return 2

    po = polib.pofile(str(PO_PATH), wrapwidth=79)
    po.header = HEADER_COMMENT
    po.metadata.update(HEADER)
    po.metadata["PO-Revision-Date"] = (
        datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M%z")
    )
    po.metadata_is_fuzzy = False

    problems: list[str] = []
    filled = 0
    for entry in po:
        if entry.obsolete:
            continue
        chinese = TRANSLATIONS.get(entry.msgid)
        if chinese is not None:
            if placeholders(chinese) != placeholders(entry.msgid):
                problems.append(f"placeholders differ: {entry.msgid!r}")
                continue
            if entry.msgid_plural:
                entry.msgstr_plural = {0: chinese}
            else:
                entry.msgstr = chinese
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
            entry.previous_msgid = None
            entry.previous_msgid_plural = None
            filled += 1
        translated = entry.msgstr_plural.get(0) if entry.msgid_plural else entry.msgstr
        if not translated:
            problems.append(f"untranslated: {entry.msgid!r}")
        elif "fuzzy" in entry.flags:
            problems.append(f"fuzzy: {entry.msgid!r} → {translated!r}")

    po.save(str(PO_PATH))
    print(f"{filled} entries filled from the table, {len(po)} in the catalogue.")
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
