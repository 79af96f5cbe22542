"""``workflow.yaml``: a DAG of operator steps, read without importing code."""

from __future__ import annotations

import builtins
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from mason_core.definitions import (
    camel_name,
    find_definition_files,
    import_module_at,
    parse_definition,
)
from mason_core.errors import PluginLoadError


class StepSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    id: str
    type: Literal["operator"] = "operator"
    namespace: str
    command: str
    dependencies: list[str] = Field(default_factory=list)
    retry_method: str | None = None
    retry_max: int = 0

    @model_validator(mode="before")
    @classmethod
    def _original_retry(cls, data: Any) -> Any:
        if isinstance(data, dict) and "retry" in data:
            raise ValueError(
                f"'retry: {data['retry']}' is the original Mason's spelling; write "
                "retry_method: exponential(SECONDS) or fixed(SECONDS) (the wait between "
                "attempts) and retry_max: N (retries after the first attempt)"
            )
        return data

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not value or not all(ch.isalnum() or ch in "_-" for ch in value):
            raise ValueError(f"step id '{value}' must be letters, digits, '_' or '-'")
        return value


class WorkflowSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    type: Literal["workflow"] = "workflow"
    namespace: str
    command: str
    name: str | None = None
    description: str = ""
    dag: list[StepSpec] = Field(default_factory=list)
    supported_schedulers: list[str] = Field(default_factory=list)
    #: ``module:Class`` of the WorkflowDefinition, overriding the folder convention.
    implementation: str | None = Field(default=None, alias="class")
    source_dir: Path | None = None
    plugin: str = ""

    @property
    def dag_name(self) -> str:
        return self.name or f"{self.namespace}_{self.command}"

    @property
    def full_name(self) -> str:
        return f"{self.namespace} {self.command}"

    def load_definition(self) -> builtins.type[Any] | None:
        """The class deciding how a run proceeds, or ``None`` when there is none.

        An explicit ``class:`` must exist. Otherwise the folder's ``__init__.py``
        may define the CamelCase class (``table validated_infer`` ->
        ``TableValidatedInfer``), as in the original Mason.
        """
        from mason_core.imports import import_object

        if self.implementation:
            found: builtins.type[Any] = import_object(self.implementation)
            return found
        if self.source_dir is None or not (self.source_dir / "__init__.py").is_file():
            return None
        unique = f"mason_workflow_{self.namespace}_{self.command}".replace("-", "_")
        try:
            module = import_module_at(self.source_dir, unique)
        except (PluginLoadError, ImportError):
            from mason_core.original import refuse_original_code

            refuse_original_code(self.source_dir, "workflow", self.namespace, self.command)
            raise
        cls: builtins.type[Any] | None = getattr(
            module, camel_name(self.namespace, self.command), None
        )
        return cls


def parse_workflow(path: Path, plugin: str, data: Any = None) -> WorkflowSpec:
    return parse_definition(path, "workflow", WorkflowSpec, plugin, data)


def load_workflow_specs(root: Path, plugin: str) -> list[WorkflowSpec]:
    return [parse_workflow(p, plugin) for p in find_definition_files(root, "workflow.yaml")]
