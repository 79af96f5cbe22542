"""``mason wf`` / ``mason workflow`` and ``mason scheduler``.

``mason wf`` lists workflows; ``mason wf NS CMD -f params.yaml`` validates and
prints the plan (the default dry run), ``-d`` deploys it to the scheduler,
``-r`` runs it now with a live view of each step. ``mason wf runs`` and
``mason wf status RUN_ID`` read the run records. ``runs`` and ``status`` are
therefore not usable as workflow namespaces.
"""

from __future__ import annotations

import sys
import threading
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from mason_core.cli.output import (
    OutputFormat,
    cli_errors,
    echo_json,
    emit_table,
    fail,
    one_line,
    resolve_output,
)
from mason_core.cli.params import UnknownParams, unknown_params_option
from mason_core.cli.session import current_session
from mason_core.secrets import scrub

if TYPE_CHECKING:
    from mason_core.registry import Registry
    from mason_core.workflows.loop import Fired
    from mason_core.workflows.plan import WorkflowPlan
    from mason_core.workflows.records import RunRecord, StepRecord
    from mason_core.workflows.spec import WorkflowSpec

app = typer.Typer(name="wf", help="List, validate, deploy and run workflows.")

PLAN_COLUMNS = ["order", "step", "operator", "dependencies", "config_id", "retry", "parameters"]
STEP_COLUMNS = ["step", "operator", "status", "attempts", "seconds", "error"]
RUN_COLUMNS = ["run_id", "workflow", "status", "started", "seconds", "steps"]
_RESERVED = ("runs", "status")


# -- rows --------------------------------------------------------------------------------


def workflow_rows(specs: list[WorkflowSpec], registry: Registry) -> list[dict[str, Any]]:
    """One row per workflow; a registered one says which plugin's it overrides."""
    rows = []
    for s in specs:
        replaced = registry.overridden("workflow", s.namespace, s.command)
        rows.append(
            {
                "namespace": s.namespace,
                "command": s.command,
                "description": s.description,
                "steps": len(s.dag),
                "schedulers": ", ".join(s.supported_schedulers) or "any",
                "plugin": f"{s.plugin} (overrides {replaced})" if replaced else s.plugin,
            }
        )
    return rows


def step_row(step: StepRecord) -> dict[str, Any]:
    return {
        "step": step.id,
        "operator": step.operator,
        "status": step.status + (" (reused)" if step.reused_from else ""),
        "attempts": step.attempts,
        "seconds": None if step.duration_seconds is None else round(step.duration_seconds, 3),
        "error": step.error,
    }


def run_row(run: RunRecord) -> dict[str, Any]:
    counts = run.counts()
    return {
        "run_id": run.run_id,
        "workflow": run.workflow,
        "status": run.status,
        "started": run.started_at.isoformat(timespec="seconds"),
        "seconds": None if run.duration_seconds is None else round(run.duration_seconds, 3),
        "steps": ", ".join(f"{n} {status}" for status, n in sorted(counts.items())),
    }


# -- the live view -----------------------------------------------------------------------


class PlainLines:
    """One line on stderr per step state change, for logs and pipes."""

    def __init__(self) -> None:
        self._seen: dict[str, tuple[str, int]] = {}

    def update(self, run: RunRecord, step: StepRecord | None) -> None:
        if step is None:
            if run.status != "running":
                typer.echo(f"run {run.run_id}: {run.status}", err=True)
            return
        key = (step.status, step.attempts)
        if self._seen.get(step.id) == key:
            return
        self._seen[step.id] = key
        detail = f" (attempt {step.attempts})" if step.status == "running" else ""
        if step.status in ("failed", "retrying", "skipped") and step.error:
            detail = f": {step.error}"
        typer.echo(one_line(f"{step.id} [{step.operator}] {step.status}{detail}"), err=True)


class LiveTable:
    """A rich table on the terminal, redrawn as steps change state."""

    def __init__(self, title: str) -> None:
        from rich.console import Console
        from rich.live import Live

        self.title = title
        self._lock = threading.Lock()
        self._live = Live(console=Console(stderr=True), auto_refresh=False, transient=True)
        self._live.start()

    def update(self, run: RunRecord, step: StepRecord | None) -> None:
        from rich.table import Table

        with self._lock:
            table = Table(title=f"{self.title}  run {run.run_id}: {run.status}")
            for column in STEP_COLUMNS:
                table.add_column(column, overflow="fold")
            for s in run.steps:
                row = step_row(s)
                table.add_row(*(scrub("" if row[c] is None else str(row[c])) for c in STEP_COLUMNS))
            self._live.update(table, refresh=True)

    def stop(self) -> None:
        self._live.stop()


