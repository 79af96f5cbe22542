"""``operator.yaml``: an operator's metadata, read without importing its code."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from mason_core.definitions import (
    camel_name,
    import_module_at,
    parse_definition,
)
from mason_core.errors import PluginLoadError

#: ``snapshot``: what a table format's ``as_of`` names, a snapshot id or Delta
#: version (digits) or an ISO timestamp (:mod:`mason_core.asof`); kept as text.
ParameterType = Literal[
    "string", "integer", "number", "boolean", "list", "path", "mapping", "snapshot"
]

#: bounds of an integer parameter that declares none: what a 64-bit signed integer
#: holds, so every engine (DuckDB, Arrow, Spark, SQLite) can take the value.
INTEGER_FLOOR = -(2**63)
INTEGER_CEILING = 2**63 - 1


# built on first use (``defer_build``), like every model a run may not touch:
# a run validates its operator after the registry index has been read
class ParameterSpec(BaseModel):
    """One parameter. The original Mason had names only; a type, default and
    description are optional extensions that drive validation, CLI help and
    the server's OpenAPI."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    name: str
    type: ParameterType = "string"
    required: bool = False
    default: Any = None
    description: str = ""
    #: allowed values, when the parameter is a choice.
    choices: list[Any] | None = None
    secret: bool = False
    #: inclusive bounds of an ``integer`` or ``number`` parameter; an integer with
    #: none declared is held to a 64-bit signed range.
    minimum: int | float | None = None
    maximum: int | float | None = None

    @model_validator(mode="after")
    def _bounds(self) -> ParameterSpec:
        if self.minimum is None and self.maximum is None:
            return self
        if self.type not in ("integer", "number"):
            raise ValueError(
                f"parameter '{self.name}': minimum/maximum need type integer or number"
            )
        if self.minimum is not None and self.maximum is not None and self.minimum > self.maximum:
            raise ValueError(f"parameter '{self.name}': minimum is above maximum")
        return self

    def bounds(self) -> tuple[int | float | None, int | float | None]:
        """The inclusive (low, high) range a value must fall in; None is unbounded."""
        if self.type == "integer":
            low = INTEGER_FLOOR if self.minimum is None else self.minimum
            high = INTEGER_CEILING if self.maximum is None else self.maximum
            return low, high
        return self.minimum, self.maximum


class _ParameterLists(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    required: list[str | dict[str, Any]] = Field(default_factory=list)
    optional: list[str | dict[str, Any]] = Field(default_factory=list)

    def specs(self) -> list[ParameterSpec]:
        out: list[ParameterSpec] = []
        for required, items in ((True, self.required), (False, self.optional)):
            for item in items:
                fields: dict[str, Any] = {"name": item} if isinstance(item, str) else dict(item)
                fields["required"] = required
                out.append(ParameterSpec.model_validate(fields))
        return out


class OperatorSpec(BaseModel):
    """An operator as registered: its YAML plus where it came from."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    type: Literal["operator"] = "operator"
    namespace: str
    command: str
    description: str = ""
    parameters: list[ParameterSpec] = Field(default_factory=list)
    #: each entry maps engine name -> client name; one must fit the configuration.
    supported_configurations: list[dict[str, str]] = Field(default_factory=list)
    #: engine name -> verbs the operator calls; any client serving them qualifies.
    requires: dict[str, list[str]] = Field(default_factory=dict)
    #: ``module:Class`` overriding the ``__init__.py`` + CamelCase convention.
    implementation: str | None = Field(default=None, alias="class")
    source_dir: Path | None = None
    plugin: str = ""

    @field_validator("parameters", mode="before")
    @classmethod
    def _parameters(cls, value: Any) -> Any:
        if value is None:
            return []
        if isinstance(value, dict):
            return _ParameterLists.model_validate(value).specs()
        return value

    @field_validator("namespace", "command")
    @classmethod
    def _name(cls, value: str) -> str:
        if not value or not all(ch.isalnum() or ch in "_-" for ch in value):
            raise ValueError(f"'{value}' must be letters, digits, '_' or '-'")
        return value

    @field_validator("requires", mode="before")
    @classmethod
    def _requires(cls, value: Any) -> Any:
        if value is None:
            return {}
        if isinstance(value, dict):
            # ``metastore: get_table`` is one verb; ``metastore: []`` needs the engine only
            return {k: [v] if isinstance(v, str) else (v or []) for k, v in value.items()}
        return value

    @model_validator(mode="after")
    def _unique_parameters(self) -> OperatorSpec:
        names = [p.name for p in self.parameters]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"parameters declared twice: {', '.join(dupes)}")
        if self.requires and self.supported_configurations:
            raise ValueError(
                "declare either 'requires' (engines and verbs) or 'supported_configurations' "
                "(named clients), not both"
            )
        return self

    @property
    def name(self) -> str:
        return f"{self.namespace} {self.command}"

    def parameter(self, name: str) -> ParameterSpec | None:
        return next((p for p in self.parameters if p.name == name), None)

    def required_names(self) -> list[str]:
        return [p.name for p in self.parameters if p.required]

    def optional_names(self) -> list[str]:
        return [p.name for p in self.parameters if not p.required]

    def load_class(self) -> Any:
        """Import the implementation: the only point an operator's code loads."""
        from mason_core.imports import import_object

        if self.implementation:
            return import_object(self.implementation)
        if self.source_dir is None:
            raise PluginLoadError(f"operator '{self.name}' has no implementation")
        try:
            module = import_module_at(
                self.source_dir,
                f"mason_operator_{self.namespace}_{self.command}".replace("-", "_"),
            )
        except (PluginLoadError, ImportError):
            from mason_core.original import refuse_original_code

            # registered before register refused it: say what to change, not what failed
            refuse_original_code(self.source_dir, "operator", self.namespace, self.command)
            raise
        class_name = camel_name(self.namespace, self.command)
        try:
            found = getattr(module, class_name)
        except AttributeError:
            raise PluginLoadError(
                f"operator '{self.name}': {self.source_dir}/__init__.py defines no class "
                f"'{class_name}'"
            ) from None
        return found


def parse_operator(path: Path, plugin: str, data: Any = None) -> OperatorSpec:
    return parse_definition(path, "operator", OperatorSpec, plugin, data)
