"""The login backend: Django's, with the user's roles read by one small, precompiled query.

Every page needs the roles (navigation, access checks). Building that query through the ORM
on each request cost more than running it, so it is plain SQL against the auth tables.
"""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, User
from django.db import connection

from hall.roles import HALL_ADMIN

_ROLES_SQL = None


def _roles_sql() -> str:
    global _ROLES_SQL
    if _ROLES_SQL is None:
        through = User.groups.through._meta.db_table
        groups = Group._meta.db_table
        _ROLES_SQL = (
            f"SELECT g.name FROM {groups} g JOIN {through} ug ON ug.group_id = g.id "
            "WHERE ug.user_id = %s"
        )
    return _ROLES_SQL


def load_roles(user) -> frozenset[str]:
    with connection.cursor() as cursor:
        cursor.execute(_roles_sql(), [user.pk])
        roles = frozenset(row[0] for row in cursor.fetchall())
    return roles | {HALL_ADMIN} if user.is_superuser else roles


class HallBackend(ModelBackend):
    def get_user(self, user_id):
        user = super().get_user(user_id)
        if user is not None:
            user._hall_roles = load_roles(user)
        return user
