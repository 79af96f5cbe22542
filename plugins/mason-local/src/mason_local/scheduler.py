"""The local scheduler: in-process and synchronous (workflows build on it)."""

from __future__ import annotations

from mason_core.engines import SchedulerEngine


class LocalScheduler(SchedulerEngine):
    """Placeholder until the workflow machinery lands; serves no verb yet."""
