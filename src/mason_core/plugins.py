"""Discovering plugins through the ``mason`` entry-point group.

Each entry point is loaded on its own: one that fails to import is recorded
(with its reason) and everything else keeps working. Hooks are then called
plugin by plugin, so what each plugin registered can be listed by name.
"""

from __future__ import annotations

import importlib.metadata as md
from pathlib import Path

import pluggy

from mason_core import hookspecs
from mason_core.registry import PluginInfo, Registry, call_safely

CORE_PLUGIN = "mason-core"


def _plugin_manager() -> pluggy.PluginManager:
    pm = pluggy.PluginManager(hookspecs.PROJECT_NAME)
    pm.add_hookspecs(hookspecs)
    return pm


def _load_entry_points(pm: pluggy.PluginManager) -> dict[str, PluginInfo]:
    from mason_core import builtin

    infos: dict[str, PluginInfo] = {}
    pm.register(builtin, name=CORE_PLUGIN)
    from mason_core.__about__ import __version__

    infos[CORE_PLUGIN] = PluginInfo(CORE_PLUGIN, __version__, builtin.__name__)
    seen: set[str] = set()
    for ep in sorted(md.entry_points(group=hookspecs.ENTRY_POINT_GROUP), key=lambda e: e.name):
        if ep.name in seen:
            continue
        seen.add(ep.name)
        dist = getattr(ep, "dist", None)
        info = PluginInfo(
            name=ep.name,
            version=dist.version if dist is not None else None,
            module=ep.value,
        )
        infos[ep.name] = info
        try:
            module = ep.load()
            pm.register(module, name=ep.name)
        except Exception as exc:
            info.error = f"failed to load: {type(exc).__name__}: {exc}"
    return infos


def build_registry(registered_home: Path | None = None) -> Registry:
    """Load every plugin and collect what it registers.

    ``registered_home`` is MASON_HOME: folder operators and workflows added with
    ``mason register`` are loaded from it after the plugins.
    """
    pm = _plugin_manager()
    infos = _load_entry_points(pm)
    registry = Registry(plugins=list(infos.values()))
    # engines first: clients and configurations refer to them
    hooks = (
        ("mason_register_engines", registry.engine_registrar),
        ("mason_register_clients", registry.client_registrar),
        ("mason_register_operators", registry.operator_registrar),
        ("mason_register_workflows", registry.workflow_registrar),
    )
    for hook_name, make_registrar in hooks:
        caller = getattr(pm.hook, hook_name)
        for impl in reversed(caller.get_hookimpls()):  # pluggy keeps LIFO order
            info = infos[impl.plugin_name]
            if info.error:
                continue
            call_safely(info, impl.function, make_registrar(info))
    if registered_home is not None:
        _load_registered(registry, registered_home)
    return registry


def _load_registered(registry: Registry, home: Path) -> None:
    info = PluginInfo(name="registered", version=None, module=str(home))
    ops, wfs = home / "registered_operators", home / "registered_workflows"
    if ops.is_dir():
        call_safely(info, lambda reg: reg(ops), registry.operator_registrar(info))
    if wfs.is_dir():
        call_safely(info, lambda reg: reg(wfs), registry.workflow_registrar(info))
    if info.operators or info.workflows or info.error or info.warnings:
        registry.plugins.append(info)
