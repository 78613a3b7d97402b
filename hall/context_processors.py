from hall.roles import user_roles


def hall(request):
    """The hall's profile and the user's roles, for every page header and the navigation."""
    from hall.selectors import hall_profile

    roles = user_roles(request.user) if hasattr(request, "user") else frozenset()
    return {
        "hall_profile": hall_profile(),
        "roles": roles,
        "roles_key": ",".join(sorted(roles)),
    }
