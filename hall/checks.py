"""System checks of the hall: things an operator must fix before the hall's PDFs are right."""

from __future__ import annotations

import shutil
import subprocess

from django.core import checks


def cjk_font_families() -> list[str]:
    """Font families fontconfig knows that cover Chinese (what WeasyPrint will find)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return []
    try:
        out = subprocess.run(
            [fc_list, ":lang=zh-cn", "family"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return sorted({name.strip() for line in out.splitlines() for name in line.split(",") if name})


@checks.register()
def cjk_font_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    families = cjk_font_families()
    if any("Noto" in f and "CJK" in f for f in families):
        return []
    hint = "Install Debian's fonts-noto-cjk (apt-get install fonts-noto-cjk), then fc-cache -f."
    if families:
        return [
            checks.Warning(
                "Noto CJK is not installed: PDFs fall back to " + ", ".join(families[:3]) + ".",
                hint=hint,
                id="hall.W002",
            )
        ]
    return [
        checks.Warning(
            "fontconfig finds no font with Chinese glyphs: every Chinese character in the "
            "hall's PDFs would print as an empty box.",
            hint=hint,
            id="hall.W001",
        )
    ]
