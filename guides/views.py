from __future__ import annotations

from django.utils.translation import gettext_lazy

from guides.forms import ApprovalItemForm
from guides.models import ApprovalItem
from hall.catalogue import Catalogue, Column, Filter
from windows.views import department_choices


class ItemCatalogue(Catalogue):
    def detail_context(self, obj):
        return {"windows": obj.windows.filter(active=True)}


items = ItemCatalogue(
    model=ApprovalItem,
    form_class=ApprovalItemForm,
    prefix="item",
    title=gettext_lazy("Approval items"),
    singular=gettext_lazy("approval item"),
    columns=[
        Column("code", gettext_lazy("item code")),
        Column("name", gettext_lazy("name"), link=True),
        Column("department", gettext_lazy("department")),
        Column("get_kind_display", gettext_lazy("kind")),
        Column("statutory_days", gettext_lazy("statutory (days)")),
        Column("promised_label", gettext_lazy("promised")),
    ],
    search_fields=["code", "name", "department__name"],
    filters=[
        Filter("department", gettext_lazy("department"), "department_id", department_choices),
        Filter("kind", gettext_lazy("kind"), "kind", lambda: ApprovalItem.Kind.choices),
    ],
    select_related=("department",),
    detail_template="guides/item_detail.html",
)