# -- commands ----------------------------------------------------------------------------


def _list(namespace: str | None, out: OutputFormat) -> None:
    from mason_core.workflows.api import workflow_specs

    specs = workflow_specs(namespace)
    if not specs:
        if namespace is not None:
            from mason_core.config.providers import operator_provider_hint

            provider = operator_provider_hint(namespace)
            raise fail(
                f"no workflows in namespace '{namespace}'" + (f" ({provider})" if provider else "")
            )
        from mason_core.config.providers import OPERATOR_BUNDLE, install_hint

        typer.echo(
            "No workflows registered. Install a plugin with workflows "
            f"({install_hint(OPERATOR_BUNDLE)}) or run 'mason register PATH'."
        )
        return
    title = f"Available {namespace} workflows" if namespace else "Available workflows"
    emit_table(
        workflow_rows(specs, current_session().registry),
        ["namespace", "command", "description", "steps", "schedulers", "plugin"],
        title,
        out,
    )


def _dry_run(plan: WorkflowPlan, out: OutputFormat) -> None:
    from mason_core.response import Response

    response = Response()
    response.add_info(
        "Performing dry run for workflow. To deploy use --deploy/-d; to run now use --run/-r."
    )
    response.add_info(
        f"Valid workflow '{plan.spec.full_name}': {len(plan.steps)} steps, "
        f"scheduler '{plan.scheduler}' of configuration '{plan.config.id}'"
        + (f", schedule '{plan.schedule}'" if plan.schedule else "")
    )
    for warning in plan.warnings:
        response.add_warning(warning)
    rows = plan.rows()
    if out is OutputFormat.json:
        response.add_data(rows)
        echo_json(response.envelope())
        return
    for line in response.info:
        typer.echo(one_line(line), err=True)
    emit_table(rows, PLAN_COLUMNS, f"Plan of {plan.spec.full_name}", out)


def _deployed(plan: WorkflowPlan, out: OutputFormat) -> None:
    from mason_core.workflows.api import deploy_validated

    dag = deploy_validated(plan)
    from mason_core.response import Response

    response = Response()
    schedule = dag.schedule.expression if dag.schedule and dag.schedule.expression else None
    response.add_info(
        f"Registered workflow dag '{dag.name}' with scheduler '{plan.scheduler}'"
        + (f" on schedule '{schedule}'" if schedule else " (run on demand)")
    )
    response.add_data(
        {
            "Dag": dag.name,
            "Scheduler": plan.scheduler,
            "Schedule": schedule,
            "Steps": len(dag.steps),
        }
    )
    if out is OutputFormat.json:
        echo_json(response.envelope())
    else:
        typer.echo(response.info[0])


def _ran(plan: WorkflowPlan, out: OutputFormat, parallel: int | None, resume: str | None) -> int:
    from mason_core.workflows.api import run_validated
    from mason_core.workflows.records import RunStore
    from mason_core.workflows.runner import RunOptions

    options = RunOptions(
        parallel=parallel,
        resume=RunStore(plan.session.home).load(resume) if resume else None,
    )
    live: LiveTable | None = None
    if out is OutputFormat.table:
        if sys.stderr.isatty():
            live = LiveTable(plan.spec.full_name)
            options.listener = live
        else:
            options.listener = PlainLines()
    try:
        record = run_validated(plan, options)
    finally:
        if live is not None:
            live.stop()
    _print_run(record, out)
    return 0 if record.status in ("succeeded", "triggered") else 1


def _print_run(record: RunRecord, out: OutputFormat) -> None:
    if out is OutputFormat.json:
        from mason_core.response import Response

        response = Response()
        for step in record.steps:
            if step.status == "failed":
                response.add_error(f"{step.id}: {step.error}")
        response.add_info(f"run {record.run_id} of {record.workflow}: {record.status}")
        response.add_data(record.to_json())
        echo_json(response.envelope())
        return
    emit_table([step_row(s) for s in record.steps], STEP_COLUMNS, f"Run {record.run_id}", out)
    summary = ", ".join(f"{n} {status}" for status, n in sorted(record.counts().items()))
    typer.echo(f"run {record.run_id} of {record.workflow}: {record.status} ({summary})")
    if record.status == "failed":
        typer.echo(
            f"resume with: mason wf {record.namespace} {record.command} -f PARAMS "
            f"--resume {record.run_id}"
        )


