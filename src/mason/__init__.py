"""Mason's public API.

    import mason
    resp = mason.run("table", "get", database_name="sales", table_name="orders")
    resp.data[0].table_schema.columns

Plugins use :data:`hookimpl`, the engine interfaces, the canonical models and
:class:`OperatorDefinition` from here; everything else lives in ``mason_core``
and may change.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mason_core.__about__ import __version__
from mason_core.errors import (
    ConfigurationError,
    MasonError,
    MasonRuntimeError,
    MasonUsageError,
    NotFoundError,
    ParameterError,
    UnknownOperatorError,
    UnsupportedConfigurationError,
    VerbNotServedError,
)
from mason_core.lazy import lazy_exports

if TYPE_CHECKING:
    from mason import models
    from mason_core.config.model import ValidConfig
    from mason_core.engines import (
        Engine,
        EngineContext,
        ExecutionEngine,
        MetastoreEngine,
        SchedulerEngine,
        StorageEngine,
    )
    from mason_core.hookspecs import hookimpl
    from mason_core.operators.context import OperatorContext
    from mason_core.operators.definition import OperatorDefinition
    from mason_core.operators.spec import OperatorSpec
    from mason_core.registry import (
        PluginInfo,
        RegisterClient,
        RegisterEngine,
        RegisterOperators,
        RegisterWorkflows,
    )
    from mason_core.response import Response
    from mason_core.runtime import Session
    from mason_core.workflows import (
        RunRecord,
        WorkflowDefinition,
        WorkflowPlan,
        WorkflowValidationError,
        deploy_workflow,
        get_run,
        list_runs,
        run_workflow,
        validate_workflow,
    )
    from mason_core.workflows.spec import WorkflowSpec

#: names loaded on first use, so ``import mason`` in a plugin module (for
#: ``hookimpl``) does not build every model, engine and workflow class, and
#: an engine module reached through ``mason.sdk`` on a run does not import pluggy.
_LAZY: dict[str, str] = {
    "hookimpl": "mason_core.hookspecs",
    "models": "mason.models",
    "ValidConfig": "mason_core.config.model",
    "Engine": "mason_core.engines",
    "EngineContext": "mason_core.engines",
    "ExecutionEngine": "mason_core.engines",
    "MetastoreEngine": "mason_core.engines",
    "SchedulerEngine": "mason_core.engines",
    "StorageEngine": "mason_core.engines",
    "OperatorContext": "mason_core.operators.context",
    "OperatorDefinition": "mason_core.operators.definition",
    "OperatorSpec": "mason_core.operators.spec",
    "PluginInfo": "mason_core.registry",
    "RegisterClient": "mason_core.registry",
    "RegisterEngine": "mason_core.registry",
    "RegisterOperators": "mason_core.registry",
    "RegisterWorkflows": "mason_core.registry",
    "Response": "mason_core.response",
    "Session": "mason_core.runtime",
    "RunRecord": "mason_core.workflows",
    "WorkflowDefinition": "mason_core.workflows",
    "WorkflowPlan": "mason_core.workflows",
    "WorkflowValidationError": "mason_core.workflows",
    "deploy_workflow": "mason_core.workflows",
    "get_run": "mason_core.workflows",
    "list_runs": "mason_core.workflows",
    "run_workflow": "mason_core.workflows",
    "validate_workflow": "mason_core.workflows",
    "WorkflowSpec": "mason_core.workflows.spec",
}


__getattr__, __dir__ = lazy_exports(__name__, globals(), _LAZY)


def _session() -> Session:
    from mason_core.runtime import default_session

    return default_session()


__all__ = [
    "ConfigurationError",
    "Engine",
    "EngineContext",
    "ExecutionEngine",
    "MasonError",
    "MasonRuntimeError",
    "MasonUsageError",
    "MetastoreEngine",
    "NotFoundError",
    "OperatorContext",
    "OperatorDefinition",
    "OperatorSpec",
    "ParameterError",
    "PluginInfo",
    "RegisterClient",
    "RegisterEngine",
    "RegisterOperators",
    "RegisterWorkflows",
    "Response",
    "RunRecord",
    "SchedulerEngine",
    "Session",
    "StorageEngine",
    "UnknownOperatorError",
    "UnsupportedConfigurationError",
    "ValidConfig",
    "VerbNotServedError",
    "WorkflowDefinition",
    "WorkflowPlan",
    "WorkflowSpec",
    "WorkflowValidationError",
    "__version__",
    "configs",
    "current_config",
    "deploy_workflow",
    "get_run",
    "hookimpl",
    "list_runs",
    "models",
    "operators",
    "operators_session",
    "plugins",
    "register",
    "run",
    "run_workflow",
    "set_config",
    "validate",
    "validate_workflow",
    "workflows",
]


def run(
    namespace: str, command: str, *, config_id: str | None = None, **parameters: Any
) -> Response:
    """Run an operator. Bad input raises :class:`MasonUsageError`; an operator
    that ran and failed returns a response with ``errors`` and ``ok == False``."""
    return _session().run(namespace, command, parameters, config_id)


def validate(
    namespace: str, command: str, *, config_id: str | None = None, **parameters: Any
) -> Response:
    """Check parameters and configuration support without running anything."""
    return _session().validate(namespace, command, parameters, config_id)


def operators(namespace: str | None = None) -> list[OperatorSpec]:
    return _session().registry.operator_specs(namespace)


def operators_session(
    operators: Iterable[tuple[str, str]],
    home: str | Path | None = None,
    workflows: Iterable[tuple[str, str]] = (),
) -> Session:
    """A :class:`Session` for calling only ``operators`` (``(namespace, command)``
    pairs), as a plain ``mason op`` run uses: its registry is rebuilt from the
    registry index with just those operators and ``workflows`` (validated from
    their definitions) and every engine and client, importing no plugin module
    and reading no other definition. When the index cannot answer (stale, a
    name unknown, plugins in conflict) it is the whole registry, which says
    what is wrong. ``home``: a MASON_HOME path (default: the environment's).
    For a process that runs a few known operators (a scheduler's task); its
    ``validate`` and ``run`` check and run as :func:`validate` and :func:`run`
    do."""
    from mason_core.index import operators_session as session_of

    return session_of(operators, home, workflows)


def workflows(namespace: str | None = None) -> list[WorkflowSpec]:
    return _session().registry.workflow_specs(namespace)


def configs() -> list[ValidConfig]:
    return _session().configs.all()


def current_config() -> ValidConfig:
    return _session().configs.get()


def set_config(config_id: str) -> ValidConfig:
    return _session().configs.set_current(config_id)


def plugins() -> list[PluginInfo]:
    """Installed plugins: entry-point ``name``, ``distribution`` and ``version``,
    ``status`` (ok, FAILED, CONFLICT naming both distributions, or not loaded
    under MASON_LOAD_PLUGINS) and what each registered; ``row()`` gives one as
    ``mason plugins`` prints it."""
    return list(_session().registry.plugins)


def register(path: str | Path) -> list[str]:
    """Register folder operators/workflows (``mason register``); returns their names."""
    from mason_core.register import register_path

    session = _session()
    done = register_path(session.home, Path(path))
    session.reload()
    return [f"{r.kind} {r.namespace} {r.command}" for r in done]
