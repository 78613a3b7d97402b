"""factory_boy factories for rule books and rules."""

from __future__ import annotations

import datetime
from decimal import Decimal

import factory

from appraisal.models import Rule, RuleBook


class RuleBookFactory(factory.django.DjangoModelFactory):
    """A book effective well in the past, so it is in force on any date a test uses."""

    class Meta:
        model = RuleBook
        django_get_or_create = ("kind", "effective_from")

    kind = RuleBook.Kind.GENERAL  # a general book may hold rules of either subject
    title = "窗口及工作人员考评规则"
    effective_from = datetime.date(2020, 1, 1)


class RuleFactory(factory.django.DjangoModelFactory):
    """A staff deduction of a fixed −1 point by default."""

    class Meta:
        model = Rule
        django_get_or_create = ("book", "code")

    book = factory.SubFactory(RuleBookFactory)
    code = factory.Sequence(lambda n: f"R-{n:02d}")
    title = factory.Sequence(lambda n: f"考评条款{n}")
    category = Rule.Category.ATTENDANCE
    applies_to = Rule.Subject.STAFF
    min_points = Decimal("-1")
    max_points = Decimal("-1")
