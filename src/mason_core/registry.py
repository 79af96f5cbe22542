"""What plugins registered: clients, engines, operators, workflows.

The registry holds metadata only. Implementation classes are named by
``module:Class`` strings and imported when a job needs them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from pydantic import BaseModel

from mason_core.errors import ConfigurationError, DefinitionError
from mason_core.imports import import_object

if TYPE_CHECKING:
    from mason_core.engines.base import Engine
    from mason_core.operators.spec import OperatorSpec
    from mason_core.workflows.spec import WorkflowSpec


@dataclass(frozen=True)
class ClientSpec:
    """A client: its configuration model and the engines it serves."""

    name: str
    config_model: type[BaseModel]
    #: engine name -> ``module:Class`` of the implementation.
    engines: dict[str, str]
    description: str
    plugin: str
    #: a client that needs no configuration and may serve the built-in default.
    embedded_default: bool = False

    def implementation(self, engine: str) -> type[Engine]:
        try:
            path = self.engines[engine]
        except KeyError:
            raise ConfigurationError(
                f"client '{self.name}' does not serve the {engine} engine "
                f"(it serves: {', '.join(sorted(self.engines)) or 'nothing'})"
            ) from None
        cls: type[Engine] = import_object(path)
        return cls


@dataclass(frozen=True)
class EngineSpec:
    name: str
    #: ``module:Class`` of the engine's interface (a subclass of ``Engine``).
    interface: str
    description: str
    plugin: str


class RegisterClient(Protocol):
    def __call__(
        self,
        name: str,
        *,
        config_model: type[BaseModel],
        engines: dict[str, str],
        description: str = "",
        embedded_default: bool = False,
    ) -> None: ...


class RegisterEngine(Protocol):
    def __call__(self, name: str, *, interface: str, description: str = "") -> None: ...


class RegisterOperators(Protocol):
    def __call__(self, path: str | Path) -> None: ...


class RegisterWorkflows(Protocol):
    def __call__(self, path: str | Path) -> None: ...


@dataclass
class PluginInfo:
    """One plugin as ``mason plugins`` shows it."""

    name: str
    version: str | None
    module: str | None
    error: str | None = None
    clients: list[str] = field(default_factory=list)
    engines: list[str] = field(default_factory=list)
    operators: list[str] = field(default_factory=list)
    workflows: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class Registry:
    clients: dict[str, ClientSpec] = field(default_factory=dict)
    engines: dict[str, EngineSpec] = field(default_factory=dict)
    operators: dict[tuple[str, str], OperatorSpec] = field(default_factory=dict)
    workflows: dict[tuple[str, str], WorkflowSpec] = field(default_factory=dict)
    plugins: list[PluginInfo] = field(default_factory=list)

    # -- registrars bound to one plugin ------------------------------------------------

    def client_registrar(self, info: PluginInfo) -> RegisterClient:
        def register(
            name: str,
            *,
            config_model: type[BaseModel],
            engines: dict[str, str],
            description: str = "",
            embedded_default: bool = False,
        ) -> None:
            if name in self.clients:
                info.warnings.append(
                    f"client '{name}' already registered by '{self.clients[name].plugin}'"
                )
                return
            self.clients[name] = ClientSpec(
                name=name,
                config_model=config_model,
                engines=dict(engines),
                description=description,
                plugin=info.name,
                embedded_default=embedded_default,
            )
            info.clients.append(name)

        return register

    def engine_registrar(self, info: PluginInfo) -> RegisterEngine:
        def register(name: str, *, interface: str, description: str = "") -> None:
            if name in self.engines:
                info.warnings.append(f"engine '{name}' already registered")
                return
            self.engines[name] = EngineSpec(name, interface, description, info.name)
            info.engines.append(name)

        return register

    def operator_registrar(self, info: PluginInfo) -> RegisterOperators:
        from mason_core.operators.spec import load_operator_specs

        def register(path: str | Path) -> None:
            self._add_definitions(info, load_operator_specs(Path(path), info.name), "operator")

        return register

    def workflow_registrar(self, info: PluginInfo) -> RegisterWorkflows:
        from mason_core.workflows.spec import load_workflow_specs

        def register(path: str | Path) -> None:
            self._add_definitions(info, load_workflow_specs(Path(path), info.name), "workflow")

        return register

    def _add_definitions(self, info: PluginInfo, specs: Iterable[Any], kind: str) -> None:
        table: dict[tuple[str, str], Any] = self.operators if kind == "operator" else self.workflows
        names = info.operators if kind == "operator" else info.workflows
        for spec in specs:
            key = (spec.namespace, spec.command)
            if key in table:
                info.warnings.append(
                    f"{kind} '{spec.namespace} {spec.command}' already registered by "
                    f"'{table[key].plugin}'; keeping that one"
                )
                continue
            table[key] = spec
            names.append(f"{spec.namespace} {spec.command}")

    # -- lookups -----------------------------------------------------------------------

    def client(self, name: str) -> ClientSpec:
        try:
            return self.clients[name]
        except KeyError:
            known = ", ".join(sorted(self.clients)) or "none installed"
            raise ConfigurationError(f"unknown client '{name}' (known clients: {known})") from None

    def engine_interface(self, name: str) -> type[Engine]:
        spec = self.engines.get(name)
        if spec is None:
            raise ConfigurationError(f"unknown engine '{name}'")
        cls: type[Engine] = import_object(spec.interface)
        return cls

    def operator(self, namespace: str, command: str) -> OperatorSpec:
        from mason_core.errors import UnknownOperatorError

        spec = self.operators.get((namespace, command))
        if spec is None:
            in_ns = sorted(c for (n, c) in self.operators if n == namespace)
            hint = (
                f"; '{namespace}' has: {', '.join(in_ns)}"
                if in_ns
                else f"; namespaces: {', '.join(self.operator_namespaces()) or 'none'}"
            )
            raise UnknownOperatorError(f"unknown operator '{namespace} {command}'{hint}")
        return spec

    def workflow(self, namespace: str, command: str) -> WorkflowSpec:
        from mason_core.errors import UnknownOperatorError

        spec = self.workflows.get((namespace, command))
        if spec is None:
            raise UnknownOperatorError(f"unknown workflow '{namespace} {command}'")
        return spec

    def operator_specs(self, namespace: str | None = None) -> list[OperatorSpec]:
        """Operators (of one namespace, or all), sorted by namespace and command."""
        return _sorted_specs(self.operators.values(), namespace)

    def workflow_specs(self, namespace: str | None = None) -> list[WorkflowSpec]:
        return _sorted_specs(self.workflows.values(), namespace)

    def operator_namespaces(self) -> list[str]:
        return sorted({ns for ns, _ in self.operators})

    def served_verbs(self, client: str, engine: str) -> list[str]:
        """The verbs ``client`` serves as ``engine``; none when it does not serve it.

        The implementation module is imported (it must be light); an import
        failure propagates to the caller.
        """
        spec = self.client(client)
        if engine not in spec.engines:
            return []
        return spec.implementation(engine).served_verbs()

    def client_verbs(self) -> list[dict[str, Any]]:
        """Per client and engine, the verbs its implementation serves.

        One whose implementation fails to import is reported instead of its verbs.
        """
        rows: list[dict[str, Any]] = []
        for name, spec in sorted(self.clients.items()):
            for engine in sorted(spec.engines):
                try:
                    verbs = ", ".join(self.served_verbs(name, engine)) or "(none)"
                except Exception as exc:
                    verbs = f"UNAVAILABLE: {exc}"
                rows.append(
                    {"client": name, "engine": engine, "verbs": verbs, "plugin": spec.plugin}
                )
        return rows


S = TypeVar("S", "OperatorSpec", "WorkflowSpec")


def _sorted_specs(specs: Iterable[S], namespace: str | None) -> list[S]:
    return sorted(
        (s for s in specs if namespace is None or s.namespace == namespace),
        key=lambda s: (s.namespace, s.command),
    )


def call_safely(info: PluginInfo, func: Callable[[Any], None], registrar: Any) -> None:
    """Run one plugin's hook; a failure marks that plugin and nothing else."""
    try:
        func(registrar)
    except DefinitionError as exc:
        info.error = info.error or f"invalid definition: {exc}"
    except Exception as exc:
        info.error = info.error or f"{type(exc).__name__}: {exc}"
