"""Chinese first, English second: the zh_Hans catalogue is complete and its .mo is current."""

from __future__ import annotations

import ast
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

LC_MESSAGES = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES"
PO_FILE = LC_MESSAGES / "django.po"
MO_FILE = LC_MESSAGES / "django.mo"


# --- a tiny .po reader (no polib) -------------------------------------------------------


@dataclass
class PoEntry:
    line: int
    flags: set[str] = field(default_factory=set)
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)  # 0 for a singular entry

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgctxt is None

    def __str__(self) -> str:
        return f"django.po:{self.line} {self.msgid!r}"


_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")\s*$')


def parse_po(path: Path) -> list[PoEntry]:
    """Entries of a .po file in order, the header included; obsolete (#~) entries skipped."""
    entries: list[PoEntry] = []
    current: PoEntry | None = None
    target: tuple[str, int | None] | None = None  # which field continuation lines extend

    def text(quoted: str) -> str:
        return ast.literal_eval(quoted)  # a C-escaped "…" string reads like a Python one

    def extend(entry: PoEntry, where: tuple[str, int | None], value: str) -> None:
        name, index = where
        if name == "msgstr":
            entry.msgstr[index or 0] = entry.msgstr.get(index or 0, "") + value
        else:
            setattr(entry, name, (getattr(entry, name) or "") + value)

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:  # entries are separated by blank lines
            current, target = None, None
            continue
        if line.startswith("#~"):
            continue
        if line.startswith("#"):
            if current is not None and target is not None and target[0] == "msgstr":
                current, target = None, None  # a comment after msgstr starts a new entry
            if current is None:
                current = PoEntry(line=number)
                entries.append(current)
            if line.startswith("#,"):
                current.flags |= {f.strip() for f in line[2:].split(",") if f.strip()}
            continue
        match = _KEYWORD.match(line)
        if match:
            keyword, index, quoted = match.groups()
            starts_entry = keyword in ("msgctxt", "msgid") and (
                current is None or (target is not None and target[0] == "msgstr")
            )
            if starts_entry:
                current = PoEntry(line=number)
                entries.append(current)
            assert current is not None, f"django.po:{number}: {raw!r} outside an entry"
            name = "msgstr" if keyword.startswith("msgstr") else keyword
            target = (name, int(index) if index is not None else None)
            if name != "msgstr":
                setattr(current, name, "")
            extend(current, target, text(quoted))
            continue
        if line.startswith('"'):
            assert current is not None and target is not None, f"django.po:{number}: stray line"
            extend(current, target, text(line))
            continue
        raise AssertionError(f"django.po:{number}: cannot read {raw!r}")
    return entries


def messages() -> list[PoEntry]:
    return [e for e in parse_po(PO_FILE) if not e.is_header]


# --- the catalogue files ----------------------------------------------------------------


def test_catalogue_declares_one_plural_form_for_chinese():
    header = next(e for e in parse_po(PO_FILE) if e.is_header)
    assert "Plural-Forms: nplurals=1; plural=0;" in header.msgstr[0]
    assert "fuzzy" not in header.flags


def test_every_entry_is_translated_and_none_is_fuzzy():
    entries = messages()
    assert len(entries) > 200, "the catalogue looks truncated"
    fuzzy = [str(e) for e in entries if "fuzzy" in e.flags]
    empty = [str(e) for e in entries if not e.msgstr or not all(e.msgstr.values())]
    assert not fuzzy, f"fuzzy entries: {fuzzy}"
    assert not empty, f"untranslated entries: {empty}"


def test_plural_entries_fill_the_single_chinese_form():
    plural = [e for e in messages() if e.msgid_plural is not None]
    assert plural, "the parser found no plural entry"
    assert all(set(e.msgstr) == {0} for e in plural), [str(e) for e in plural]


_PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]")


