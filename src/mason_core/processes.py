"""Whether the process behind a record still lives.

Run records and job records both carry the host and pid of the process doing
their work; a record that says it is running while that process is gone was
killed mid-way. This is the one place that tells the two apart.

A pid alone can lie: once a process has ended, the system may give its pid
to a new one, and the record would read as running for ever. Where the
system says when a process started (Linux's ``/proc``), records also keep
that start time, and a live pid that started at another time is another
process.
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


def process_started(pid: int) -> int | None:
    """When ``pid`` started, in clock ticks since boot (Linux); ``None`` where the
    system does not say, or when no such process exists."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rpartition(")")[2].split()  # the name may hold spaces and ')'
    try:
        return int(fields[19])  # field 22 of proc(5); the split starts at field 3
    except (IndexError, ValueError):
        return None


def same_process(pid: int, started: int | None) -> bool:
    """Whether the process ``pid`` that started at ``started`` (from
    :func:`process_started`, ``None`` when unknown) still runs: alive, and not
    a newer process that was given the same pid."""
    if not process_alive(pid):
        return False
    if started is None:
        return True
    now = process_started(pid)
    return now is None or now == started


def orphaned(host: str, pid: int | None, started: int | None = None) -> bool:
    """A record's process is known to be gone: on this host, and not alive (or
    its pid now belongs to a process that started later).

    A record from another host is never judged (its pid means nothing here).
    """
    if pid is None or host != this_host():
        return False
    return not same_process(pid, started)


def _zombie(pid: int) -> bool:
    """An ended process its parent has not reaped yet (Linux; elsewhere False)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[:1] == ["Z"]
