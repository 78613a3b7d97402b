"""The login backend: Django's, but the user's roles come with the user in one query.

Every page needs the roles (navigation, access checks); reading them with the user saves a
query on each request. Roles changed by the admin apply from the next request on.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.db.models import Exists, OuterRef

from hall.roles import ALL_ROLES, HALL_ADMIN


def with_roles(queryset):
    return queryset.annotate(
        **{
            f"_has_{role}": Exists(Group.objects.filter(user=OuterRef("pk"), name=role))
            for role in ALL_ROLES
        }
    )


class HallBackend(ModelBackend):
    def get_user(self, user_id):
        user = with_roles(get_user_model()._default_manager.filter(pk=user_id)).first()
        if user is None or not self.user_can_authenticate(user):
            return None
        roles = frozenset(r for r in ALL_ROLES if getattr(user, f"_has_{r}"))
        user._hall_roles = roles | {HALL_ADMIN} if user.is_superuser else roles
        return user
