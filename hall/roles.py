"""The four roles of the hall and the decorator that guards views by role.

Not logged in → redirect to login; logged in without the role → 403. Objects belonging to
someone else are fetched through user-scoped helpers in each app's selectors, which give 404.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

HALL_ADMIN = "hall_admin"
DUTY_SUPERVISOR = "duty_supervisor"
WINDOW_STAFF = "window_staff"
DEPARTMENT_LIAISON = "department_liaison"
ALL_ROLES = (HALL_ADMIN, DUTY_SUPERVISOR, WINDOW_STAFF, DEPARTMENT_LIAISON)


def user_roles(user) -> frozenset[str]:
    """The user's role names, read once per request and kept on the user object."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_hall_roles", None)
    if cached is None:
        from hall.backends import load_roles

        cached = user._hall_roles = load_roles(user)
    return cached


def has_role(user, *roles: str) -> bool:
    return bool(user_roles(user) & set(roles))


def role_required(*roles: str) -> Callable:
    def decorator(view):
        @wraps(view)
        @login_required
        def wrapper(request, *args, **kwargs):
            if not has_role(request.user, *roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


admin_required = role_required(HALL_ADMIN)
