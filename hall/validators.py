"""Field checks shared by forms and the roster import."""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

PHONE_RE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")
# The national government service hotlines (12345 便民热线, 12315, 12366 …).
HOTLINE_RE = re.compile(r"^12\d{3}$")


def validate_phone(value: str) -> None:
    if value and not PHONE_RE.match(value):
        raise ValidationError(
            _("Enter an 11-digit mobile number or a landline such as 023-65312345."),
            code="phone",
        )


def validate_service_phone(value: str) -> None:
    """A phone the hall publishes: a mobile, a landline, or a 123xx government hotline."""
    if value and not (PHONE_RE.match(value) or HOTLINE_RE.match(value)):
        raise ValidationError(
            _(
                "Enter a landline such as 023-65312345, a mobile number, or a hotline such as "
                "12345."
            ),
            code="phone",
        )


def validate_image_upload(upload) -> None:
    """An uploaded image: size-limited, and really a PNG or JPEG (checked by Pillow)."""
    if upload is None or not hasattr(upload, "size"):
        return
    limit = settings.HALL_IMAGE_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("The image is %(size)s KB; the limit is %(limit)s KB.")
            % {"size": upload.size // 1024, "limit": limit // 1024},
            code="too_large",
        )
    from PIL import Image

    try:
        upload.seek(0)
        with Image.open(upload) as img:
            img.verify()
            kind = img.format
    except Exception:
        raise ValidationError(_("The file is not a valid image."), code="not_image") from None
    finally:
        upload.seek(0)
    if kind not in {"PNG", "JPEG"}:
        raise ValidationError(_("Upload a PNG or JPEG image."), code="image_format")
