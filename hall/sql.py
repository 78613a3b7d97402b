"""Reads whose SQL the ORM builds once per process, for the few hottest requests.

Building a query through the ORM (resolving lookups, joins, the select list) costs several
times running a small indexed read; on the hall's most visited pages — the public guide a QR
code opens, the rating a citizen sends — that building was most of the request. A
``Precompiled`` read is written as an ordinary queryset over stand-in values, compiled on
first use, and from then on runs its SQL with the request's values put in the stand-ins'
places. The SQL stays the ORM's own (the database's dialect, the models' tables), so it
follows every model change. Stand-ins must be compared exactly with text columns
(``code=…``, ``token=…``): the ORM passes such values through unchanged, so they can be found
among the parameters and swapped.

On PostgreSQL these reads, and the few hand-written statements of the hottest writes, run
through ``prepared_cursor``: the server parses and plans each once per connection, then only
executes it. For the rating's one-statement insert that planning was two thirds of the
database's work (bench/README.md). The rest of the app keeps Django's client-side binding.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import DEFAULT_DB_ALIAS, connection
from django.db.backends.utils import CursorWrapper
from django.db.models import QuerySet

_preparing_class = None


def _preparing():
    """psycopg's server-binding cursor (as Django's ``server_side_binding`` option uses), made
    to prepare every statement it runs: the server keeps the plan for the connection's life,
    and later runs of the same text only execute."""
    global _preparing_class
    if _preparing_class is None:
        from django.db.backends.postgresql.base import ServerBindingCursor

        class PreparingCursor(ServerBindingCursor):
            def execute(self, query, params=None, *, prepare=None, binary=None):
                return super().execute(query, params, prepare=True, binary=binary)

            def _send_query_prepared(self, name, pgq, *, binary=None):
                # psycopg records the statement only when it sends its text; Django's query
                # log (``last_executed_query``) reads it from here.
                self._query = pgq
                return super()._send_query_prepared(name, pgq, binary=binary)

        _preparing_class = PreparingCursor
    return _preparing_class


def prepared_cursor() -> CursorWrapper:
    """A cursor for a statement run again and again with other values: prepared on
    PostgreSQL (parameters bound by the server, so the text must not depend on them), an
    ordinary cursor elsewhere. Like ``connection.cursor()``, it passes the connection's
    health check first and goes through Django's wrappers (query logging, execute wrappers,
    error translation)."""
    if connection.vendor != "postgresql":
        return connection.cursor()
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    raw = connection.connection
    if raw.prepare_threshold is None:
        # Django turns psycopg's preparing off (for connection poolers), which refuses even
        # an explicit ``prepare=True``. Django's own cursors bind on the client and never
        # prepare whatever the threshold; with one this high only this cursor's statements
        # are prepared.
        raw.prepare_threshold = 1 << 30
    with connection.wrap_database_errors:
        return connection._prepare_cursor(_preparing()(raw))


class Precompiled:
    def __init__(self, build: Callable[..., QuerySet], arity: int = 1) -> None:
        self._build = build
        self._standins = tuple(f"\x00standin-{i}\x00" for i in range(arity))
        self._compiled: tuple[str, tuple, dict] | None = None

    def _sql(self) -> tuple[str, tuple, dict]:
        if self._compiled is None:
            compiler = self._build(*self._standins).query.get_compiler(using=DEFAULT_DB_ALIAS)
            sql, params = compiler.as_sql()
            if any(s not in params for s in self._standins):  # not an exact text lookup
                raise ValueError("a stand-in value does not reach the SQL unchanged")
            # What the ORM does to each column it reads (e.g. SQLite's text → aware datetime).
            fields = [col for col, _sql, _alias in compiler.select[: compiler.col_count]]
            self._compiled = (sql, tuple(params), compiler.get_converters(fields))
        return self._compiled

    def rows(self, *values) -> list[tuple]:
        """The rows of the read with ``values`` in the stand-ins' places, in their order."""
        sql, params, converters = self._sql()
        swap = dict(zip(self._standins, values, strict=True))
        with prepared_cursor() as cursor:
            cursor.execute(sql, [swap.get(p, p) if isinstance(p, str) else p for p in params])
            rows = cursor.fetchall()
        if not converters:
            return rows
        converted = []
        for row in rows:
            row = list(row)
            for pos, (functions, expression) in converters.items():
                for function in functions:
                    row[pos] = function(row[pos], expression, connection)
            converted.append(tuple(row))
        return converted
