"""What plugins registered: clients, engines, operators, workflows.

The registry holds metadata only. Implementation classes are named by
``module:Class`` strings and imported when a job needs them.

Collision policy (docs/plugins.md, "Collisions"): plugins register in a fixed
order (first-party distributions first, then the others by distribution
name), and the first to claim a client, engine, operator or workflow keeps it.
A second plugin claiming the same name is a :class:`Conflict` that names both
distributions: ``mason plugins`` shows it and ``mason validate`` refuses it.
What a user registered with ``mason register`` is loaded last and overrides
plugins' operators and workflows on purpose; each override is recorded so
listings and ``mason register`` can say so.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from mason_core.config.providers import missing_client_problem, operator_provider_hint
from mason_core.errors import ConfigurationError, DefinitionError
from mason_core.imports import import_object
from mason_core.plugins import canonical_name

if TYPE_CHECKING:
    from pydantic import BaseModel

    from mason_core.engines.base import Engine
    from mason_core.errors import UnknownOperatorError
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


class _ImportedOnUse:
    """``IndexedClientSpec.config_model``: a ``module:Class`` path until first read."""

    def __get__(self, spec: Any, owner: type | None = None) -> Any:
        if spec is None:
            return self
        model = spec.__dict__["_config_model"]
        if isinstance(model, str):
            model = spec.__dict__["_config_model"] = import_object(model)
        return model

    def __set__(self, spec: Any, model: type[BaseModel] | str) -> None:
        spec.__dict__["_config_model"] = model


class IndexedClientSpec(ClientSpec):
    """A client as the registry index records it (see :func:`mason_core.index.run_registry`):
    ``config_model`` may be given as ``module:Class`` and is imported when a
    configuration naming the client is validated, so a run imports only the
    models of the clients its configuration uses."""

    config_model = _ImportedOnUse()


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


#: the pseudo-plugin holding what ``mason register`` copied into MASON_HOME.
REGISTERED = "registered"


@dataclass
class PluginInfo:
    """One plugin as ``mason plugins`` shows it: the entry point (``name``) and
    the distribution that declares it (``distribution``, ``version``)."""

    name: str
    version: str | None
    module: str | None
    error: str | None = None
    clients: list[str] = field(default_factory=list)
    engines: list[str] = field(default_factory=list)
    operators: list[str] = field(default_factory=list)
    workflows: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: the distribution to install or uninstall (``pip uninstall <distribution>``).
    distribution: str | None = None
    #: False when MASON_LOAD_PLUGINS leaves this plugin out: it was not imported.
    loaded: bool = True
    #: collisions with another plugin, each naming both distributions.
    conflicts: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def label(self) -> str:
        """``mason-acme 0.3.1`` (or the entry-point name when no distribution is known)."""
        if self.distribution is None:
            return self.name
        return f"{self.distribution} {self.version}" if self.version else self.distribution

    @property
    def status(self) -> str:
        if self.error is not None:
            return f"FAILED: {self.error}"
        if self.conflicts:
            return "CONFLICT: " + "; ".join(self.conflicts)
        if not self.loaded:
            return "not loaded (MASON_LOAD_PLUGINS)"
        return "ok"

    def matches(self, name: str) -> bool:
        """Whether ``name`` is this plugin's entry-point or distribution name."""
        wanted = canonical_name(name)
        return wanted in (canonical_name(self.name), canonical_name(self.distribution or ""))

    def row(self) -> dict[str, Any]:
        """The plugin as one listing row (``mason plugins``, ``mason.plugins()``)."""
        return {
            "plugin": self.name,
            "distribution": self.distribution or "",
            "version": self.version or "",
            "status": self.status,
            "module": self.module or "",
            "clients": self.clients,
            "engines": self.engines,
            "operators": self.operators,
            "workflows": self.workflows,
            "warnings": self.warnings,
            "conflicts": self.conflicts,
        }


