"""Windows issuing notices at the same moment: serial numbers 1..N, no gap, no repeat — even
when some transactions take a number and then fail — and one final notice per application."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from guides import receipts
from guides.models import Receipt
from tests.factories import ApprovalItemFactory, StaffMemberFactory, WindowFactory

THREADS, EACH = 12, 4


class PrinterJammed(Exception):
    pass


def _register(member, item, name):
    return receipts.application_register(
        actor=member.user,
        window=member.window,
        item=item,
        applicant_name=name,
        applicant_id="91500106MA5U123456",
        contact="13812348000",
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twelve_windows_issuing_at_once_get_numbers_one_to_n_without_gaps(department):
    if connection.vendor != "postgresql":
        pytest.skip("the race needs PostgreSQL's row locks and concurrent writers")
    item = ApprovalItemFactory(department=department)
    members = []
    for n in range(THREADS):
        window = WindowFactory(number=f"R{n:02d}", department=department)
        window.items.add(item)
        members.append(StaffMemberFactory(window=window))
    work = {m.pk: [_register(m, item, f"申请人{m.pk}-{k}") for k in range(EACH)] for m in members}
    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []
    failed_on_purpose = 0
    lock = threading.Lock()

    def window_pc(member):
        nonlocal failed_on_purpose
        barrier.wait()
        try:
            for k, application in enumerate(work[member.pk]):
                if k == 1 and member.pk % 3 == 0:
                    # The number is taken, then the transaction fails: it must come back.
                    try:
                        with transaction.atomic():
                            receipts.receipt_issue(
                                actor=member.user, application=application, kind="acceptance"
                            )
                            raise PrinterJammed
                    except PrinterJammed:
                        with lock:
                            failed_on_purpose += 1
                receipts.receipt_issue(
                    actor=member.user, application=application, kind="acceptance"
                )
        except BaseException as exc:  # reported below, not lost in the thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=window_pc, args=(m,)) for m in members]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert failed_on_purpose > 0
    serials = sorted(Receipt.objects.filter(kind="acceptance").values_list("serial", flat=True))
    assert serials == list(range(1, THREADS * EACH + 1))
    assert Receipt.objects.values("number").distinct().count() == THREADS * EACH


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_staff_accepting_one_application_at_once_issue_one_notice(department):
    if connection.vendor != "postgresql":
        pytest.skip("the race needs PostgreSQL's row locks and concurrent writers")
    item = ApprovalItemFactory(department=department)
    window = WindowFactory(department=department)
    window.items.add(item)
    members = [StaffMemberFactory(window=window) for _ in range(2)]
    application = _register(members[0], item, "甲")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def issue(member):
        barrier.wait()
        try:
            receipts.receipt_issue(actor=member.user, application=application, kind="acceptance")
            outcomes.append("issued")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=issue, args=(m,)) for m in members]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["issued", "refused"]
    assert list(Receipt.objects.values_list("serial", flat=True)) == [1]
