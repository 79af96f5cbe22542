"""The registry index in MASON_HOME: reused while nothing changed, rebuilt when
a plugin is installed, upgraded or uninstalled, when a definition changes, when
MASON_LOAD_PLUGINS changes, and silently when the file is corrupt.

Plugins are installed as real distributions (a ``.dist-info`` beside the
package) into a folder on ``sys.path``; the registry is built by the real
plugin loader each time the index says it must be.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mason_core.cli.operators import render_index
from mason_core.home import MasonHome
from mason_core.index import index_path, load_index
from mason_core.plugins import build_registry
from mason_core.registry import Registry

from .plugin_site import install, operator_yaml, uninstall


class Builds:
    """``load_index`` for one home, counting how often the registry is built."""

    def __init__(self, home: MasonHome) -> None:
        self.home = home
        self.count = 0

    def build(self) -> Registry:
        self.count += 1
        return build_registry(self.home.path)

    def load(self) -> dict[str, Any]:
        return load_index(self.home, self.build, render_index)

    def commands(self) -> set[str]:
        return {f"{r['namespace']} {r['command']}" for r in self.load()["operators"]}


def tick() -> None:
    """Let file-system times move on, as they do between two real installs."""
    time.sleep(0.02)


@pytest.fixture
def home(isolated_mason_home: Path) -> MasonHome:
    return MasonHome(isolated_mason_home)


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "site"
    folder.mkdir()
    monkeypatch.syspath_prepend(str(folder))
    yield folder
    for name, module in list(sys.modules.items()):
        if str(getattr(module, "__file__", "") or "").startswith(str(folder)):
            del sys.modules[name]


def test_a_warm_index_is_reused_without_building(home: MasonHome) -> None:
    builds = Builds(home)
    first = builds.load()
    assert builds.count == 1
    assert (
        "table get" in first["help"]
        and "Installed clients that can run it" in first["help"]["table get"]
    )
    assert builds.load() == first
    assert builds.count == 1
    assert index_path(home).parent == home.path / "cache"
    assert [p.name for p in index_path(home).parent.iterdir()] == [index_path(home).name]


def test_install_upgrade_and_uninstall_rebuild_it(home: MasonHome, site: Path) -> None:
    builds = Builds(home)
    assert "acme catalog" not in builds.commands()

    tick()
    install(site, "mason-acme", "1.0.0", "acme", operators=(("acme", "catalog"),))
    assert "acme catalog" in builds.commands()
    assert builds.count == 2
    builds.commands()
    assert builds.count == 2  # warm again

    tick()  # upgrade: a new version with one more operator
    uninstall(site, "mason-acme")
    install(
        site, "mason-acme", "1.1.0", "acme", operators=(("acme", "catalog"), ("acme", "describe"))
    )
    assert {"acme catalog", "acme describe"} <= builds.commands()
    assert builds.count == 3

    tick()
    uninstall(site, "mason-acme")
    assert not any(c.startswith("acme ") for c in builds.commands())
    assert builds.count == 4


def test_same_plugins_on_a_touched_path_keep_the_index(home: MasonHome, site: Path) -> None:
    builds = Builds(home)
    builds.load()
    tick()
    (site / "unrelated.txt").write_text("not a plugin")  # the folder's time moves on
    builds.load()
    assert builds.count == 1  # the entry points were re-read and found the same


def test_a_changed_plugin_definition_rebuilds_it(home: MasonHome, site: Path) -> None:
    package = install(site, "mason-acme", "1.0.0", "acme", operators=(("acme", "catalog"),))
    builds = Builds(home)
    assert "catalog from mason-acme" in builds.load()["help"]["acme catalog"]
    tick()
    definition = package / "operators" / "acme" / "catalog" / "operator.yaml"
    definition.write_text(operator_yaml("acme", "catalog", "an edited description"))
    assert "an edited description" in builds.load()["help"]["acme catalog"]
    assert builds.count == 2
    tick()  # a new operator folder inside an installed (editable) plugin
    added = package / "operators" / "acme" / "extra"
    added.mkdir()
    (added / "operator.yaml").write_text(operator_yaml("acme", "extra", "added in place"))
    assert "acme extra" in builds.commands()
    assert builds.count == 3


def test_register_and_edit_a_definition_rebuild_it(home: MasonHome, tmp_path: Path) -> None:
    from mason_core.register import register_path

    builds = Builds(home)
    builds.load()
    folder = tmp_path / "mine" / "hello"
    folder.mkdir(parents=True)
    (folder / "operator.yaml").write_text(operator_yaml("mine", "hello", "first words"))
    (folder / "__init__.py").write_text("")

    register_path(home, folder)
    assert "first words" in builds.load()["help"]["mine hello"]
    assert builds.count == 2

    tick()  # edited in MASON_HOME directly: same size, new time
    registered = home.registered_operators / "mine" / "hello" / "operator.yaml"
    registered.write_text(operator_yaml("mine", "hello", "other words"))
    assert "other words" in builds.load()["help"]["mine hello"]
    assert builds.count == 3

    tick()  # re-registered from the source
    register_path(home, folder)
    assert "first words" in builds.load()["help"]["mine hello"]
    assert builds.count == 4


def test_load_plugins_variable_is_part_of_the_key(
    home: MasonHome, monkeypatch: pytest.MonkeyPatch
) -> None:
    builds = Builds(home)
    assert "table get" in builds.commands()
    monkeypatch.setenv("MASON_LOAD_PLUGINS", "local")
    assert builds.commands() == set()
    monkeypatch.delenv("MASON_LOAD_PLUGINS")
    assert "table get" in builds.commands()
    assert builds.count == 3


@pytest.mark.parametrize(
    "garbage",
    [b"", b"{not json", b"\xff\xfe", b"[]", b'{"format": 1}', b'{"format": 1, "content": {}}'],
    ids=["empty", "truncated", "binary", "list", "no-key", "no-environment"],
)
def test_a_corrupt_index_is_silently_rebuilt(home: MasonHome, garbage: bytes) -> None:
    builds = Builds(home)
    good = builds.load()
    index_path(home).write_bytes(garbage)
    assert builds.load() == good
    assert builds.count == 2
    stored = json.loads(index_path(home).read_text())
    assert stored["content"] == good
    builds.load()
    assert builds.count == 2


def test_an_index_from_another_home_is_not_trusted(home: MasonHome, tmp_path: Path) -> None:
    other = MasonHome(tmp_path / "other-home")
    Builds(other).load()
    index_path(home).parent.mkdir(parents=True, exist_ok=True)
    index_path(home).write_bytes(index_path(other).read_bytes())
    builds = Builds(home)
    builds.load()
    assert builds.count == 1


def test_an_index_with_a_failed_plugin_is_never_reused(home: MasonHome, site: Path) -> None:
    package = install(site, "mason-acme", "1.0.0", "acme", operators=(("acme", "catalog"),))
    init = package / "__init__.py"
    working = init.read_text()
    init.write_text("import acme_sdk_not_installed\n")
    builds = Builds(home)
    assert "acme catalog" not in builds.commands()
    # fixed without any change to the installed distributions (its dependency
    # installed elsewhere, or its code edited in an editable install)
    init.write_text(working)
    sys.modules.pop("mason_acme", None)
    assert "acme catalog" in builds.commands()
    assert builds.count == 2
    builds.commands()
    assert builds.count == 2  # healthy again: reused
