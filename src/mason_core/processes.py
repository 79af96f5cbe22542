"""Whether the process behind a record still lives.

Run records and job records both carry the host and pid of the process doing
their work; a record that says it is running while that process is gone was
killed mid-way. This is the one place that tells the two apart.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path


def this_host() -> str:
    return socket.gethostname()


def process_alive(pid: int) -> bool:
    """True while ``pid`` runs (on this host); an unreaped zombie has ended."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return not _zombie(pid)


def orphaned(host: str, pid: int | None) -> bool:
    """A record's process is known to be gone: on this host, and not alive.

    A record from another host is never judged (its pid means nothing here).
    """
    if pid is None or host != this_host():
        return False
    return not process_alive(pid)


def _zombie(pid: int) -> bool:
    """An ended process its parent has not reaped yet (Linux; elsewhere False)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[:1] == ["Z"]
