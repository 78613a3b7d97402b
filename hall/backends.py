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


_USER_SQL = None


def _user_sql() -> str:
    """The user's row and each of their groups' names, in one query (a user without a group
    is one row with ``role`` NULL)."""
    global _USER_SQL
    if _USER_SQL is None:
        through = User.groups.through._meta.db_table
        groups = Group._meta.db_table
        users = User._meta.db_table
        _USER_SQL = (
            f"SELECT u.*, g.name AS role FROM {users} u "
            f"LEFT JOIN {through} ug ON ug.user_id = u.id "
            f"LEFT JOIN {groups} g ON g.id = ug.group_id WHERE u.id = %s"
        )
    return _USER_SQL


class HallBackend(ModelBackend):
    def get_user(self, user_id):
        """The session's user with their roles: what ModelBackend.get_user does (an inactive
        user is no user), in one precompiled query instead of two built by the ORM."""
        try:
            rows = list(User.objects.raw(_user_sql(), [int(user_id)]))
        except (TypeError, ValueError):
            return None
        if not rows or not self.user_can_authenticate(rows[0]):
            return None
        user = rows[0]
        roles = frozenset(r.role for r in rows if r.role)
        user._hall_roles = roles | {HALL_ADMIN} if user.is_superuser else roles
        return user
