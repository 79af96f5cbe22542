"""Refusing paths outside the root before anything runs.

The check asks the configuration's own storage engine to resolve each path
parameter, so "outside the root" means what the client means by it (the
session has already set the client's root). A bad path is a 400 before the
operator starts, rather than a failure halfway through it.
"""

from __future__ import annotations

from typing import Any

from mason_core.engines import StorageEngine
from mason_core.errors import MasonUsageError, ParameterError, VerbNotServedError
from mason_core.operators.context import EngineSet
from mason_core.operators.spec import OperatorSpec
from mason_core.runtime import PreparedRun, Session


def path_values(spec: OperatorSpec, params: dict[str, Any]) -> dict[str, str]:
    """Parameters that name a path: typed ``path``, or named ``*_path``."""
    out: dict[str, str] = {}
    for parameter in spec.parameters:
        value = params.get(parameter.name)
        is_path = parameter.type == "path" or parameter.name.endswith("_path")
        if is_path and isinstance(value, str) and value.strip():
            out[parameter.name] = value
    return out


def check_paths(session: Session, prepared: PreparedRun) -> None:
    """Raise :class:`ParameterError` naming every path the storage engine refuses."""
    values = path_values(prepared.spec, prepared.params)
    if not values:
        return
    chosen = prepared.chosen.get("storage") or prepared.config.client_for("storage")
    if chosen is None:
        return  # no storage client: the executing clients confine their own paths
    engines = EngineSet(session.registry, prepared.config, session.home, prepared.chosen)
    problems: list[str] = []
    try:
        storage = engines.typed("storage", StorageEngine)
        for name, value in values.items():
            try:
                storage.resolve_path(value)
            except VerbNotServedError:
                return
            except MasonUsageError as exc:
                problems.append(f"parameter '{name}': {exc.message}")
            except (ValueError, OSError):
                problems.append(f"parameter '{name}': '{value}' is not a valid path")
    finally:
        engines.close()
    if problems:
        raise ParameterError([f"operator '{prepared.spec.name}': {p}" for p in problems])
