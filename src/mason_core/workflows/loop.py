"""``mason scheduler``: the foreground loop that fires deployed workflows when due.

Each tick asks the configured scheduler for its DAGs and triggers those whose
cron expression matched a minute since the previous tick (several missed
minutes fire once). The last tick is kept in MASON_HOME so a restarted loop
neither repeats nor forgets a due run. The clock and the sleep are injectable.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from mason_core.engines import SchedulerEngine
from mason_core.errors import MasonError, MasonUsageError
from mason_core.home import atomic_write_json
from mason_core.operators.context import EngineSet
from mason_core.runtime import Session
from mason_core.workflows.cron import parse_cron
from mason_core.workflows.inprocess import InProcessScheduler


@dataclass
class Fired:
    """One DAG the loop triggered: its run record, or why it could not run."""

    dag_name: str
    due: datetime
    record: dict[str, Any] | None = None
    error: str | None = None


def _minute(when: datetime) -> datetime:
    return when.replace(second=0, microsecond=0)


class SchedulerLoop:
    def __init__(
        self,
        session: Session,
        config_id: str | None = None,
        clock: Callable[[], datetime] = datetime.now,
        sleep: Callable[[float], None] = time.sleep,
        on_fired: Callable[[Fired], None] | None = None,
    ) -> None:
        self.session = session
        self.config_id = config_id
        self.clock = clock
        self.sleep = sleep
        self.on_fired = on_fired

    @property
    def state_file(self) -> Path:
        return self.session.home.path / "scheduler" / "state.json"

    def _last_tick(self, now: datetime) -> datetime:
        """The minute of the previous tick. None recorded, or one later than
        ``now`` (the clock was stepped back since, as NTP does after a jump
        ahead), reads as the minute before ``now``: a tick from the future
        must not hide the runs due until then."""
        previous = _minute(now) - timedelta(minutes=1)
        try:
            raw = json.loads(self.state_file.read_text("utf-8")).get("last_tick")
            recorded = _minute(datetime.fromisoformat(raw))
        except (FileNotFoundError, json.JSONDecodeError, AttributeError, TypeError, ValueError):
            return previous
        return recorded if recorded <= _minute(now) else previous

    def _scheduler(self) -> tuple[EngineSet, SchedulerEngine]:
        config = self.session.configs.get(self.config_id)
        engines = EngineSet(self.session.registry, config, self.session.home)
        scheduler = engines.typed("scheduler", SchedulerEngine)
        if not isinstance(scheduler, InProcessScheduler):
            engines.close()
            raise MasonUsageError(
                f"the scheduler of configuration '{config.id}' "
                f"('{engines.client_name('scheduler')}') runs its own schedules; "
                "'mason scheduler' drives in-process schedulers such as 'local'"
            )
        return engines, scheduler

    def tick(self) -> list[Fired]:
        """Trigger every DAG due since the last tick; returns what fired."""
        now = self.clock()
        since = self._last_tick(now)
        engines, scheduler = self._scheduler()
        fired: list[Fired] = []
        try:
            for dag in scheduler.list_dags():
                if dag.schedule is None or not dag.schedule.expression:
                    continue
                try:
                    due = parse_cron(dag.schedule.expression).next_after(since)
                except MasonError:
                    continue  # validated at deploy time; a stale bad one is passed over
                if due > now:
                    continue
                event = Fired(dag.name, due)
                try:
                    event.record = scheduler.trigger_dag(dag.name)
                except MasonError as exc:
                    event.error = exc.message
                fired.append(event)
                if self.on_fired is not None:
                    self.on_fired(event)
        finally:
            engines.close()
        atomic_write_json(self.state_file, {"last_tick": _minute(now).isoformat()})
        return fired

    def run(self, once: bool = False, max_ticks: int | None = None) -> list[Fired]:
        """Tick now, then at the start of every minute; ``once`` stops after one tick."""
        fired: list[Fired] = []
        ticks = 0
        while True:
            fired.extend(self.tick())
            ticks += 1
            if once or (max_ticks is not None and ticks >= max_ticks):
                return fired
            now = self.clock()
            wait = 60.0 - now.second - now.microsecond / 1_000_000
            self.sleep(max(wait, 0.5))
