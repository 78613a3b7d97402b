"""Queue a Celery task and say whether the broker took it.

The caller has already written the request to the database, so a refusal loses nothing:
beat picks the request up once the broker is back, and the page says so plainly.
"""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)


def enqueue(task, *args) -> bool:
    try:
        task.apply_async(args=args, retry=False)
    except Exception as exc:  # broker down or unreachable: kombu, redis and socket errors
        if task.app.conf.task_always_eager:
            raise
        logger.warning("could not queue %s%r: %s", task.name, args, exc)
        return False
    return True