def test_translations_keep_every_placeholder():
    changed = [
        str(e)
        for e in messages()
        for msgstr in e.msgstr.values()
        if sorted(_PLACEHOLDER.findall(msgstr)) != sorted(_PLACEHOLDER.findall(e.msgid))
    ]
    assert not changed, f"placeholders lost or added: {changed}"


def test_english_words_in_parentheses_are_not_carried_into_chinese():
    """``Make-up working day (调休)`` → ``调休工作日``: no English left in a Chinese string.

    Acronyms (PDF, KB), product and package names, file types, HTML markup and a shell
    command quoted for the operator are allowed; any other English word is a translation
    left undone.
    """
    allowed = {"Excel", "Word", "xlsx", "chinesecalendar"}
    markup = re.compile(r"<[^>]+>")  # a tag's name and attributes are not words
    command = re.compile(r"python manage\.py [\w-]+")

    def english_words(text: str) -> set[str]:
        text = markup.sub("", command.sub("", _PLACEHOLDER.sub("", text)))
        return {w for w in re.findall(r"[A-Za-z]{2,}", text) if not w.isupper()} - allowed

    leftover = [str(e) for e in messages() for msgstr in e.msgstr.values() if english_words(msgstr)]
    assert not leftover, f"English left in translations: {leftover}"


def test_compiled_mo_matches_the_po():
    """A stale .mo (the .po edited, compilemessages not run) fails here."""
    with MO_FILE.open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    stale = []
    for e in messages():
        if e.msgid_plural is not None:
            got = (
                compiled.npgettext(e.msgctxt, e.msgid, e.msgid_plural, 1)
                if e.msgctxt
                else compiled.ngettext(e.msgid, e.msgid_plural, 1)
            )
        else:
            got = compiled.pgettext(e.msgctxt, e.msgid) if e.msgctxt else compiled.gettext(e.msgid)
        if got != e.msgstr[0]:
            stale.append(str(e))
    assert not stale, f"django.mo is stale, run compilemessages: {stale}"


# --- the rendered pages -----------------------------------------------------------------


def test_login_page_is_chinese_by_default(anonymous):
    response = anonymous.get(reverse("login"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'lang="zh-CN"' in html
    assert "登录" in html
    assert "Log in" not in html


def test_admin_home_is_chinese(admin, window):
    html = admin.get(reverse("home")).content.decode()
    assert "大厅概况" in html
    assert "入驻部门" in html
    assert "窗口" in html
    assert "工作日历" in html
    assert "Departments" not in html
    assert "Log out" not in html


def test_set_language_switches_the_login_page_to_english(anonymous):
    response = anonymous.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = anonymous.get(reverse("login")).content.decode()
    assert 'lang="en"' in html
    assert "Log in" in html
    assert "登录" not in html


def test_set_language_switches_the_admin_home_to_english_and_back(admin, window):
    admin.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = admin.get(reverse("home")).content.decode()
    assert "Departments" in html
    assert "入驻部门" not in html

    admin.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert "入驻部门" in admin.get(reverse("home")).content.decode()


@pytest.mark.parametrize(
    ("url_name", "chinese"),
    [
        ("department_list", "入驻部门"),
        ("window_list", "窗口"),
        ("item_list", "审批事项"),
        ("staff_list", "轮岗到期"),
        ("calendar", "工作日历"),
        ("user_list", "用户与角色"),
        ("profile_edit", "大厅信息"),
    ],
)
def test_admin_pages_are_chinese(admin, window, url_name, chinese):
    response = admin.get(reverse(url_name))
    assert response.status_code == 200
    assert chinese in response.content.decode()


def test_a_label_colon_is_full_width_in_chinese_only():
    from django.template import Context, Template
    from django.utils import translation

    template = Template('{% load i18n hall_tags %}{% translate "Phone" %}{% colon %}023')
    with translation.override("zh-hans"):
        assert template.render(Context()) == "联系电话：023"
    with translation.override("en"):
        assert template.render(Context()) == "Phone: 023"
