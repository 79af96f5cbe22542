"""What a table format's ``as_of`` names: one reading for every surface.

A read ``as_of`` names a snapshot by id (an Iceberg snapshot id, a Delta
version: ASCII digits, 0 to 2**63-1, as both formats store them) or by
moment (an ISO 8601 timestamp, UTC when it names no zone: the snapshot
current then). The syntax is checked when parameters are validated (the
``snapshot`` parameter type), before any job runs; whether the table has
such a snapshot is known only when it is read.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone

from mason_core.errors import MasonUsageError

__all__ = ["MAX_SNAPSHOT_ID", "as_of_problem", "parse_as_of"]

#: the largest id a snapshot (or Delta version) can have: a signed 64-bit long.
MAX_SNAPSHOT_ID = 2**63 - 1

_DIGITS = re.compile(r"[0-9]+")
_SIGNED = re.compile(r"[+-]\s*[0-9]+")
#: longer than any ISO timestamp (2024-05-01T12:00:00.123456789+05:30 is 35)
_LONGEST = 64
EXAMPLE = "2024-05-01T12:00:00Z"


def _shown(text: str, limit: int = 40) -> str:
    """``text`` as an error quotes it: one printable line, at most ``limit`` characters."""
    flat = "".join(c if c.isprintable() else "?" for c in " ".join(text.split()))
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


def as_of_problem(as_of: str, what: str = "a snapshot id") -> tuple[int | datetime | None, str]:
    """``(value, "")`` for a well-formed ``as_of``, else ``(None, why)``: why
    it names no snapshot, one line quoting at most 40 characters of it."""
    text = as_of.strip()
    shown = _shown(text)
    if _DIGITS.fullmatch(text):
        digits = text.lstrip("0") or "0"  # int() of thousands of digits is slow, or refused
        if len(digits) > len(str(MAX_SNAPSHOT_ID)) or int(digits) > MAX_SNAPSHOT_ID:
            return None, f"'{shown}' is too large for {what} (at most {MAX_SNAPSHOT_ID})"
        return int(digits), ""
    if _SIGNED.fullmatch(text):
        return None, f"'{shown}' is not {what}: ids are digits only, never signed"
    if len(text) <= _LONGEST:
        try:
            when = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            pass
        else:
            if when.tzinfo is None:
                when = when.replace(tzinfo=timezone.utc)
            try:
                return when.astimezone(timezone.utc), ""
            except OverflowError:
                return None, f"'{shown}' is outside the years 1 to 9999 in UTC"
    return None, f"'{shown}' is neither {what} nor an ISO timestamp ({EXAMPLE})"


def parse_as_of(as_of: str, what: str = "a snapshot id") -> int | datetime:
    """What ``as_of`` names: an id (ASCII digits, at most 2**63-1: an Iceberg
    snapshot id, a Delta version) or a moment (an ISO timestamp, UTC when it
    names no zone), as an ``int`` or an aware ``datetime`` in UTC. Anything
    else is a one-line usage error naming ``what`` the id is."""
    value, problem = as_of_problem(as_of, what)
    if value is None:
        raise MasonUsageError(f"as_of {problem}")
    return value
