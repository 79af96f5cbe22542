"""Fixtures for the local client: engines over a per-test MASON_HOME, and
builders for data files on disk."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from mason_local.config import LocalClientConfig
from mason_local.execution import LocalExecution
from mason_local.metastore import LocalMetastore
from mason_local.storage import LocalStorage

from mason_core.engines import EngineContext


@dataclass
class LocalEngines:
    storage: LocalStorage
    metastore: LocalMetastore
    execution: LocalExecution
    config: LocalClientConfig
    home: Path


EngineFactory = Callable[..., LocalEngines]


@pytest.fixture
def home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A MASON_HOME of its own, outside ``tmp_path`` so tests own that folder."""
    path = tmp_path_factory.mktemp("local_home")
    monkeypatch.setenv("MASON_HOME", str(path))
    return path


@pytest.fixture
def make_engines(home: Path) -> EngineFactory:
    """``make_engines(root=..., ...)``: the three local engines with that configuration."""

    def build(**settings: Any) -> LocalEngines:
        config = LocalClientConfig(**settings)
        context = EngineContext(client="local", home=home)
        return LocalEngines(
            storage=LocalStorage(config, context),
            metastore=LocalMetastore(config, context),
            execution=LocalExecution(config, context),
            config=config,
            home=home,
        )

    return build


@pytest.fixture
def engines(make_engines: EngineFactory) -> LocalEngines:
    return make_engines()