@dataclass(frozen=True)
class Conflict:
    """Two plugins claiming one name; ``kept`` won by the registration order."""

    kind: str
    name: str
    kept: str
    ignored: str

    @property
    def message(self) -> str:
        return (
            f"{self.kind} '{self.name}' is registered by both {self.kept} (kept) and "
            f"{self.ignored} (ignored); uninstall one, or leave one out with MASON_LOAD_PLUGINS"
        )


@dataclass
class Registry:
    clients: dict[str, ClientSpec] = field(default_factory=dict)
    engines: dict[str, EngineSpec] = field(default_factory=dict)
    operators: dict[tuple[str, str], OperatorSpec] = field(default_factory=dict)
    workflows: dict[tuple[str, str], WorkflowSpec] = field(default_factory=dict)
    plugins: list[PluginInfo] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    #: (kind, namespace, command) of a registered definition -> the plugin it overrides.
    overrides: dict[tuple[str, str, str], str] = field(default_factory=dict)
    #: the plugin modules and definition folders this registry was built from
    #: (the registry index watches them for changes).
    sources: list[Path] = field(default_factory=list)
    #: the file each registered operator was read from (the registry index
    #: records it, so a run reads that one file alone).
    operator_files: dict[tuple[str, str], Path] = field(default_factory=dict)

    # -- collisions --------------------------------------------------------------------

    def plugin(self, name: str) -> PluginInfo | None:
        """The plugin with this entry-point name."""
        return next((p for p in self.plugins if p.name == name), None)

    def _label(self, plugin_name: str) -> str:
        info = self.plugin(plugin_name)
        return info.label if info is not None else plugin_name

    def _claimed(self, info: PluginInfo, kind: str, name: str, owner: str) -> None:
        """``info`` claims ``name``, already held by the plugin ``owner``."""
        if owner == info.name:
            info.warnings.append(f"{kind} '{name}' registered twice; keeping the first")
            return
        kept = self.plugin(owner) or PluginInfo(owner, None, None)
        self.record_conflict(kind, name, kept, info)

    def record_conflict(self, kind: str, name: str, kept: PluginInfo, ignored: PluginInfo) -> None:
        """Both plugins claim ``name``: an error on each, naming both distributions."""
        conflict = Conflict(kind, name, kept=kept.label, ignored=ignored.label)
        self.conflicts.append(conflict)
        kept.conflicts.append(conflict.message)
        ignored.conflicts.append(conflict.message)

    def check_conflicts(self) -> None:
        """Refuse (a usage error, exit code 2) while two plugins claim one name."""
        if self.conflicts:
            from mason_core.errors import MasonUsageError

            raise MasonUsageError("; ".join(c.message for c in self.conflicts))

    def overridden(self, kind: str, namespace: str, command: str) -> str | None:
        """The plugin a registered operator or workflow replaced, if any."""
        return self.overrides.get((kind, namespace, command))

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
                self._claimed(info, "client", name, self.clients[name].plugin)
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
                self._claimed(info, "engine", name, self.engines[name].plugin)
                return
            self.engines[name] = EngineSpec(name, interface, description, info.name)
            info.engines.append(name)

        return register

    def operator_registrar(self, info: PluginInfo) -> RegisterOperators:
        from mason_core.definitions import find_definition_files
        from mason_core.operators.spec import parse_operator

        def register(path: str | Path) -> None:
            self.sources.append(Path(path))
            files = list(find_definition_files(Path(path), "operator.yaml"))
            specs = [parse_operator(f, info.name) for f in files]
            kept = {id(s) for s in self._add_definitions(info, specs, "operator")}
            for spec, file in zip(specs, files, strict=True):
                if id(spec) in kept:
                    self.operator_files[(spec.namespace, spec.command)] = file

        return register

    def workflow_registrar(self, info: PluginInfo) -> RegisterWorkflows:
        from mason_core.workflows.spec import load_workflow_specs

        def register(path: str | Path) -> None:
            self.sources.append(Path(path))
            self._add_definitions(info, load_workflow_specs(Path(path), info.name), "workflow")

        return register

    def _add_definitions(self, info: PluginInfo, specs: Iterable[Any], kind: str) -> list[Any]:
        """Add what ``info`` defined; the definitions it kept (a collision keeps the first)."""
        kept: list[Any] = []
        table: dict[tuple[str, str], Any] = self.operators if kind == "operator" else self.workflows
        names = info.operators if kind == "operator" else info.workflows
        for spec in specs:
            key = (spec.namespace, spec.command)
            name = f"{spec.namespace} {spec.command}"
            previous = table.get(key)
            if previous is not None and info.name != REGISTERED:
                self._claimed(info, kind, name, previous.plugin)
                continue
            if previous is not None and previous.plugin != REGISTERED:
                # the user's own definition wins over a plugin's, and says so
                replaced = self._label(previous.plugin)
                self.overrides[(kind, spec.namespace, spec.command)] = replaced
                info.warnings.append(f"{kind} '{name}' overrides the one from {replaced}")
                owner = self.plugin(previous.plugin)
                if owner is not None:
                    owned = owner.operators if kind == "operator" else owner.workflows
                    if name in owned:
                        owned.remove(name)
                    owner.warnings.append(f"{kind} '{name}' is overridden by a registered one")
            table[key] = spec
            names.append(name)
            kept.append(spec)
        return kept

    # -- lookups -----------------------------------------------------------------------

    def client(self, name: str) -> ClientSpec:
        try:
            return self.clients[name]
        except KeyError:
            raise ConfigurationError(missing_client_problem(name, list(self.clients))) from None

    def engine_interface(self, name: str) -> type[Engine]:
        spec = self.engines.get(name)
        if spec is None:
            raise ConfigurationError(f"unknown engine '{name}'")
        cls: type[Engine] = import_object(spec.interface)
        return cls

    def operator(self, namespace: str, command: str) -> OperatorSpec:
        spec = self.operators.get((namespace, command))
        if spec is None:
            raise unknown_operator(namespace, command, self.operators)
        return spec

    def workflow(self, namespace: str, command: str) -> WorkflowSpec:
        from mason_core.errors import UnknownOperatorError

        spec = self.workflows.get((namespace, command))
        if spec is None:
            provider = operator_provider_hint(namespace)
            in_ns = any(ns == namespace for ns, _ in self.workflows)
            hint = f" ({provider})" if provider and not in_ns else ""
            raise UnknownOperatorError(f"unknown workflow '{namespace} {command}'{hint}")
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


def unknown_operator(
    namespace: str, command: str, known: Iterable[tuple[str, str]]
) -> UnknownOperatorError:
    """The error for an operator not among ``known`` (namespace, command) pairs,
    with what the namespace does hold, or (for a namespace nothing installed
    fills) which of Mason's distributions provides it. Every path naming an
    operator raises this one: ``mason op NS CMD``, ``mason.run``, the server."""
    from mason_core.errors import UnknownOperatorError

    known = list(known)
    in_ns = sorted(c for (n, c) in known if n == namespace)
    if in_ns:
        return UnknownOperatorError(
            f"unknown operator '{namespace} {command}'; '{namespace}' has: {', '.join(in_ns)}"
        )
    return UnknownOperatorError(
        f"unknown operator '{namespace} {command}'"
        + unknown_namespace_hint(namespace, (n for n, _ in known))
    )


def unknown_namespace_hint(namespace: str, known: Iterable[str]) -> str:
    """`` (comes with mason-operators-table: pip install ...); namespaces: ...``
    for a namespace no installed operator fills."""
    provider = operator_provider_hint(namespace)
    listed = ", ".join(sorted(set(known))) or "none"
    return (f" ({provider})" if provider else "") + f"; namespaces: {listed}"


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
