"""A workflow's parameters file: each step id -> ``config_id`` and ``parameters``.

    step_1:
      config_id: 1
      parameters:
        database_name: sales
        storage_path: data/sales/

A top-level ``schedule:`` (the original Mason's form, a cron expression) is
the workflow's schedule, as ``--schedule`` gives it.

Shape problems are returned, not raised, so validation reports them together
with every other problem of the workflow.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mason_core.definitions import read_yaml
from mason_core.errors import DefinitionError, ParameterError
from mason_core.messages import some_of

_KEYS = {"config_id", "parameters"}


@dataclass(frozen=True)
class StepInput:
    config_id: str | None = None
    parameters: dict[str, Any] = field(default_factory=dict)


def read_inputs_file(path: Path) -> Any:
    """The raw content of a parameters file (an empty file is no parameters)."""
    try:
        return read_yaml(Path(path).expanduser()) or {}
    except DefinitionError as exc:
        raise ParameterError([str(exc)]) from None


def split_schedule(raw: Any) -> tuple[Any, str | None]:
    """The parameters without a top-level ``schedule: "<cron>"``, and that
    schedule. A ``schedule`` key holding a mapping is a step of that id."""
    if isinstance(raw, Mapping) and isinstance(raw.get("schedule"), str):
        rest = {k: v for k, v in raw.items() if k != "schedule"}
        return rest, str(raw["schedule"])
    return raw, None


def parse_inputs(raw: Any) -> tuple[dict[str, StepInput], list[str]]:
    """Step inputs by step id, and the problems found (each naming its step)."""
    if raw is None:
        return {}, []
    if not isinstance(raw, Mapping):
        return {}, ["parameters: expected a mapping of step id to config_id and parameters"]
    out: dict[str, StepInput] = {}
    problems: list[str] = []
    for key, entry in raw.items():
        step = str(key)
        if entry is None:
            out[step] = StepInput()
            continue
        if not isinstance(entry, Mapping):
            problems.append(f"{step}: expected a mapping with config_id and parameters")
            continue
        extra = sorted(str(k) for k in entry if k not in _KEYS)
        if extra:
            problems.append(
                f"{step}: unknown key{'s' if len(extra) > 1 else ''} {some_of(extra)} "
                "(a step takes config_id and parameters)"
            )
        params = entry.get("parameters") or {}
        if not isinstance(params, Mapping):
            problems.append(f"{step}: parameters must be a mapping of names to values")
            params = {}
        config_id = entry.get("config_id")
        out[step] = StepInput(
            config_id=None if config_id is None else str(config_id),
            parameters={str(k): v for k, v in params.items()},
        )
    return out, problems
