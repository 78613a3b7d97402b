"""Django's PostgreSQL backend with a health check that costs no round trip.

``CONN_HEALTH_CHECKS`` makes Django check a persistent connection before each request uses
it, so a worker whose connection the server closed (a restart, an administrator, an idle
timeout) reconnects instead of failing the request. Django checks with ``SELECT 1``: a round
trip to the server on every request that touches the database, about a tenth of a citizen's
rating POST. A connection the server has closed tells so itself: the server's goodbye and the
end of the stream are already waiting on the socket. Reading what has arrived (libpq's
``PQconsumeInput``, which never blocks) finds them, and an idle, healthy connection has
nothing to read. After an error inside a request Django still asks ``is_usable``, which keeps
the ``SELECT 1``.
"""

from __future__ import annotations

import psycopg
from django.db.backends.postgresql import base
from psycopg.pq import ConnStatus, TransactionStatus


class DatabaseWrapper(base.DatabaseWrapper):
    def close_if_health_check_failed(self):
        if (
            self.pool
            or self.connection is None
            or not self.health_check_enabled
            or self.health_check_done
        ):
            return
        if not self.connection_alive():
            self.close()
        self.health_check_done = True

    def connection_alive(self) -> bool:
        """Whether the server still holds this connection, read from what it has sent."""
        raw = self.connection
        try:
            raw.pgconn.consume_input()
        except psycopg.OperationalError:
            return False
        return (
            raw.pgconn.status == ConnStatus.OK
            and raw.info.transaction_status != TransactionStatus.UNKNOWN
        )
