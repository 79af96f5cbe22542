"""Saved configurations in MASON_HOME and which one is current.

Files are saved as the user wrote them, before ``{{VAR}}`` interpolation, so
secrets read from the environment never land on disk.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mason_core.config.interpolate import environment
from mason_core.config.model import ValidConfig, parse_config
from mason_core.errors import ConfigurationError, MasonError, MissingClientsError
from mason_core.home import MasonHome, atomic_write_text
from mason_core.registry import Registry
from mason_core.safe_yaml import read_yaml_file

BUILTIN_ID = "default"


@dataclass(frozen=True)
class InvalidConfig:
    """A saved configuration file that no longer validates, and why."""

    id: str
    problem: str


@dataclass(frozen=True)
class UninstalledConfig:
    """A configuration file valid but for clients whose plugins are not
    installed. ``mason config`` saves it as written (the original's users
    keep their files); it is listed with ``problem`` and cannot be made
    current or used until the plugins are installed."""

    id: str
    source: Path
    problem: str


@dataclass(frozen=True)
class Saved:
    """What :meth:`ConfigStore.save_all` did: each configuration and the file
    it was saved to, and the one made current (the first usable configuration
    saved in this MASON_HOME), if any."""

    files: list[tuple[ValidConfig | UninstalledConfig, Path]]
    made_current: str | None


class ConfigStore:
    def __init__(self, home: MasonHome, registry: Registry) -> None:
        self.home = home
        self.registry = registry
        self._builtin: ValidConfig | None = None

    def _env(self) -> dict[str, str]:
        return environment(self.home.path)

    # -- reading ------------------------------------------------------------------------

    def read_file(self, path: Path) -> ValidConfig:
        raw = read_yaml_file(path, ConfigurationError)
        return parse_config(raw, self.registry, self._env(), source=path)

    def read_path(self, path: Path) -> list[ValidConfig | UninstalledConfig]:
        """Every configuration in a file, or in the ``*.yaml`` files of a folder.

        One that is valid but names clients not installed comes back as an
        :class:`UninstalledConfig`; any other problem raises."""
        if path.is_dir():
            files = sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml"))
            if not files:
                raise ConfigurationError(f"{path}: no .yaml configuration files")
        else:
            files = [path]
        out: list[ValidConfig | UninstalledConfig] = []
        for f in files:
            try:
                out.append(self.read_file(f))
            except MissingClientsError as exc:
                out.append(UninstalledConfig(exc.config_id, f, exc.message))
        return out

    def saved_files(self) -> dict[str, Path]:
        out: dict[str, Path] = {}
        if self.home.configurations.is_dir():
            for f in sorted(self.home.configurations.glob("config_*.yaml")):
                out[f.stem.removeprefix("config_")] = f
        return out

    def builtin(self) -> ValidConfig:
        """The embedded default: for each engine, the first client that declares
        itself an embedded default. The core names no client itself; with no such
        client installed it assigns no engine, so only operators that need none
        can run on it. Built once per store."""
        if self._builtin is None:
            self._builtin = self._build_builtin()
        return self._builtin

    def _build_builtin(self) -> ValidConfig:
        engines: dict[str, list[str]] = {}
        for spec in self.registry.clients.values():
            if not spec.embedded_default:
                continue
            for engine in spec.engines:
                if engine in self.registry.engines:
                    engines.setdefault(engine, [spec.name])
        if not engines:
            return ValidConfig(id=BUILTIN_ID, engines={}, clients={}, builtin=True)
        raw: dict[str, Any] = {
            "type": "config",
            "id": BUILTIN_ID,
            "description": "built-in embedded configuration",
        }
        raw.update({f"{e}_engine": names[0] for e, names in engines.items()})
        return parse_config(raw, self.registry, self._env(), builtin=True)

    def all(self) -> list[ValidConfig]:
        """Saved configurations, then the built-in one (always selectable).

        A saved file that no longer validates (a plugin was uninstalled, a
        variable unset) raises; :meth:`entries` reports it instead.
        """
        saved = self.saved_files()
        return [*(self.read_file(p) for p in saved.values()), *self._builtin_unless(saved)]

    def entries(self) -> list[ValidConfig | InvalidConfig]:
        """Like :meth:`all`, but a saved file that no longer validates is listed
        with its problem, so one broken file does not hide the others."""
        files = self.saved_files()
        saved: list[ValidConfig | InvalidConfig] = []
        for config_id, path in files.items():
            try:
                saved.append(self.read_file(path))
            except MasonError as exc:
                saved.append(InvalidConfig(config_id, exc.message))
        return [*saved, *self._builtin_unless(files)]

    def _builtin_unless(self, saved: dict[str, Path]) -> list[ValidConfig]:
        """The built-in configuration, unless a saved one took its id."""
        return [] if BUILTIN_ID in saved else [self.builtin()]

    def _chosen_id(self, saved: dict[str, Path]) -> str | None:
        """The current configuration recorded in the state file, if it still exists."""
        current = self.home.read_state().get("current_config")
        if current is not None and (str(current) in saved or str(current) == BUILTIN_ID):
            return str(current)
        return None

    def usable(self, config_id: str) -> bool:
        """Whether configuration ``config_id`` exists and validates now."""
        try:
            self.get(config_id)
        except MasonError:
            return False
        return True

    def current_id(self) -> str:
        """The configuration chosen as current; with none chosen, the first
        saved one that can be used, else the built-in one. One that cannot be
        used (it names a client not installed) never becomes current."""
        saved = self.saved_files()
        chosen = self._chosen_id(saved)
        if chosen is not None:
            return chosen
        return next((i for i in saved if self.usable(i)), BUILTIN_ID)

    def get(self, config_id: str | None = None) -> ValidConfig:
        wanted = str(config_id) if config_id is not None else self.current_id()
        saved = self.saved_files()
        if wanted in saved:
            return self.read_file(saved[wanted])
        if wanted == BUILTIN_ID:  # reachable by id even when others are saved
            return self.builtin()
        known = ", ".join([*saved, BUILTIN_ID])
        raise ConfigurationError(f"unknown configuration id '{wanted}' (known: {known})")

    # -- writing ------------------------------------------------------------------------

    def save_all(self, configs: list[ValidConfig | UninstalledConfig]) -> Saved:
        """Save configurations read by :meth:`read_path`, as written.

        The first usable one becomes current when none usable was current
        before (a fresh MASON_HOME, or one holding only configurations that
        cannot be used). One that cannot be used never becomes current: saving
        it over the current configuration's id is refused, saving nothing.
        """
        ids = [c.id for c in configs]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ConfigurationError(f"configuration id given twice: {', '.join(dupes)}")
        saved = self.saved_files()
        chosen = self._chosen_id(saved)
        had_current = chosen == BUILTIN_ID or any(self.usable(i) for i in saved)
        current = self.current_id()
        for c in configs:
            if isinstance(c, UninstalledConfig) and c.id == current:
                raise ConfigurationError(
                    f"configuration '{c.id}' is current and cannot be replaced by one that "
                    f"cannot be used ({c.problem}); nothing was saved; choose another "
                    "current configuration first (mason config -s ID)"
                )
        self.home.ensure()
        files = [(c, self.save(c)) for c in configs]
        usable = [c.id for c in configs if isinstance(c, ValidConfig)]
        made_current = None if had_current or not usable else usable[0]
        if made_current is not None:
            self.set_current(made_current)
        return Saved(files, made_current)

    def save(self, config: ValidConfig | UninstalledConfig) -> Path:
        if config.source is None:
            raise ConfigurationError("only configurations read from a file can be saved")
        target = self.home.configurations / f"config_{config.id}.yaml"
        text = config.source.read_text("utf-8")
        atomic_write_text(target, text, mode=0o600)
        return target

    def set_current(self, config_id: str) -> ValidConfig:
        """Make ``config_id`` current; one that cannot be used is refused."""
        try:
            config = self.get(config_id)
        except MissingClientsError as exc:
            raise MissingClientsError(
                f"configuration '{config_id}' cannot be made current: {exc.message}",
                exc.config_id,
                exc.clients,
            ) from None
        self.home.write_state(current_config=config.id)
        return config
