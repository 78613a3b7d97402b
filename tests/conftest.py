"""Role personas and shared fixtures. Personas: admin, supervisor, staff, other_staff, liaison."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from tests.factories import (
    PASSWORD,
    DepartmentFactory,
    LiaisonFactory,
    StaffMemberFactory,
    UserFactory,
    WindowFactory,
)


@pytest.fixture(autouse=True)
def _eager_celery_and_clean_cache(settings):
    """Tasks run in-process in every test unless the test starts a real worker."""
    from hall.celery import app

    app.conf.task_always_eager = True
    # Hashing with PBKDF2 costs ~0.3 s a user; tests check behaviour, not the hasher.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()
    yield


@pytest.fixture
def department(db):
    return DepartmentFactory(name="工商分局", short_name="工商", code="GS")


@pytest.fixture
def window(department):
    return WindowFactory(number="A01", name="企业登记", department=department)


@pytest.fixture
def other_window(db):
    return WindowFactory(
        number="B01",
        name="税务综合",
        department=DepartmentFactory(name="税务局", short_name="税务", code="SW"),
    )


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin", first_name="王主任", roles=["hall_admin"])


@pytest.fixture
def supervisor_user(db):
    return UserFactory(username="supervisor", first_name="李明", roles=["duty_supervisor"])


@pytest.fixture
def staff_member(window):
    return StaffMemberFactory(employee_no="S0001", name="张晓梅", window=window)


@pytest.fixture
def other_staff_member(other_window):
    return StaffMemberFactory(employee_no="S0002", name="刘建国", window=other_window)


@pytest.fixture
def liaison_user(department):
    return LiaisonFactory(
        user=UserFactory(username="liaison", first_name="陈联络", roles=["department_liaison"]),
        department=department,
    ).user


def _client_for(user) -> Client:
    client = Client()
    client.force_login(user, backend="hall.backends.HallBackend")
    return client


@pytest.fixture
def admin(admin_user):
    return _client_for(admin_user)


@pytest.fixture
def supervisor(supervisor_user):
    return _client_for(supervisor_user)


@pytest.fixture
def staff(staff_member):
    return _client_for(staff_member.user)


@pytest.fixture
def other_staff(other_staff_member):
    return _client_for(other_staff_member.user)


@pytest.fixture
def liaison(liaison_user):
    return _client_for(liaison_user)


@pytest.fixture
def anonymous(db):
    return Client()


@pytest.fixture
def password():
    return PASSWORD
