"""Airflow as Mason's scheduler.

``register_dag`` writes a generated DAG file (see :mod:`mason_airflow.dagfile`)
into Airflow's DAGs folder atomically, asks Airflow to parse it, waits until
Airflow reports this very version (its revision tag) or an import error, and
unpauses it. ``trigger_dag`` starts a run through the REST API and returns its
``run_id``, which Mason then follows with ``get_dag_run``. ``delete_dag``
removes the file and the DAG's record in Airflow, in the order Airflow's DAG
processor tolerates (see :meth:`AirflowScheduler.delete_dag`).
"""

from __future__ import annotations

import contextlib
import re
import time
from datetime import datetime, timezone
from functools import cached_property
from pathlib import Path
from typing import Any

from mason.sdk.engines import EngineContext, SchedulerEngine
from mason.sdk.errors import MasonRuntimeError, MasonUsageError, NotFoundError
from mason.sdk.models import Dag, DagRun, Schedule
from mason.sdk.state import atomic_write_text
from mason_airflow.api import AirflowApi
from mason_airflow.config import AirflowClientConfig
from mason_airflow.dagfile import REVISION_TAG, check_secrets, render, start_of, with_revision
from mason_airflow.runs import XComCache, q, read_run, run_path

_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,200}$")


class AirflowScheduler(SchedulerEngine):
    config: AirflowClientConfig

    def __init__(self, config: AirflowClientConfig, context: EngineContext) -> None:
        super().__init__(config, context)
        self._outputs: XComCache = {}

    @cached_property
    def api(self) -> AirflowApi:
        return AirflowApi(self.config, self.client_name)

    def close(self) -> None:
        if "api" in self.__dict__:
            self.api.close()

    @property
    def dags_folder(self) -> Path:
        return Path(self.config.dags_folder).expanduser()

    def _file(self, dag_name: str) -> Path:
        if not _NAME.match(dag_name):
            raise MasonUsageError(f"'{dag_name}' is not a valid Airflow dag id")
        return self.dags_folder / f"{dag_name}.py"

    def _subject(self, dag_name: str) -> str:
        return f"dag '{dag_name}'"

    # -- verbs ------------------------------------------------------------------------

    def validate_schedule(self, expression: str) -> None:
        from mason.sdk.workflows import parse_cron

        parse_cron(expression)

    def register_dag(self, dag: Dag, schedule: Schedule | None = None) -> Dag:
        schedule = schedule or dag.schedule
        if schedule is not None and schedule.expression:
            self.validate_schedule(schedule.expression)
        stored = dag.model_copy(update={"schedule": schedule})
        if dag.namespace is None or dag.command is None:
            raise MasonUsageError(f"dag '{dag.name}' names no workflow (namespace and command)")
        check_secrets(stored, _secret_parameters(stored))
        path = self._file(dag.name)
        try:
            previous: str | None = path.read_text("utf-8")
        except (FileNotFoundError, UnicodeDecodeError):
            previous = None
        text, rev = with_revision(
            render(
                stored,
                workflow=(dag.namespace, dag.command),
                mason_home=self.config.task_mason_home,
                start=start_of(previous),
            )
        )
        if not self.dags_folder.is_dir():
            raise MasonUsageError(
                f"airflow client '{self.client_name}': dags_folder {self.dags_folder} "
                "is not a folder"
            )
        written = datetime.now(timezone.utc)
        if text != previous:
            atomic_write_text(path, text)
            self.context.logger.info("wrote DAG file %s", path)
        self._await_parse(dag.name, path, rev, written)
        self.api.call(
            "PATCH",
            f"/dags/{q(dag.name)}",
            self._subject(dag.name),
            json={"is_paused": False},
        )
        return stored

    def trigger_dag(self, dag_name: str) -> dict[str, Any]:
        body = self.api.call(
            "POST",
            f"/dags/{q(dag_name)}/dagRuns",
            self._subject(dag_name),
            json={"logical_date": None, "conf": {}},
        )
        return {
            "dag_name": dag_name,
            "run_id": body["dag_run_id"],
            "state": body.get("state"),
            "client": self.client_name,
        }

    def get_dag_run(self, dag_name: str, run_id: str) -> DagRun:
        return read_run(self.api, dag_name, run_id, self._outputs)

    def delete_dag(self, dag_name: str) -> None:
        """Pause the DAG, remove its file, wait until Airflow's DAG processor
        reports it stale (it noticed the file is gone), then delete its record.

        Deleting the record while the processor deactivates the vanished file
        races it: the processor dies with ``StaleDataError`` and, under
        ``airflow standalone``, nothing restarts it. When the processor does
        not report the DAG stale within ``parse_timeout_seconds`` (it is not
        running), the record is deleted anyway: there is nothing to race.
        """
        path = self._file(dag_name)
        subject = self._subject(dag_name)
        try:
            self.api.call("PATCH", f"/dags/{q(dag_name)}", subject, json={"is_paused": True})
            known = True
        except NotFoundError:
            known = False
        existed = path.exists()
        if existed:
            path.unlink()
        if not known:
            if not existed:
                raise NotFoundError(
                    f"airflow client '{self.client_name}': dag '{dag_name}': no such DAG "
                    f"in Airflow or in {self.dags_folder}"
                )
            return
        if existed:
            self._await_stale(dag_name)
        with contextlib.suppress(NotFoundError):  # deleted meanwhile: done all the same
            self.api.call("DELETE", f"/dags/{q(dag_name)}", subject)

    def list_dags(self) -> list[Dag]:
        body = self.api.call("GET", "/dags", "dags", params={"tags": "mason", "limit": 1000})
        out = []
        for d in body.get("dags", []):
            tags = [t.get("name", "") for t in d.get("tags") or [] if isinstance(t, dict)]
            workflow = next((t for t in tags if t.startswith("mason:") and "." in t), "")
            namespace, _, command = workflow.removeprefix("mason:").partition(".")
            expression = d.get("timetable_summary") or None
            out.append(
                Dag(
                    name=d["dag_id"],
                    namespace=namespace or None,
                    command=command or None,
                    schedule=Schedule(name=d["dag_id"], expression=expression)
                    if expression and expression not in ("None", "Never, external triggers only")
                    else None,
                )
            )
        return out

    # -- waiting for Airflow to take the file -----------------------------------------

    def _await_stale(self, dag_name: str) -> None:
        """Wait until Airflow reports the DAG stale (its file gone), or gone."""
        subject = self._subject(dag_name)
        deadline = time.monotonic() + self.config.parse_timeout_seconds
        while time.monotonic() <= deadline:
            try:
                info = self.api.call("GET", f"/dags/{q(dag_name)}", subject)
            except NotFoundError:
                return
            if not isinstance(info, dict) or info.get("is_stale", True):
                return
            time.sleep(min(1.0, self.config.poll_seconds))
        self.context.logger.warning(
            "%s: Airflow did not report it stale within %g s; deleting it anyway",
            subject,
            self.config.parse_timeout_seconds,
        )

    def _await_parse(self, dag_name: str, path: Path, rev: str, written: datetime) -> None:
        """Wait until Airflow serves this revision of the DAG, or reports the file
        broken; Airflow is asked to re-parse a DAG it already knows."""
        subject = self._subject(dag_name)
        deadline = time.monotonic() + self.config.parse_timeout_seconds
        asked = False
        while True:
            try:
                info = self.api.call("GET", f"/dags/{q(dag_name)}/details", subject)
            except NotFoundError:
                info = None
            if info is not None:
                tags = [t.get("name") for t in info.get("tags") or [] if isinstance(t, dict)]
                if REVISION_TAG + rev in tags:
                    return
                token = info.get("file_token")
                if not asked and token:
                    try:
                        self.api.call("PUT", f"/parseDagFile/{q(token)}", subject)
                        asked = True
                    except MasonRuntimeError:
                        pass
            error = self._import_error(path, written)
            if error is not None:
                raise MasonUsageError(
                    f"airflow client '{self.client_name}': {subject}: Airflow cannot import "
                    f"{path.name}: {error}"
                )
            if time.monotonic() > deadline:
                raise MasonRuntimeError(
                    f"airflow client '{self.client_name}': {subject}: Airflow did not parse "
                    f"{path} within {self.config.parse_timeout_seconds:g} s (is its dags_folder "
                    "this folder, and its dag processor running?)"
                )
            time.sleep(min(1.0, self.config.poll_seconds))

    def _import_error(self, path: Path, since: datetime) -> str | None:
        body = self.api.call("GET", "/importErrors", "import errors", params={"limit": 1000})
        for err in body.get("import_errors", []):
            filename = str(err.get("filename") or "")
            if Path(filename).name != path.name:
                continue
            stamp = err.get("timestamp")
            if stamp and datetime.fromisoformat(str(stamp).replace("Z", "+00:00")) < since:
                continue
            lines = [ln.strip() for ln in str(err.get("stack_trace") or "").splitlines()]
            lines = [ln for ln in lines if ln]
            return lines[-1] if lines else "import error"
        return None


def _secret_parameters(dag: Dag) -> dict[str, set[str]]:
    """Step id -> the names of its operator's secret parameters."""
    import mason

    out: dict[str, set[str]] = {}
    for step in dag.steps:
        for spec in mason.operators(step.namespace):
            if spec.command == step.command:
                out[step.id] = {p.name for p in spec.parameters if p.secret}
    return out


__all__ = ["AirflowScheduler", "run_path"]
