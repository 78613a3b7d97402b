"""Precompiled reads: the ORM's SQL built once, run with each call's values; the values of a
hand-written insert."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from hall.models import Notice
from hall.sql import Precompiled, insert_values

pytestmark = pytest.mark.django_db


def test_a_precompiled_read_runs_with_each_calls_value_and_converts_like_the_orm():
    a = User.objects.create(username="a", first_name="甲")
    User.objects.create(username="b", first_name="乙")
    read = Precompiled(
        lambda name: User.objects.filter(username=name).values_list("first_name", "date_joined")
    )
    assert read.rows("a") == [("甲", a.date_joined)]  # an aware datetime, as the ORM gives
    assert read.rows("b")[0][0] == "乙"
    assert read.rows("nobody") == []


def test_a_stand_in_the_orm_would_change_is_refused():
    read = Precompiled(lambda name: User.objects.filter(username__icontains=name).values_list("id"))
    with pytest.raises(ValueError, match="stand-in"):
        read.rows("a")


def _prepared_texts() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's"
)


@pytest.mark.postgres
@postgresql_only
def test_on_postgresql_a_statement_run_five_times_is_prepared_and_still_logged():
    User.objects.create(username="a", first_name="甲")
    read = Precompiled(lambda name: User.objects.filter(username=name).values_list("first_name"))
    for name in ("a", "b", "c", "d"):
        read.rows(name)
    assert not any("auth_user" in text for text in _prepared_texts())
    with CaptureQueriesContext(connection) as done:
        assert read.rows("a") == [("甲",)]  # the fifth run: prepared, and from now on reused
        assert read.rows("e") == []
    assert sum("auth_user" in text for text in _prepared_texts()) == 1
    # The log shows each run with its values (bound by the server, composed for the log).
    assert "'a'" in done.captured_queries[0]["sql"] and "'e'" in done.captured_queries[1]["sql"]


@pytest.mark.postgres
@postgresql_only
def test_on_postgresql_a_prepared_statement_survives_a_rollback():
    User.objects.create(username="a", first_name="甲")
    read = Precompiled(lambda name: User.objects.filter(username=name).values_list("first_name"))
    for _ in range(6):
        assert read.rows("a") == [("甲",)]
    # A rolled-back savepoint makes psycopg forget what it prepared: the next run prepares
    # the statement again rather than naming one the server no longer knows.
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="a")
    for _ in range(6):
        assert read.rows("a") == [("甲",)]


def test_a_hand_written_insert_stores_what_save_would():
    user = User.objects.create(username="a")
    notice = Notice(user=user, kind=Notice.Kind.SCORE_ENTRY, url="/scores/")
    columns, values = insert_values(notice, written=("params",))
    # Neither the automatic key nor the column the caller writes; auto_now_add is filled.
    assert len(columns) == len(values) == len(Notice._meta.concrete_fields) - 2
    assert notice.created_at is not None
    table = connection.ops.quote_name(Notice._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (params, {', '.join(columns)})"
            f" VALUES (%s, {', '.join(['%s'] * len(values))})",
            ['{"points": "-1"}', *values],
        )
    stored = Notice.objects.get()
    assert (stored.user, stored.kind, stored.url, stored.read_at) == (
        user,
        "score_entry",
        "/scores/",
        None,
    )
    assert stored.created_at == notice.created_at and stored.params == {"points": "-1"}
