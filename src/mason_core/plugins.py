"""Discovering plugins through the ``mason`` entry-point group.

Each entry point is loaded on its own: one that fails to import is recorded
(with its reason) and everything else keeps working. Hooks are then called
plugin by plugin, in a fixed order, so what each plugin registered can be
listed by name and a collision is decided the same way on every machine:
the core first, then first-party distributions, then every other one, each
group sorted by distribution and entry-point name. The first to claim a name
keeps it (see :mod:`mason_core.registry`).

``MASON_LOAD_PLUGINS`` (a comma list of entry-point or distribution names;
empty for none) loads only the plugins it names, to isolate a broken one.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from mason_core.config.providers import FIRST_PARTY

CORE_PLUGIN = "mason-core"
LOAD_PLUGINS_ENV = "MASON_LOAD_PLUGINS"

if TYPE_CHECKING:  # light at import: the registry index reads this module's names
    import pluggy

    from mason_core.registry import Registry

#: each hook and the Registry method making its ``register`` callback; engines
#: first, as clients and configurations refer to them.
_HOOKS = (
    ("mason_register_engines", "engine_registrar"),
    ("mason_register_clients", "client_registrar"),
    ("mason_register_operators", "operator_registrar"),
    ("mason_register_workflows", "workflow_registrar"),
)


def canonical_name(name: str) -> str:
    """A distribution or plugin name compared the way pip compares them."""
    return name.strip().lower().replace("_", "-").replace(".", "-")


@dataclass(frozen=True)
class InstalledPlugin:
    """One ``mason`` entry point and the distribution declaring it, read from
    metadata alone (nothing is imported)."""

    name: str
    value: str
    distribution: str | None
    version: str | None
    #: the ``.dist-info`` folder, when the distribution lives in one.
    location: str | None

    @property
    def first_party(self) -> bool:
        return canonical_name(self.distribution or "") in FIRST_PARTY

    def order(self) -> tuple[bool, str, str]:
        return (not self.first_party, canonical_name(self.distribution or self.name), self.name)


def installed_plugins() -> list[InstalledPlugin]:
    """Every entry point of the ``mason`` group, in registration order."""
    import importlib.metadata as md

    from mason_core import hookspecs

    found: list[InstalledPlugin] = []
    for ep in md.entry_points(group=hookspecs.ENTRY_POINT_GROUP):
        dist = getattr(ep, "dist", None)
        location = getattr(dist, "_path", None)
        found.append(
            InstalledPlugin(
                name=ep.name,
                value=ep.value,
                distribution=dist.metadata["Name"] if dist is not None else None,
                version=dist.version if dist is not None else None,
                location=str(location) if location is not None else None,
            )
        )
    return sorted(found, key=InstalledPlugin.order)


def selected_plugins() -> set[str] | None:
    """The names MASON_LOAD_PLUGINS allows (canonical), or None when it is unset."""
    raw = os.environ.get(LOAD_PLUGINS_ENV)
    if raw is None:
        return None
    return {canonical_name(n) for n in raw.split(",") if n.strip()}


def _plugin_manager() -> pluggy.PluginManager:
    import pluggy

    from mason_core import hookspecs

    pm = pluggy.PluginManager(hookspecs.PROJECT_NAME)
    pm.add_hookspecs(hookspecs)
    return pm


def _load_entry_points(
    pm: pluggy.PluginManager,
    registry: Registry,
    installed: Iterable[InstalledPlugin],
    selected: set[str] | None,
) -> None:
    """Register the core and every selected entry point with ``pm``, in order,
    and list each in ``registry.plugins``."""
    import importlib.metadata as md

    from mason_core import builtin, hookspecs
    from mason_core.__about__ import __version__
    from mason_core.registry import PluginInfo

    pm.register(builtin, name=CORE_PLUGIN)
    core = PluginInfo(CORE_PLUGIN, __version__, builtin.__name__, distribution=CORE_PLUGIN)
    registry.plugins.append(core)
    for plugin in installed:
        info = PluginInfo(
            name=plugin.name,
            version=plugin.version,
            module=plugin.value,
            distribution=plugin.distribution,
        )
        owner = registry.plugin(plugin.name)
        if owner is not None:
            if owner.distribution == info.distribution and owner.module == info.module:
                continue  # the same distribution seen twice on sys.path
            info.loaded = False
            registry.plugins.append(info)
            registry.record_conflict("plugin name", plugin.name, owner, info)
            continue
        registry.plugins.append(info)
        if selected is not None and not any(info.matches(n) for n in selected):
            info.loaded = False
            continue
        try:
            module = md.EntryPoint(plugin.name, plugin.value, hookspecs.ENTRY_POINT_GROUP).load()
            pm.register(module, name=plugin.name)
            if getattr(module, "__file__", None):
                registry.sources.append(Path(module.__file__))
        except Exception as exc:
            info.error = f"failed to load: {type(exc).__name__}: {exc}"
    if selected is not None:
        unknown = sorted(n for n in selected if not any(i.matches(n) for i in registry.plugins))
        if unknown:
            core.warnings.append(
                f"{LOAD_PLUGINS_ENV} names {', '.join(unknown)}, which no installed plugin is"
            )


def build_registry(registered_home: Path | None = None) -> Registry:
    """Load every plugin and collect what it registers.

    ``registered_home`` is MASON_HOME: folder operators and workflows added with
    ``mason register`` are loaded from it after the plugins, and override them.
    """
    from mason_core.registry import Registry, call_safely

    pm = _plugin_manager()
    registry = Registry()
    _load_entry_points(pm, registry, installed_plugins(), selected_plugins())
    infos = list(registry.plugins)
    for hook_name, registrar in _HOOKS:
        make_registrar = getattr(registry, registrar)
        impls = {impl.plugin_name: impl for impl in getattr(pm.hook, hook_name).get_hookimpls()}
        for info in infos:  # our order, not pluggy's call order
            impl = impls.get(info.name)
            if impl is None or info.error or not info.loaded:
                continue
            call_safely(info, impl.function, make_registrar(info))
    if registered_home is not None:
        _load_registered(registry, registered_home)
    return registry


def _load_registered(registry: Registry, home: Path) -> None:
    from mason_core.registry import REGISTERED, PluginInfo, call_safely

    info = PluginInfo(name=REGISTERED, version=None, module=str(home))
    registry.plugins.append(info)
    ops, wfs = home / "registered_operators", home / "registered_workflows"
    if ops.is_dir():
        call_safely(info, lambda reg: reg(ops), registry.operator_registrar(info))
    if wfs.is_dir():
        call_safely(info, lambda reg: reg(wfs), registry.workflow_registrar(info))
    if not (info.operators or info.workflows or info.error or info.warnings):
        registry.plugins.remove(info)
