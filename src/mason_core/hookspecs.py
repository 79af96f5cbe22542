"""The plugin contract: four registration hooks in the ``register(...)`` style.

A plugin module (named by a ``[project.entry-points.mason]`` entry) implements
any of these with :data:`hookimpl`. Each hook receives a ``register`` callable;
registration is metadata only and must not import heavy libraries.

    import mason

    @mason.hookimpl
    def mason_register_clients(register):
        register("acme", config_model=AcmeConfig,
                 engines={"storage": "my_plugin.storage:AcmeStorage"})
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from mason_core.registry import (
        RegisterClient,
        RegisterEngine,
        RegisterOperators,
        RegisterWorkflows,
    )

PROJECT_NAME = "mason"
ENTRY_POINT_GROUP = "mason"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)


@hookspec
def mason_register_clients(register: RegisterClient) -> None:
    """Register clients: a name, a pydantic configuration model and, per engine
    served, the ``module:Class`` path of the implementation."""


@hookspec
def mason_register_engines(register: RegisterEngine) -> None:
    """Register engine types beyond metastore, storage, execution and scheduler."""


@hookspec
def mason_register_operators(register: RegisterOperators) -> None:
    """Register operators: a folder scanned for ``operator.yaml`` files."""


@hookspec
def mason_register_workflows(register: RegisterWorkflows) -> None:
    """Register workflows: a folder scanned for ``workflow.yaml`` files."""
