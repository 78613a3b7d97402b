"""Punctuation that differs between the hall's two languages, and names and phone numbers
masked for the screens that must not show them whole."""

from django.utils.translation import get_language


def _chinese() -> bool:
    return (get_language() or "").startswith("zh")


def list_separator() -> str:
    """Between the items of a list in a sentence: 、 in Chinese, ', ' in English."""
    return "、" if _chinese() else ", "


def label_colon() -> str:
    """After a label: full-width in Chinese (交接记录：), ': ' in English."""
    return "：" if _chinese() else ": "


def mask_name(name: str) -> str:
    """张** / 欧阳** : the surname alone, enough to recognise, not to identify."""
    name = (name or "").strip()
    if not name:
        return ""
    keep = 2 if len(name) >= 4 else 1
    return name[:keep] + "*" * max(1, min(len(name) - keep, 2))


def mask_phone(phone: str) -> str:
    """138****8000, 023-****2345: enough to recognise, not enough to call."""
    if not phone:
        return ""
    if len(phone) <= 7:
        return "*" * len(phone)
    return phone[:3] + "****" + phone[-4:]
