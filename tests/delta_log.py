"""Delta log entries rewritten as if committed earlier: delta-rs has no clock
to inject, so tests of ``expire`` (vacuum) and ``clean`` age the log instead."""

from __future__ import annotations

import json

#: the timestamps (milliseconds) a commit's actions carry, by action
_TIMES = (("commitInfo", "timestamp"), ("remove", "deletionTimestamp"), ("add", "modificationTime"))


def backdated(commit: str, days: float) -> str:
    """The text of one ``_delta_log/NNN.json`` with every action's timestamp
    ``days`` earlier."""
    shift = int(days * 86400 * 1000)
    lines = []
    for line in commit.splitlines():
        action = json.loads(line)
        for kind, field in _TIMES:
            if kind in action and field in action[kind]:
                action[kind][field] -= shift
        lines.append(json.dumps(action))
    return "\n".join(lines) + "\n"
