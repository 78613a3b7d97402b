"""Reads whose SQL the ORM builds once per process, for the few hottest requests; the
values of a hand-written insert, and models from the rows it returns.

Building a query through the ORM (resolving lookups, joins, the select list) costs several
times running a small indexed read; on the hall's most visited pages — the public guide a QR
code opens, the rating a citizen sends — that building was most of the request. A
``Precompiled`` read is written as an ordinary queryset over stand-in values, compiled on
first use, and from then on runs its SQL with the request's values put in the stand-ins'
places. The SQL stays the ORM's own (the database's dialect, the models' tables), so it
follows every model change. Stand-ins must be compared exactly with text columns
(``code=…``, ``token=…``): the ORM passes such values through unchanged, so they can be found
among the parameters and swapped.

On PostgreSQL the server then also keeps the statement's plan: parameters are bound on the
server and a statement run five times on a connection is prepared (hall/env.py).
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Model, QuerySet


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
        with connection.cursor() as cursor:
            cursor.execute(sql, [swap.get(p, p) if isinstance(p, str) else p for p in params])
            rows = cursor.fetchall()
        return _converted(rows, converters) if converters else rows


def _converted(rows: list[tuple], converters: dict) -> list[tuple]:
    """``rows`` with each column converted as the ORM converts what it reads; ``converters``
    as ``SQLCompiler.get_converters`` gives them (position → (functions, expression))."""
    db = connections[DEFAULT_DB_ALIAS]
    converted = []
    for row in rows:
        row = list(row)
        for pos, (functions, expression) in converters.items():
            for function in functions:
                row[pos] = function(row[pos], expression, db)
        converted.append(tuple(row))
    return converted


_INSERTED: dict[tuple, tuple[list, list[str]]] = {}  # by model, ``written`` and vendor


def insert_values(obj: Model, *, written: tuple[str, ...] = ()) -> tuple[list[str], list]:
    """The columns (quoted) and values the ORM's insert of the unsaved ``obj`` writes: every
    concrete field but the automatic primary key and ``written`` (attnames the caller's SQL
    writes itself), each value prepared as ``Model.save`` prepares it (defaults,
    ``auto_now_add``, the driver's adaptation) — for an ``INSERT … SELECT`` that takes a key
    from another part of its statement and must store what ``save`` would."""
    db = connections[DEFAULT_DB_ALIAS]  # the wrapper itself, not the per-access proxy
    key = (type(obj), written, db.vendor)
    known = _INSERTED.get(key)
    if known is None:
        meta = obj._meta
        fields = [
            f
            for f in meta.local_concrete_fields
            if f is not meta.auto_field and not f.generated and f.attname not in written
        ]
        known = _INSERTED[key] = (fields, [db.ops.quote_name(f.column) for f in fields])
    fields, columns = known
    return columns, [f.get_db_prep_save(f.pre_save(obj, True), db) for f in fields]


def returned_models(model: type[Model], rows: list[tuple]) -> list[Model]:
    """Instances of ``model`` from rows of all its concrete columns in field order (a
    hand-written statement's ``RETURNING``), each value converted as the ORM converts what
    it reads (on SQLite: text → datetime, JSON text → dict)."""
    db = connections[DEFAULT_DB_ALIAS]
    fields = model._meta.concrete_fields
    converters = {}
    for pos, field in enumerate(fields):
        col = field.get_col(model._meta.db_table)
        functions = db.ops.get_db_converters(col) + col.get_db_converters(db)
        if functions:
            converters[pos] = (functions, col)
    names = [f.attname for f in fields]
    return [
        model.from_db(DEFAULT_DB_ALIAS, names, list(row)) for row in _converted(rows, converters)
    ]
