"""Mason's public API.

    import mason
    resp = mason.run("table", "get", database_name="sales", table_name="orders")
    resp.data[0].table_schema.columns

Plugins use :data:`hookimpl`, the engine interfaces, the canonical models and
:class:`OperatorDefinition` from here; everything else lives in ``mason_core``
and may change.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mason import models
from mason_core.__about__ import __version__
from mason_core.config.model import ValidConfig
from mason_core.engines import (
    Engine,
    EngineContext,
    ExecutionEngine,
    MetastoreEngine,
    SchedulerEngine,
    StorageEngine,
)
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
from mason_core.hookspecs import hookimpl
from mason_core.operators import OperatorContext, OperatorDefinition, OperatorSpec
from mason_core.registry import (
    PluginInfo,
    RegisterClient,
    RegisterEngine,
    RegisterOperators,
    RegisterWorkflows,
)
from mason_core.response import Response
from mason_core.runtime import Session, default_session
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
    return default_session().run(namespace, command, parameters, config_id)


def validate(
    namespace: str, command: str, *, config_id: str | None = None, **parameters: Any
) -> Response:
    """Check parameters and configuration support without running anything."""
    return default_session().validate(namespace, command, parameters, config_id)


def operators(namespace: str | None = None) -> list[OperatorSpec]:
    return default_session().registry.operator_specs(namespace)


def workflows(namespace: str | None = None) -> list[WorkflowSpec]:
    return default_session().registry.workflow_specs(namespace)


def configs() -> list[ValidConfig]:
    return default_session().configs.all()


def current_config() -> ValidConfig:
    return default_session().configs.get()


def set_config(config_id: str) -> ValidConfig:
    return default_session().configs.set_current(config_id)


def plugins() -> list[PluginInfo]:
    return list(default_session().registry.plugins)


def register(path: str | Path) -> list[str]:
    """Register folder operators/workflows (``mason register``); returns their names."""
    from mason_core.register import register_path

    session = default_session()
    done = register_path(session.home, Path(path))
    session.reload()
    return [f"{r.kind} {r.namespace} {r.command}" for r in done]