def _runs(workflow: str | None, out: OutputFormat) -> None:
    """Recorded runs, newest first; ``workflow`` keeps those whose name starts with it."""
    from mason_core.workflows.api import list_runs

    runs = [r for r in list_runs() if workflow is None or r.workflow.startswith(workflow)]
    if not runs:
        if out is OutputFormat.json:
            echo_json([])
        else:
            typer.echo("No workflow runs recorded.")
        return
    emit_table([run_row(r) for r in runs], RUN_COLUMNS, "Workflow runs", out)


def _status(run_id: str, out: OutputFormat) -> int:
    from mason_core.workflows.api import get_run

    record = get_run(run_id)
    _print_run(record, out)
    return 0 if record.status in ("succeeded", "running", "triggered") else 1


def wf(
    namespace: str | None = typer.Argument(
        None, help="Workflow namespace, or 'runs' / 'status' to read run records."
    ),
    command: str | None = typer.Argument(None, help="Workflow command (or the RUN_ID of status)."),
    param_file: Path | None = typer.Option(
        None, "-f", "--file", help="YAML parameters: step id -> config_id and parameters."
    ),
    deploy: bool = typer.Option(False, "-d", "--deploy", help="Register with the scheduler."),
    run: bool = typer.Option(False, "-r", "--run", help="Run now on the configured scheduler."),
    schedule: str | None = typer.Option(
        None,
        "--schedule",
        help=(
            "Cron schedule for --deploy (5 fields, e.g. '0 2 * * *'; the glue scheduler also "
            "takes its own 6-field form '0 12 * * ? *'). A parameters file may give it as a "
            "top-level schedule: key instead."
        ),
    ),
    resume: str | None = typer.Option(
        None, "--resume", help="Rerun only the failed and skipped steps of this run id."
    ),
    parallel: int | None = typer.Option(
        None, "--parallel", min=1, help="Steps running at once (default 4)."
    ),
    config_id: str | None = typer.Option(
        None, "-c", "--config", help="Configuration id (default: the current one)."
    ),
    output: OutputFormat | None = typer.Option(
        None, "--output", "-o", help="json or table (default: table on a terminal)."
    ),
    unknown_params: UnknownParams = unknown_params_option(),
) -> None:
    """List workflows, or validate (dry run), deploy (-d) or run (-r) one."""
    out = resolve_output(output)
    code = 0
    with cli_errors():
        if namespace == "runs":
            _runs(command, out)
            return
        if namespace == "status":
            if command is None:
                raise fail("usage: mason wf status RUN_ID")
            code = _status(command, out)
        elif namespace is None or command is None:
            _list(namespace, out)
            return
        else:
            from mason_core.workflows.api import validate_workflow

            plan = validate_workflow(
                namespace,
                command,
                param_file,
                config_id=config_id,
                schedule=schedule,
                unknown_parameters=unknown_params.mode,
            )
            for warning in plan.warnings:
                typer.echo(f"warning: {warning}", err=True)
            if not (deploy or run or resume):
                _dry_run(plan, out)
                return
            if deploy:
                _deployed(plan, out)
            if run or resume:
                code = _ran(plan, out, parallel, resume)
    if code:
        raise typer.Exit(code)


# -- mason scheduler ---------------------------------------------------------------------


def scheduler_command(
    once: bool = typer.Option(False, "--once", help="Fire what is due now, then exit."),
    config_id: str | None = typer.Option(
        None, "-c", "--config", help="Configuration whose scheduler to drive."
    ),
) -> None:
    """Run deployed workflows when their cron schedule is due (foreground; Ctrl-C stops)."""
    from mason_core.workflows.loop import SchedulerLoop

    def report(event: Fired) -> None:
        stamp = datetime.now().isoformat(timespec="seconds")
        if event.error is not None:
            typer.echo(
                one_line(f"{stamp} {event.dag_name}: could not run: {event.error}"), err=True
            )
            return
        record = event.record or {}
        typer.echo(f"{stamp} {event.dag_name}: run {record.get('run_id')} {record.get('status')}")

    with cli_errors():
        loop = SchedulerLoop(current_session(), config_id=config_id, on_fired=report)
        if not once:
            typer.echo("mason scheduler: firing deployed workflows when due (Ctrl-C to stop)")
        try:
            loop.run(once=once)
        except KeyboardInterrupt:
            typer.echo("mason scheduler: stopped")


def register(main_app: typer.Typer) -> None:
    """Mount ``wf`` (with the hidden alias ``workflow``) and ``scheduler``."""
    main_app.command("wf")(wf)
    main_app.command("workflow", hidden=True)(wf)
    main_app.command("scheduler")(scheduler_command)


app.command("wf")(wf)
