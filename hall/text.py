"""Punctuation that differs between the hall's two languages."""

from django.utils.translation import get_language


def _chinese() -> bool:
    return (get_language() or "").startswith("zh")


def list_separator() -> str:
    """Between the items of a list in a sentence: 、 in Chinese, ', ' in English."""
    return "、" if _chinese() else ", "


def label_colon() -> str:
    """After a label: full-width in Chinese (交接记录：), ': ' in English."""
    return "：" if _chinese() else ": "
