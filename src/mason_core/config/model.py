"""Configurations: which client serves which engine, and each client's settings.

The original YAML (``metastore_engine: glue``) and the later list form
(``metastore_clients: [glue]``) both parse into :class:`ValidConfig`, whose
client settings have been checked against each plugin's pydantic model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from mason_core.config.interpolate import interpolate
from mason_core.config.providers import missing_client_problem
from mason_core.errors import ConfigurationError, MissingClientsError
from mason_core.registry import Registry
from mason_core.secrets import redacted_dump, remember_model

_TOP_LEVEL = {"type", "id", "name", "description", "clients"}


@dataclass
class ValidConfig:
    """A configuration that passed validation; ``clients`` holds model instances."""

    id: str
    #: engine -> client names, in order of preference.
    engines: dict[str, list[str]]
    clients: dict[str, BaseModel]
    description: str = ""
    source: Path | None = None
    builtin: bool = False
    #: the file's content before ``{{VAR}}`` interpolation, which is what is saved.
    raw: dict[str, Any] = field(default_factory=dict)

    def __repr__(self) -> str:
        # ``raw`` and the client models may hold secrets written literally in the file
        return (
            f"ValidConfig(id={self.id!r}, engines={self.engines!r}, "
            f"clients={self.redacted()!r}, source={self.source!r}, builtin={self.builtin!r})"
        )

    __str__ = __repr__

    def clients_for(self, engine: str) -> list[str]:
        return list(self.engines.get(engine, []))

    def client_for(self, engine: str) -> str | None:
        names = self.engines.get(engine) or []
        return names[0] if names else None

    def redacted(self) -> dict[str, dict[str, Any]]:
        """Per engine: client name and its settings with secrets REDACTED."""
        return {
            engine: {name: redacted_dump(self.clients[name]) for name in names}
            for engine, names in self.engines.items()
        }


def is_configuration(raw: Any) -> bool:
    """Whether ``mason config`` reads this mapping as a configuration: it says
    ``type: config``, or (as the original's files do) it has no ``type`` and
    assigns an engine or lists clients."""
    if not isinstance(raw, dict):
        return False
    if "type" in raw:
        return bool(raw["type"] == "config")
    return "clients" in raw or any(
        str(k).rpartition("_")[2] in ("engine", "clients", "client") for k in raw
    )


def _engine_assignments(
    raw: dict[str, Any], registry: Registry
) -> tuple[dict[str, list[str]], list[str]]:
    engines: dict[str, list[str]] = {}
    problems: list[str] = []
    for key, value in raw.items():
        if key in _TOP_LEVEL:
            continue
        engine, sep, suffix = key.rpartition("_")
        if not sep or suffix not in ("engine", "clients", "client"):
            problems.append(f"unknown key '{key}'")
            continue
        if engine not in registry.engines:
            known = ", ".join(sorted(registry.engines))
            problems.append(f"unknown engine '{engine}' in '{key}' (engines: {known})")
            continue
        names = value if isinstance(value, list) else [value]
        if not names or not all(isinstance(n, str) and n for n in names):
            problems.append(f"'{key}' must name a client or a list of clients")
            continue
        engines.setdefault(engine, [])
        engines[engine].extend(n for n in names if n not in engines[engine])
    return engines, problems


def parse_config(
    raw: Any,
    registry: Registry,
    env: dict[str, str],
    source: Path | None = None,
    builtin: bool = False,
) -> ValidConfig:
    """Validate a configuration mapping; one error lists every problem."""
    where = str(source) if source else "configuration"
    if not isinstance(raw, dict):
        raise ConfigurationError(f"{where}: expected a mapping with type: config")
    if raw.get("type", "config") != "config":
        raise ConfigurationError(f"{where}: type is '{raw.get('type')}', expected 'config'")
    config_id = raw.get("id")
    if config_id is None or str(config_id).strip() == "":
        raise ConfigurationError(f"{where}: missing 'id'")
    config_id = str(config_id).strip()
    if not all(ch.isalnum() or ch in "-_." for ch in config_id):
        raise ConfigurationError(
            f"{where}: id '{config_id}' must be letters, digits, '-', '_', '.'"
        )

    engines, problems = _engine_assignments(raw, registry)
    if not engines and not problems:
        problems.append("no engines assigned (for example 'metastore_engine: local')")
    clients_raw = raw.get("clients") or {}
    if not isinstance(clients_raw, dict):
        problems.append("'clients' must be a mapping of client name to its configuration")
        clients_raw = {}

    validated: dict[str, BaseModel] = {}
    missing: list[str] = []
    used = {name for names in engines.values() for name in names}
    for name in sorted(used):
        spec = registry.clients.get(name)
        if spec is None:
            missing.append(name)
            problems.append(missing_client_problem(name, list(registry.clients)))
            continue
        for engine, names in engines.items():
            if name in names and engine not in spec.engines:
                problems.append(
                    f"client '{name}' does not serve the {engine} engine "
                    f"(it serves: {', '.join(sorted(spec.engines))})"
                )
        entry = clients_raw.get(name) or {}
        if not isinstance(entry, dict):
            problems.append(f"clients.{name} must be a mapping")
            continue
        settings = entry.get("configuration", {}) if "configuration" in entry else entry
        try:
            settings = interpolate(settings or {}, env, f"clients.{name}")
        except ConfigurationError as exc:
            problems.append(str(exc))
            continue
        try:
            model = spec.config_model.model_validate(settings)
        except ValidationError as exc:
            for err in exc.errors():
                loc = ".".join(str(p) for p in err["loc"])
                # never echo the offending value: it may be a secret
                problems.append(f"clients.{name}.{loc}: {err['msg']}")
            continue
        remember_model(model)
        validated[name] = model
    if problems:
        message = f"{where}: " + "; ".join(problems)
        if len(problems) == len(missing):  # nothing wrong but what is not installed
            raise MissingClientsError(message, config_id, missing)
        raise ConfigurationError(message)
    return ValidConfig(
        id=config_id,
        engines=engines,
        clients=validated,
        description=str(raw.get("description") or raw.get("name") or ""),
        source=source,
        builtin=builtin,
        raw=dict(raw),
    )
