"""Notices to a user: written by the services that do what they tell of, read on the user's
pages. A notice's text is made when it is shown, from its kind and parameters, so it follows
the reader's language; the parameters hold only what the text needs.
"""

from __future__ import annotations

from django.core.cache import cache
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from hall.cache import fragment_key
from hall.models import Notice

Kind = Notice.Kind


def notice_send(*, user_id: int | None, kind: str, params: dict, url: str = "") -> Notice | None:
    """Write a notice for the user (nothing when there is none). Call it inside the
    transaction of the change it tells of."""
    if user_id is None:
        return None
    return Notice.objects.create(user_id=user_id, kind=kind, params=params, url=url)


def notice_text(notice: Notice) -> str:
    try:
        return _notice_text(notice.kind, notice.params)
    except (KeyError, TypeError):  # parameters of an older shape: say at least what it is
        return notice.get_kind_display()


def _notice_text(kind: str, p: dict) -> str:
    if kind == Kind.SCORE_ENTRY:
        return _("%(points)s points under %(code)s %(title)s, on %(day)s.") % p
    if kind == Kind.ENTRY_REVERSED:
        return _("Your entry %(code)s %(title)s of %(day)s was reversed: %(reason)s") % p
    if kind == Kind.APPEAL_DECIDED:
        if p["upheld"]:
            return _("Your appeal against %(code)s of %(day)s was upheld: %(reason)s") % p
        return _("Your appeal against %(code)s of %(day)s was rejected: %(reason)s") % p
    if kind.startswith("bad_rating_"):
        from complaints.case_notices import case_notice_text

        return case_notice_text(kind, p)
    if kind == Kind.COMPLAINT_REMINDER:
        return (
            _("Reminder (催办): complaint %(number)s was due on %(deadline)s and has no reply.") % p
        )
    if kind == Kind.COMPLAINT_ESCALATED:
        return (
            _("Escalation (通报): complaint %(number)s, due on %(deadline)s, is still unanswered.")
            % p
        )
    raise KeyError(kind)


def notices_for(user) -> QuerySet[Notice]:
    return Notice.objects.filter(user=user)


_UNREAD_SQL = None


def _unread_sql() -> str:
    global _UNREAD_SQL
    if _UNREAD_SQL is None:
        _UNREAD_SQL = (
            "SELECT id, user_id, kind, params, url, created_at, read_at, "
            "COUNT(*) OVER () AS unread_total "
            f"FROM {Notice._meta.db_table} WHERE user_id = %s AND read_at IS NULL "
            "ORDER BY created_at DESC, id DESC LIMIT %s"
        )
    return _UNREAD_SQL


def notices_unread(user, *, limit: int = 5) -> tuple[list[Notice], int]:
    """The newest unread notices and how many are unread in all, in one query: the count is
    a window over all the unread rows, computed before the LIMIT (no row: none unread).

    Every page of a logged-in user asks this, so the query is written once, as SQL: building
    it through the ORM on each request cost more than running it (bench/README.md).
    """
    rows = list(Notice.objects.raw(_unread_sql(), [user.pk, limit]))
    return rows, rows[0].unread_total if rows else 0


def notices_context(user, *, version: tuple[int | None, int] | None = None) -> dict:
    """What ``templates/hall/_notices.html`` needs.

    ``version``: the user's newest notice id and unread count, when the caller has read them
    in a query of its own (``appraisal.selectors.my_scores_version``). They name the unread
    notices — a notice is only ever added (a higher id) or marked read (one fewer unread),
    never unread again — so none unread costs nothing, and the list is kept in this process
    under them for a minute (the minute bounds a late-committing notice with a lower id that
    coincides with one being read).
    """
    if version is not None:
        newest, count = version
        if not count:
            return {"unread_notices": [], "unread_count": 0}
        key = fragment_key("notices", user.pk, newest, count)
        unread_and_count = cache.get(key)
        if unread_and_count is None:
            unread_and_count = notices_unread(user)
            cache.set(key, unread_and_count, 60)
        unread, count = unread_and_count
        return {"unread_notices": unread, "unread_count": count}
    unread, count = notices_unread(user)
    return {"unread_notices": unread, "unread_count": count}


def notices_mark_read(user, *, pk: int | None = None) -> int:
    """Mark one notice (``pk``) or all of the user's unread notices read; others' are untouched."""
    unread = Notice.objects.filter(user=user, read_at__isnull=True)
    if pk is not None:
        unread = unread.filter(pk=pk)
    return unread.update(read_at=timezone.now())
