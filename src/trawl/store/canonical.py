"""Canonical JSON, hashes and timestamps: the byte-exact forms the provenance log is built on.

Everything the store hashes goes through these three functions so that an auditor can recompute
any hash with any JSON library: keys sorted, no whitespace, UTF-8 (not ASCII escapes), no NaN.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any


def canonical_json(value: Any) -> str:
    """``value`` as canonical JSON text: sorted keys, ``,``/``:`` separators, UTF-8 characters."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def sha256_hex(data: bytes | str) -> str:
    """Lower-case hex sha256 of bytes, or of a string's UTF-8 encoding."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def utc_now() -> str:
    """The current UTC time as ISO 8601 with microseconds and a ``Z``: sortable as text."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
