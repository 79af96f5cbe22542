"""The server's session: the core :class:`Session` whose configurations are
confined to the server's root.

A client whose configuration has a ``root`` setting (the local client does)
confines every path it touches to it: reads, writes, job outputs, even files
named inside SQL. When a configuration leaves ``root`` unset, the server sets
it to its own root, so nothing reached through the API escapes that folder,
whatever the operator does with its paths.
"""

from __future__ import annotations

import dataclasses
from functools import cached_property
from pathlib import Path

from mason_core.config.model import ValidConfig
from mason_core.config.store import ConfigStore
from mason_core.home import MasonHome
from mason_core.registry import Registry
from mason_core.runtime import Session

#: the client setting that confines a client's paths.
ROOT_SETTING = "root"


def confine(config: ValidConfig, root: Path) -> ValidConfig:
    """``config`` with ``root`` set on every client that has the setting and left it unset."""
    clients = {}
    for name, model in config.clients.items():
        if ROOT_SETTING in type(model).model_fields and getattr(model, ROOT_SETTING) is None:
            model = model.model_copy(update={ROOT_SETTING: str(root)})
        clients[name] = model
    return dataclasses.replace(config, clients=clients)


class ConfinedConfigStore(ConfigStore):
    """A :class:`ConfigStore` whose every configuration is :func:`confine`\\ d."""

    def __init__(self, home: MasonHome, registry: Registry, root: Path) -> None:
        super().__init__(home, registry)
        self.root = root

    def read_file(self, path: Path) -> ValidConfig:
        return confine(super().read_file(path), self.root)

    def builtin(self) -> ValidConfig:
        return confine(super().builtin(), self.root)


class ServerSession(Session):
    def __init__(self, home: MasonHome | str | Path | None, root: Path) -> None:
        super().__init__(home)
        self.root = root

    @cached_property
    def configs(self) -> ConfigStore:
        return ConfinedConfigStore(self.home, self.registry, self.root)
