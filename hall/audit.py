"""The audit trail: one AuditEntry per change, with old and new values, never edited."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models

from hall.models import AuditEntry


def _display(value) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if isinstance(value, models.Model):
        return str(value)
    if hasattr(value, "name") and hasattr(value, "url"):  # a file: iterable, but by its lines
        return value.name or ""
    if (
        isinstance(value, (list, tuple, set))
        or hasattr(value, "__iter__")
        and not isinstance(value, str)
    ):
        return ", ".join(sorted(str(v) for v in value))
    return str(value)


def snapshot(instance: models.Model, fields: list[str]) -> dict[str, str]:
    """Display values of ``fields`` on ``instance`` (choices shown by label, m2m joined)."""
    values = {}
    for name in fields:
        field = instance._meta.get_field(name)
        if field.many_to_many:
            values[name] = _display(getattr(instance, name).all()) if instance.pk else ""
        elif field.choices:
            values[name] = str(getattr(instance, f"get_{name}_display")())
        else:
            values[name] = _display(getattr(instance, name))
    return values


def snapshot_saved(instance: models.Model, fields: list[str]) -> dict[str, str]:
    """The record's values as stored, before a bound form's validation changed the instance.

    (A ModelForm writes the cleaned values onto its instance during ``is_valid()``.)
    """
    if instance.pk is None or instance._state.adding:
        return {}
    stored = type(instance)._default_manager.filter(pk=instance.pk).first()
    return snapshot(stored, fields) if stored is not None else {}


def diff(before: dict[str, str], after: dict[str, str]) -> dict[str, list[str]]:
    return {k: [before.get(k, ""), v] for k, v in after.items() if before.get(k, "") != v}


def audit_record(
    *,
    actor,
    instance: models.Model,
    action: str,
    changes: dict | None = None,
) -> AuditEntry:
    return AuditEntry.objects.create(
        content_type=ContentType.objects.get_for_model(instance, for_concrete_model=False),
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        action=action,
        changes=changes or {},
        actor=actor if getattr(actor, "is_authenticated", False) else None,
    )


def audit_for(instance: models.Model):
    """The record's history, newest first, with each change's labelled fields."""
    ct = ContentType.objects.get_for_model(instance, for_concrete_model=False)
    entries = list(
        AuditEntry.objects.filter(content_type=ct, object_id=str(instance.pk)).select_related(
            "actor"
        )[:200]
    )
    labels = {}
    for f in instance._meta.get_fields():
        if hasattr(f, "verbose_name"):
            labels[f.name] = f.verbose_name
    for entry in entries:
        entry.rows = [
            (labels.get(name, name), old, new) for name, (old, new) in entry.changes.items()
        ]
    return entries


def audit_head() -> int:
    """The newest audit entry's id: changes whenever any audited record changes."""
    return AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
