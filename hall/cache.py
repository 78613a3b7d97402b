"""Cache keys for rendered fragments."""

from __future__ import annotations

import hashlib


def fragment_key(*parts) -> str:
    """A short cache key from any number of parts (language, date, version, query string)."""
    raw = "\x1f".join(str(p) for p in parts)
    return "frag:" + hashlib.blake2b(raw.encode(), digest_size=16).hexdigest()
