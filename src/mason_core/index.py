"""The registry index: what listings and help print, cached in MASON_HOME.

Building the registry imports every plugin, pydantic and every definition;
``mason op``, ``mason --help`` and ``mason op NS CMD --help`` need none of
that once the answer is known. Like Airflow's providers manager, the index
answers "what is installed" from metadata: it is keyed by

- the installed ``mason`` entry points (distribution, version, entry point),
  the ``pydantic`` ones (see :mod:`mason_core.pydantic_plugins`) and
  MASON_LOAD_PLUGINS, checked cheaply through the modification times of
  the ``sys.path`` folders (installing, upgrading or uninstalling anything
  changes them) and re-read from metadata only when one of those changed;
- the state (mtime, size, inode) of every ``operator.yaml``/``workflow.yaml``
  and folder the registry was built from, the plugin modules that registered
  them, and the folders ``mason register`` fills in MASON_HOME.

When any of these differ the registry is built again (through the usual
plugin and definition loading) and the index rewritten atomically. An index
that cannot be read is rebuilt without a word, and one built while a plugin
failed to load is never reused (installing its missing dependency or editing
its code must be seen).
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import zlib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mason_core.__about__ import __version__
from mason_core.home import MasonHome, atomic_write_text

if TYPE_CHECKING:
    from mason_core.registry import Registry
    from mason_core.runtime import Session
    from mason_core.workflows.spec import WorkflowSpec

#: bumped whenever the stored layout changes: an older index is rebuilt.
INDEX_FORMAT = 4
_DEFINITION_FILES = ("operator.yaml", "workflow.yaml")


def index_path(home: MasonHome) -> Path:
    """One index per interpreter, so virtualenvs sharing a home do not thrash it."""
    env = zlib.crc32(sys.executable.encode())
    return home.path / "cache" / f"registry-{env:08x}.json"


def load_index(
    home: MasonHome,
    build: Callable[[], Registry],
    render: Callable[[Registry], dict[str, Any]],
) -> dict[str, Any]:
    """``render(registry)`` as cached for the current installation; the registry
    is built (with ``build``) only when the cached one is missing or stale.
    Its ``pydantic_plugins`` is the installed ``pydantic`` entry points."""
    path = index_path(home)
    stored = _read(path)
    if stored is not None:
        fresh = _freshness(stored, home)
        if fresh == "fresh":
            content: dict[str, Any] = stored["content"]
            return content
        if fresh == "moved":  # only folder times changed: same plugins, new times
            stored["environment"] = _environment()
            _write(path, stored)
            content = stored["content"]
            return content
    registry = build()
    content = {**render(registry), "pydantic_plugins": _pydantic_plugins()}
    _write(
        path,
        {
            "format": INDEX_FORMAT,
            "environment": _environment(),
            "plugins": _installed(),
            "watch": _watch(home, registry.sources),
            # a plugin that failed may be fixed by anything (a dependency
            # installed, its code edited): such a registry is never reused
            "complete": all(p.error is None for p in registry.plugins),
            "content": content,
        },
    )
    return content


# -- what a run needs ---------------------------------------------------------------------


def render_run(registry: Registry) -> dict[str, Any] | None:
    """What :func:`run_registry` rebuilds a run's registry from: every engine and
    client (a client's configuration model by ``module:Class``) and, for every
    operator and workflow, its file and the document read from it (kept while the index
    watches the file unchanged, so a run need not import PyYAML). None when a
    run cannot be answered from it (two plugins claim one name, or a
    configuration model cannot be imported by name): runs then build the
    whole registry."""
    if registry.conflicts:
        return None
    clients: dict[str, Any] = {}
    for name, spec in registry.clients.items():
        model = spec.config_model
        if "<" in model.__qualname__:  # defined in a function: not importable by name
            return None
        clients[name] = {
            "model": f"{model.__module__}:{model.__qualname__}",
            "engines": spec.engines,
            "description": spec.description,
            "plugin": spec.plugin,
            "embedded_default": spec.embedded_default,
        }
    return {
        "engines": {n: [e.interface, e.description, e.plugin] for n, e in registry.engines.items()},
        "clients": clients,
        "operators": {
            f"{ns} {cmd}": [str(file), spec.plugin, _kept_document(file)]
            for (ns, cmd), spec in registry.operators.items()
            if (file := registry.operator_files.get((ns, cmd))) is not None
        },
        "workflows": {
            f"{ns} {cmd}": [str(file), spec.plugin, _kept_document(file)]
            for (ns, cmd), spec in registry.workflows.items()
            if (file := _workflow_file(spec)) is not None
        },
    }


def _workflow_file(spec: WorkflowSpec) -> Path | None:
    """The ``workflow.yaml`` a workflow was read from."""
    file = spec.source_dir / _DEFINITION_FILES[1] if spec.source_dir is not None else None
    return file if file is not None and file.is_file() else None


def _kept_document(file: Path) -> Any:
    """The definition read from ``file`` when JSON keeps it as it is, else None
    (a run then reads the file itself)."""
    from mason_core.definitions import read_yaml
    from mason_core.errors import DefinitionError

    try:
        data = read_yaml(file)
        return data if json.loads(json.dumps(data)) == data else None
    except (DefinitionError, TypeError, ValueError):
        return None


def run_registry(
    content: dict[str, Any],
    operators: Iterable[tuple[str, str]],
    workflows: Iterable[tuple[str, str]] = (),
) -> Registry | None:
    """The registry that calls of ``operators`` (``(namespace, command)`` pairs)
    need, from the index: the engines and clients (no plugin module; a client's
    configuration model is imported when a configuration naming it is
    validated), those operators and ``workflows``, validated from the
    documents the index kept. None when the index cannot answer (one of them
    is not in it: the whole registry says what is wrong)."""
    run = content.get("run")
    if not isinstance(run, dict):
        return None
    wanted = {
        (kind, key): run[f"{kind}s"].get(f"{key[0]} {key[1]}")
        for kind, keys in (("operator", operators), ("workflow", workflows))
        for key in keys
    }
    if not wanted or any(entry is None for entry in wanted.values()):
        return None
    try:
        return _run_registry(run, wanted)
    except Exception:  # a file no longer reads: the whole registry says why
        from mason_core.interrupts import interruption

        signalled = interruption()
        if signalled is not None:  # Ctrl-C or SIGTERM, turned into another error
            raise signalled from None
        return None


def operators_session(
    operators: Iterable[tuple[str, str]],
    home: MasonHome | str | Path | None = None,
    workflows: Iterable[tuple[str, str]] = (),
) -> Session:
    """A session for calls of ``operators`` (``(namespace, command)`` pairs) only:
    its registry holds those operators, ``workflows`` (whose definition classes
    a step's caller asks) and every engine and client, rebuilt from
    the registry index (:func:`mason_core.index.run_registry`), so no plugin
    module is imported and no other definition is read. When the index cannot
    answer (it was stale and rebuilt, an operator is unknown, plugins conflict),
    the whole registry of ``home``'s session
    (:func:`mason_core.runtime.home_session`). ``home``: a MASON_HOME path,
    default the environment's.

    With no ``pydantic`` entry point installed (as the index records), pydantic
    is spared its search for plugins (:mod:`mason_core.pydantic_plugins`) when
    it has not built a model yet."""
    from mason_core.cli.listing import operator_index
    from mason_core.pydantic_plugins import answer_no_plugins

    where = home if isinstance(home, MasonHome) else MasonHome.from_env(home)
    index = operator_index(where)
    answer_no_plugins(index.get("pydantic_plugins"))
    # after that answer: the runtime builds pydantic models on import
    from mason_core.runtime import Session, home_session

    whole = home_session(where)
    if "registry" in whole.__dict__:  # built already (the index was stale)
        return whole
    registry = run_registry(index, operators, workflows)
    if registry is None:
        return whole
    return Session(whole.home, registry)


def _run_registry(run: dict[str, Any], wanted: dict[tuple[str, tuple[str, str]], Any]) -> Registry:
    from mason_core.operators.spec import parse_operator
    from mason_core.registry import EngineSpec, IndexedClientSpec, Registry
    from mason_core.workflows.spec import parse_workflow

    registry = Registry()
    for name, (interface, description, plugin) in run["engines"].items():
        registry.engines[name] = EngineSpec(name, interface, description, plugin)
    for name, c in run["clients"].items():
        registry.clients[name] = IndexedClientSpec(
            name=name,
            config_model=c["model"],  # ``module:Class``, imported on first use
            engines=dict(c["engines"]),
            description=c["description"],
            plugin=c["plugin"],
            embedded_default=c["embedded_default"],
        )
    for (kind, key), (file, plugin, data) in wanted.items():
        # validated on every run, from the document the index kept (None: read it again)
        if kind == "workflow":
            registry.workflows[key] = parse_workflow(Path(file), plugin, data)
            continue
        registry.operators[key] = parse_operator(Path(file), plugin, data)
        registry.operator_files[key] = Path(file)
    return registry


# -- the key ------------------------------------------------------------------------------


def _environment() -> dict[str, Any]:
    """What is cheap to check: versions, the selection variable, sys.path times."""
    from mason_core.plugins import LOAD_PLUGINS_ENV

    return {
        "mason": __version__,
        "python": sys.executable,
        "load_plugins": os.environ.get(LOAD_PLUGINS_ENV),
        "sys_path": [[p, _mtime(p or ".")] for p in sys.path],
    }


def _installed() -> list[list[str | None]]:
    """The installed entry points, read from distribution metadata (no import)."""
    from mason_core.plugins import installed_plugins

    return [[p.name, p.value, p.distribution, p.version, p.location] for p in installed_plugins()]


def _pydantic_plugins() -> list[list[str]]:
    from mason_core.pydantic_plugins import installed

    return installed()


def _watch(home: MasonHome, sources: Iterable[Path]) -> list[list[Any]]:
    paths = {str(p) for p in sources}
    paths.update(str(p) for p in (home.registered_operators, home.registered_workflows))
    return [[p, _state(Path(p))] for p in sorted(paths)]


def _freshness(stored: dict[str, Any], home: MasonHome) -> str:
    """``fresh``, ``moved`` (sys.path times changed but not the plugins) or ``stale``."""
    try:
        if stored.get("format") != INDEX_FORMAT or not isinstance(stored.get("content"), dict):
            return "stale"
        if stored.get("complete") is not True:
            return "stale"
        env = stored["environment"]
        now = _environment()
        if any(env.get(k) != now[k] for k in ("mason", "python", "load_plugins")):
            return "stale"
        watched = {p for p, _ in stored["watch"]}
        if not {str(home.registered_operators), str(home.registered_workflows)} <= watched:
            return "stale"  # an index written for another MASON_HOME
        if any(_state(Path(p)) != state for p, state in stored["watch"]):
            return "stale"
        if env.get("sys_path") == now["sys_path"]:
            return "fresh"
        if stored["plugins"] != _installed():
            return "stale"
        pydantic = stored["content"].get("pydantic_plugins")
        return "moved" if pydantic == _pydantic_plugins() else "stale"
    except (KeyError, TypeError, ValueError, AttributeError):
        return "stale"


def _mtime(path: str) -> int | None:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return None


def _state(path: Path) -> Any:
    """A file's (mtime, size, inode); for a folder, a checksum of that for the
    folder and every sub-folder and definition file below it (zlib's, as
    hashlib's import alone costs more than this whole check)."""
    try:
        st = path.stat()
    except OSError:
        return None
    if not path.is_dir():
        return [st.st_mtime_ns, st.st_size, st.st_ino]
    checksum, count = 0, 0
    for folder, dirs, files in os.walk(path):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in [".", *sorted(f for f in files if f in _DEFINITION_FILES)]:
            try:
                s = os.stat(os.path.join(folder, name))
            except OSError:
                continue
            entry = f"{folder}/{name}:{s.st_mtime_ns}:{s.st_size}:{s.st_ino}\n"
            checksum = zlib.crc32(entry.encode(), checksum)
            count += 1
    return [count, checksum]


# -- the file -----------------------------------------------------------------------------


def _read(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _write(path: Path, data: dict[str, Any]) -> None:
    """Atomically; an index that cannot be written (a read-only MASON_HOME) only
    costs the next start-up. Keys keep their order: listings print as rendered."""
    with contextlib.suppress(OSError):
        atomic_write_text(path, json.dumps(data, default=str))
