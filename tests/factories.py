"""factory_boy factories for the hall's records."""

from __future__ import annotations

import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from guides.models import ApprovalItem
from staff.models import Assignment, StaffMember
from windows.models import Department, Liaison, Window

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for name in extracted or []:
            self.groups.add(Group.objects.get_or_create(name=name)[0])


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    name = factory.Sequence(lambda n: f"部门{n}")
    short_name = factory.Sequence(lambda n: f"部{n}")
    code = factory.Sequence(lambda n: f"D{n:03d}")


class WindowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Window

    number = factory.Sequence(lambda n: f"W{n:03d}")
    name = factory.Sequence(lambda n: f"综合窗口{n}")
    department = factory.SubFactory(DepartmentFactory)
    location = "一楼A区"


class ApprovalItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ApprovalItem

    code = factory.Sequence(lambda n: f"ITEM-{n:04d}")
    name = factory.Sequence(lambda n: f"审批事项{n}")
    department = factory.SubFactory(DepartmentFactory)
    statutory_days = 20
    promised_days = 10


class StaffMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffMember
        skip_postgeneration_save = True

    employee_no = factory.Sequence(lambda n: f"T{n:04d}")
    user = factory.SubFactory(
        UserFactory, username=factory.SelfAttribute("..employee_no"), roles=["window_staff"]
    )
    name = factory.Sequence(lambda n: f"职员{n}")
    phone = "13800138000"
    window = factory.SubFactory(WindowFactory)
    department = factory.SelfAttribute("window.department")
    joined_hall_on = datetime.date(2024, 3, 1)

    @factory.post_generation
    def seat(self, create, extracted, **kwargs):
        if create and self.window_id:
            Assignment.objects.create(staff=self, window=self.window, start=self.joined_hall_on)


class LiaisonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Liaison

    user = factory.SubFactory(UserFactory, roles=["department_liaison"])
    department = factory.SubFactory(DepartmentFactory)
