"""The DAG file Mason writes for a workflow: one ``MasonOperator`` task per step.

The file holds what a task needs to run its step where Airflow runs it: the
operator, its configuration id and parameters (``${steps.ID.path}`` references
and ``{{VAR}}`` secrets unresolved; both are resolved in the task), retries and
the schedule. It never holds a secret value: configurations stay in MASON_HOME
and are read by the task, secret parameters must be ``{{VAR}}`` references, and
a file that would contain a known secret is refused.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime, timezone
from typing import Any

from mason.sdk.errors import MasonUsageError
from mason.sdk.models import Dag, DagStep
from mason.sdk.secrets import scrub, variables_in

_RETRY = re.compile(r"^\s*(fixed|exponential)\(\s*(\d+(?:\.\d+)?)\s*\)\s*$")
#: Airflow waits at most this long between attempts, as Mason's own runner does.
MAX_RETRY_SECONDS = 3600
REVISION_TAG = "mason:rev:"


def revision(text: str) -> str:
    """A short digest of the file's content, carried as a DAG tag so a deploy can
    tell when Airflow has parsed this very version."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def check_secrets(dag: Dag, secret_parameters: dict[str, set[str]]) -> None:
    """Secret parameters must reach the DAG file as ``{{VAR}}`` references."""
    problems = []
    for step in dag.steps:
        for name in sorted(secret_parameters.get(step.id, set())):
            value = step.parameters.get(name)
            if value is None:
                continue
            if not (isinstance(value, str) and variables_in(value)):
                problems.append(
                    f"{step.id}: secret parameter '{name}' must be given as a {{{{VAR}}}} "
                    "reference, resolved where the task runs, not written into the DAG file"
                )
    if problems:
        raise MasonUsageError(f"workflow '{dag.name}': " + "; ".join(problems))


def _retry_args(step: DagStep) -> list[str]:
    if step.retry_max <= 0:
        return ["retries=0"]
    args = [f"retries={step.retry_max}"]
    match = _RETRY.match(step.retry_method or "")
    if match is None:  # no retry_method: retry at once
        args.append("retry_delay=datetime.timedelta(seconds=0)")
        return args
    kind, seconds = match.group(1), float(match.group(2))
    args.append(f"retry_delay=datetime.timedelta(seconds={seconds:g})")
    if kind == "exponential":
        args.append("retry_exponential_backoff=2.0")
        args.append(f"max_retry_delay=datetime.timedelta(seconds={MAX_RETRY_SECONDS})")
    return args


def _literal(value: Any) -> str:
    """A Python literal for a JSON-like value (what parameters files hold)."""
    if isinstance(value, datetime):
        return repr(value.isoformat())
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_literal(str(k))}: {_literal(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_literal(v) for v in value) + "]"
    if value is None or isinstance(value, (bool, int, float, str)):
        return repr(value)
    return repr(str(value))


_START = re.compile(
    r"start_date=datetime\.datetime\((\d+), (\d+), (\d+), (\d+), (\d+), "
    r"tzinfo=datetime\.timezone\.utc\)"
)


def start_of(previous: str | None) -> datetime | None:
    """The start date a DAG file already has, so a re-deploy keeps it: an unchanged
    workflow then writes the very same file, and Airflow sees no new version."""
    match = _START.search(previous or "")
    if match is None:
        return None
    year, month, day, hour, minute = (int(g) for g in match.groups())
    return datetime(year, month, day, hour, minute, tzinfo=timezone.utc)


def render(
    dag: Dag,
    *,
    workflow: tuple[str, str],
    mason_home: str | None,
    start: datetime | None = None,
) -> str:
    """The DAG file's text (without its revision tag: see :func:`with_revision`);
    ``start`` defaults to now, to the minute."""
    start = (start or datetime.now(timezone.utc)).replace(second=0, microsecond=0)
    schedule = dag.schedule.expression if dag.schedule and dag.schedule.expression else None
    namespace, command = workflow
    lines = [
        f'"""Workflow \'{namespace} {command}\' deployed by Mason (mason-airflow).',
        "",
        "Generated: deploying the workflow again replaces this file. Each task runs one",
        "step's operator through Mason with the configuration id and parameters below;",
        "${steps.ID.path} references are read from upstream tasks' XCom and {{VAR}}",
        'references from the environment where the task runs."""',
        "",
        "from __future__ import annotations",
        "",
        "import datetime",
        "",
        "from airflow.sdk import DAG",
        "",
        "from mason_airflow import MasonOperator",
        "",
        f"WORKFLOW = ({namespace!r}, {command!r})",
        f"MASON_HOME = {mason_home!r}",
        "",
        "with DAG(",
        f"    dag_id={dag.name!r},",
        f"    description={f'Mason workflow {namespace} {command}'!r},",
        f"    schedule={schedule!r},",
        "    start_date=datetime.datetime("
        f"{start.year}, {start.month}, {start.day}, {start.hour}, {start.minute}, "
        "tzinfo=datetime.timezone.utc),",
        "    catchup=False,",
        f"    tags=['mason', {f'mason:{namespace}.{command}'!r}, __REVISION__],",
        ") as dag:",
        "    tasks = {}",
    ]
    for step in dag.steps:
        args = [
            f"task_id={step.id!r}",
            f"namespace={step.namespace!r}",
            f"command={step.command!r}",
            f"config_id={step.config_id!r}",
            f"parameters={_literal(step.parameters)}",
            "workflow=WORKFLOW",
            "mason_home=MASON_HOME",
            *_retry_args(step),
        ]
        lines.append(f"    tasks[{step.id!r}] = MasonOperator(")
        lines.extend(f"        {a}," for a in args)
        lines.append("    )")
    for step in dag.steps:
        for dep in step.dependencies:
            lines.append(f"    tasks[{dep!r}] >> tasks[{step.id!r}]")
    text = "\n".join(lines) + "\n"
    if scrub(text) != text:
        raise MasonUsageError(
            f"workflow '{dag.name}': its DAG file would hold a secret value; give secrets "
            "as {{VAR}} references"
        )
    return text


def with_revision(text: str) -> tuple[str, str]:
    """The final file text with its revision tag, and that revision."""
    rev = revision(text)
    return text.replace("__REVISION__", repr(REVISION_TAG + rev)), rev
