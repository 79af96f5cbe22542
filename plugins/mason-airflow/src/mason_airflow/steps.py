"""What a Mason task does inside Airflow, apart from Airflow itself.

Kept free of Airflow imports so it reads (and type-checks) on its own:
:class:`~mason_airflow.operator.MasonOperator` hands it the task's XCom through
two callables. XCom keys:

- ``return_value``: the step's response envelope (``Errors``, ``Info``,
  ``Warnings``, ``Data``), which downstream ``${steps.ID.path}`` references read;
- ``mason_error``: why the step failed or was skipped, one line;
- ``mason_next``: the workflow definition's decisions, ``{child_task_id: reason}``
  for each downstream step it skips.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import mason
from mason.sdk.errors import MasonError, MasonUsageError
from mason.sdk.secrets import environment, interpolate, scrub, variables_in
from mason.sdk.workflows import find_references, resolve_references

ENVELOPE_KEY = "return_value"
ERROR_KEY = "mason_error"
NEXT_KEY = "mason_next"


class StepFailed(Exception):
    """The step failed; ``retry`` says whether another attempt may help (the
    operator ran and failed) or not (bad input, a definition's verdict)."""

    def __init__(self, message: str, retry: bool) -> None:
        super().__init__(message)
        self.message = message
        self.retry = retry


class StepSkipped(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Downstream:
    """A step after this one, as the workflow definition is asked about it."""

    task_id: str
    namespace: str
    command: str
    config_id: str | None
    parameters: dict[str, Any]


_sessions: dict[tuple[str, tuple[str, str], tuple[str, str] | None], mason.Session] = {}


def session(
    mason_home: str | None, operator: tuple[str, str], workflow: tuple[str, str] | None = None
) -> mason.Session:
    """The Mason session of ``mason_home`` (default: this process's MASON_HOME)
    for a step running ``operator`` (``(namespace, command)``) of ``workflow``,
    one per process and step kind: a DAG file's tasks share it when Airflow
    parses the file, and a task's ``execute`` reuses its own. Its registry is
    rebuilt from the registry index with just that operator and workflow
    (:func:`mason.operators_session`), so a task imports no plugin and reads no
    other definition; the whole registry when the index cannot answer."""
    key = (mason_home or "", operator, workflow)
    if key not in _sessions:
        home = Path(mason_home).expanduser() if mason_home else None
        workflows = [workflow] if workflow else []
        _sessions[key] = mason.operators_session([operator], home, workflows)
    return _sessions[key]


def held_back(parameters: Mapping[str, Any]) -> set[str]:
    """Parameters resolved only when the task runs: step references and ``{{VAR}}``."""
    out = set()
    for name, value in parameters.items():
        refs, malformed = find_references(value)
        if refs or malformed or _has_vars(value):
            out.add(name)
    return out


def _has_vars(value: Any) -> bool:
    if isinstance(value, Mapping):
        return any(_has_vars(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(_has_vars(v) for v in value)
    return isinstance(value, str) and bool(variables_in(value))


def validate(
    namespace: str,
    command: str,
    config_id: str | None,
    parameters: Mapping[str, Any],
    mason_home: str | None,
    workflow: tuple[str, str] | None = None,
) -> None:
    """Parse-time check: raises :class:`MasonUsageError` (an Airflow DAG import
    error) for an unknown operator, configuration or a bad parameter. Steps whose
    parameters are resolved at run time were checked with their whole workflow
    when it was deployed."""
    if held_back(parameters):
        return
    here = session(mason_home, (namespace, command), workflow)
    here.validate(namespace, command, dict(parameters), config_id)


def run_step(
    *,
    task_id: str,
    namespace: str,
    command: str,
    config_id: str | None,
    parameters: Mapping[str, Any],
    mason_home: str | None,
    workflow: tuple[str, str] | None,
    upstream: list[str],
    downstream: list[Downstream],
    attempt: int,
    pull: Callable[[str, str], Any],
    push: Callable[[str, Any], None],
) -> dict[str, Any]:
    """Run the step; returns its envelope (Airflow keeps it as the XCom return value).

    ``pull(task_id, key)`` and ``push(key, value)`` are the task's XCom.
    """
    with _errors_pushed(push):
        for parent in upstream:
            decisions = pull(parent, NEXT_KEY)
            if isinstance(decisions, Mapping) and task_id in decisions:
                raise StepSkipped(str(decisions[task_id]))
        here = session(mason_home, (namespace, command), workflow)
        try:
            outputs = {}
            for value in parameters.values():
                refs, _ = find_references(value)
                for ref in refs:
                    if ref.step not in outputs:
                        outputs[ref.step] = envelope_of(pull(ref.step, ENVELOPE_KEY))
            resolved = resolve_references(dict(parameters), outputs)
            resolved = interpolate(resolved, environment(here.home.path), "parameters")
            response = here.run(namespace, command, resolved, config_id)
        except MasonError as exc:  # a reference, {{VAR}} or parameter that does not fit
            raise StepFailed(scrub(exc.message), retry=False) from None
        envelope: dict[str, Any] = json.loads(scrub(json.dumps(response.envelope(), default=str)))
        if not response.ok:
            message = "; ".join(envelope.get("Errors") or []) or f"exit code {response.exit_code}"
            raise StepFailed(message, retry=response.exit_code == 1)
        if workflow is not None and downstream:
            push(
                NEXT_KEY,
                _decide(
                    here,
                    workflow,
                    task_id,
                    namespace,
                    command,
                    response,
                    envelope,
                    downstream,
                    attempt,
                ),
            )
        return envelope


@contextlib.contextmanager
def _errors_pushed(push: Callable[[str, Any], None]) -> Iterator[None]:
    """A skipped or failed step leaves its reason in XCom for Mason to read."""
    try:
        yield
    except StepSkipped as skip:
        push(ERROR_KEY, scrub(skip.reason))
        raise
    except StepFailed as failed:
        push(ERROR_KEY, scrub(failed.message))
        raise


def _decide(
    here: mason.Session,
    workflow: tuple[str, str],
    task_id: str,
    namespace: str,
    command: str,
    response: mason.Response,
    envelope: dict[str, Any],
    downstream: list[Downstream],
    attempt: int,
) -> dict[str, str]:
    """Ask the workflow's definition class about each downstream step."""
    from mason.sdk.workflows import ExecutedStep, FailedStep, PlannedStep, SkippedStep

    try:
        definition_class = here.registry.workflow(*workflow).load_definition()
    except MasonError as exc:
        raise StepFailed(f"workflow definition: {exc.message}", retry=False) from None
    if definition_class is None:
        return {}
    definition = definition_class()
    current = ExecutedStep(task_id, namespace, command, response, envelope, attempt)
    skips: dict[str, str] = {}
    for child in downstream:
        planned = PlannedStep(
            child.task_id,
            child.namespace,
            child.command,
            child.config_id or "",
            dict(child.parameters),
        )
        try:
            decision = definition.step(current, planned)
        except Exception as exc:  # the user's definition must not crash the task
            raise StepFailed(
                f"workflow definition failed: {type(exc).__name__}: {exc}", retry=False
            ) from None
        if isinstance(decision, FailedStep):
            raise StepFailed(decision.reason, retry=False)
        if isinstance(decision, SkippedStep):
            skips[child.task_id] = decision.reason or "skipped by the workflow definition"
    return skips


def envelope_of(value: Any) -> dict[str, Any]:
    """An XCom value holding an envelope, however it was stored (a dict, or JSON text)."""
    for _ in range(2):
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                break
    if isinstance(value, dict):
        return value
    raise MasonUsageError("the upstream step left no response envelope in XCom")
