"""The built-in configuration when no client declares itself an embedded default."""

from __future__ import annotations

from pathlib import Path

import pytest

from mason_core.config.store import BUILTIN_ID, ConfigStore
from mason_core.errors import UnsupportedConfigurationError
from mason_core.home import MasonHome
from mason_core.operators.spec import OperatorSpec
from mason_core.operators.support import match_operator

from .clients import test_registry


@pytest.fixture
def bare_store(isolated_mason_home: Path) -> ConfigStore:
    registry = test_registry()
    registry.clients.pop("embedded")  # the only embedded client
    return ConfigStore(MasonHome(isolated_mason_home), registry)


def test_it_assigns_no_engine_and_is_still_current(bare_store: ConfigStore) -> None:
    config = bare_store.get()
    assert (config.id, config.builtin, config.engines) == (BUILTIN_ID, True, {})
    assert bare_store.builtin() is config  # built once per store


def test_operators_needing_an_engine_are_refused_by_name(bare_store: ConfigStore) -> None:
    needs = OperatorSpec(
        namespace="t", command="get", supported_configurations=[{"metastore": "cloud"}]
    )
    with pytest.raises(UnsupportedConfigurationError, match="metastore needs client 'cloud'"):
        match_operator(needs, bare_store.get(), bare_store.registry)
    free = OperatorSpec(namespace="t", command="echo")
    assert match_operator(free, bare_store.get(), bare_store.registry) == {}


def test_it_stays_selectable_beside_saved_configurations(
    bare_store: ConfigStore, tmp_path: Path
) -> None:
    saved = tmp_path / "one.yaml"
    saved.write_text(
        "type: config\nid: one\nmetastore_engine: cloud\nclients:\n  cloud:\n    aws_region: r\n"
    )
    bare_store.save(bare_store.read_file(saved))
    assert bare_store.current_id() == "one"
    assert [c.id for c in bare_store.all()] == ["one", BUILTIN_ID]
    bare_store.set_current(BUILTIN_ID)
    assert bare_store.current_id() == BUILTIN_ID
    assert bare_store.get().builtin
