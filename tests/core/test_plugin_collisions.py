"""The collision policy, with real entry points: small plugin distributions
installed into a folder on ``sys.path`` beside the first-party plugins.

- Two plugins claiming one client or operator: an error naming both
  distributions; the first-party one is kept whatever the names sort to.
- A definition registered with ``mason register`` overrides a plugin's and says so.
- ``MASON_LOAD_PLUGINS`` loads only the plugins it names.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mason_core.cli.app import app
from mason_core.plugins import build_registry
from mason_core.registry import Registry

from .plugin_site import install, operator_yaml


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "site"
    folder.mkdir()
    monkeypatch.syspath_prepend(str(folder))
    yield folder
    for name, module in list(sys.modules.items()):
        if str(getattr(module, "__file__", "") or "").startswith(str(folder)):
            del sys.modules[name]


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def plugin_rows(registry: Registry) -> dict[str, dict[str, object]]:
    return {p.name: p.row() for p in registry.plugins}


def test_a_third_party_cannot_take_a_first_party_client_or_operator(site: Path) -> None:
    # 'zzz' sorts last (it used to win) and 'aaa-tools' sorts before 'mason-*'
    for dist, entry in (("mason-zzz", "zzz"), ("aaa-tools", "aaa")):
        install(site, dist, "1.0.0", entry, clients=("local",), operators=(("table", "get"),))
    registry = build_registry(None)

    assert registry.clients["local"].plugin == "local"
    assert registry.operator("table", "get").plugin == "operators-table"
    messages = [c.message for c in registry.conflicts]
    assert len(messages) == 4, messages
    for dist in ("mason-zzz 1.0.0", "aaa-tools 1.0.0"):
        assert (
            f"client 'local' is registered by both mason-local 0.2.0 (kept) and {dist} (ignored)"
            in " | ".join(messages)
        ), messages
        assert (
            f"operator 'table get' is registered by both mason-operators-table 0.2.0 (kept) "
            f"and {dist} (ignored)" in " | ".join(messages)
        ), messages
    rows = plugin_rows(registry)
    assert rows["zzz"]["distribution"] == "mason-zzz"
    assert str(rows["zzz"]["status"]).startswith("CONFLICT: ")
    assert "mason-local 0.2.0" in str(rows["zzz"]["status"])
    assert str(rows["local"]["status"]).startswith("CONFLICT: ")  # both sides are told
    assert rows["zzz"]["clients"] == [] and rows["zzz"]["operators"] == []


def test_two_third_parties_keep_the_first_distribution_by_name(site: Path) -> None:
    install(site, "mason-beta", "2.0.0", "a-beta", clients=("acme",))
    install(site, "mason-alpha", "1.0.0", "z-alpha", clients=("acme",))
    registry = build_registry(None)
    assert registry.clients["acme"].plugin == "z-alpha"  # mason-alpha < mason-beta
    (conflict,) = registry.conflicts
    assert conflict.kept == "mason-alpha 1.0.0" and conflict.ignored == "mason-beta 2.0.0"


def test_same_entry_point_name_from_two_distributions(site: Path) -> None:
    install(site, "mason-other-local", "3.0.0", "local", clients=("other",))
    registry = build_registry(None)
    assert "other" not in registry.clients  # its module was never imported
    (conflict,) = registry.conflicts
    assert conflict.kind == "plugin name"
    assert conflict.kept == "mason-local 0.2.0" and conflict.ignored == "mason-other-local 3.0.0"


def test_cli_shows_and_validate_refuses_a_collision(site: Path, tmp_path: Path) -> None:
    install(site, "mason-zzz", "1.0.0", "zzz", operators=(("table", "get"),))
    code, out, _ = invoke("plugins", "--output", "json")
    assert code == 0
    rows = {p["plugin"]: p for p in json.loads(out)["Plugins"]}
    assert rows["zzz"]["distribution"] == "mason-zzz" and rows["zzz"]["version"] == "1.0.0"
    assert "mason-operators-table 0.2.0 (kept)" in rows["zzz"]["status"]

    code, out, err = invoke("validate", "table", "get", "-p", "database_name:d,table_name:t")
    assert code == 2, out
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "mason-operators-table 0.2.0 (kept)" in err and "mason-zzz 1.0.0 (ignored)" in err


def test_validate_passes_without_a_collision(site: Path) -> None:
    install(site, "mason-fine", "1.0.0", "fine", clients=("fine",), operators=(("fine", "op"),))
    code, out, err = invoke("validate", "fine", "op", "-c", "default", "-o", "json")
    # no collision: validation reaches the configuration check (the local default
    # has no 'fine' client for an operator supporting any configuration: valid)
    assert code == 0, err
    assert json.loads(out)["Errors"] == []


def test_registered_definition_overrides_a_plugin_and_says_so(tmp_path: Path) -> None:
    folder = tmp_path / "mine" / "get"
    folder.mkdir(parents=True)
    (folder / "operator.yaml").write_text(operator_yaml("table", "get", "my own table get"))
    (folder / "__init__.py").write_text("")

    code, out, err = invoke("register", str(folder))
    assert code == 0, err
    assert "Registered table get" in out
    assert "(overrides the operator from mason-operators-table 0.2.0)" in out

    code, out, _ = invoke("op", "table", "--output", "json")
    rows = {r["command"]: r for r in json.loads(out)}
    assert rows["get"]["description"] == "my own table get"
    assert rows["get"]["plugin"] == "registered (overrides mason-operators-table 0.2.0)"
    assert rows["list"]["plugin"] == "operators-table"

    code, out, _ = invoke("op", "table", "get", "--help")
    assert "my own table get" in out and "overrides mason-operators-table 0.2.0" in out

    code, out, _ = invoke("plugins", "--output", "json")
    rows = {p["plugin"]: p for p in json.loads(out)["Plugins"]}
    assert "table get" in rows["registered"]["operators"]
    assert "table get" not in rows["operators-table"]["operators"]
    assert rows["registered"]["warnings"] == [
        "operator 'table get' overrides the one from mason-operators-table 0.2.0"
    ]
    # an override is the user's intent, not a collision
    code, _, err = invoke("validate", "table", "list", "-p", "database_name:d")
    assert code == 0, err


def test_load_plugins_variable_selects_by_either_name(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    install(site, "mason-zzz", "1.0.0", "zzz", clients=("local",), operators=(("zzz", "op"),))
    monkeypatch.setenv("MASON_LOAD_PLUGINS", " mason-local, zzz ,nosuch")
    registry = build_registry(None)
    rows = plugin_rows(registry)
    assert rows["local"]["status"] != "not loaded (MASON_LOAD_PLUGINS)"
    assert rows["operators-table"]["status"] == "not loaded (MASON_LOAD_PLUGINS)"
    assert rows["aws"]["status"] == "not loaded (MASON_LOAD_PLUGINS)"
    assert registry.operator_namespaces() == ["zzz"]  # operators-table was left out
    assert set(registry.clients) == {"local"}
    assert "mason_aws" not in " ".join(p.module or "" for p in registry.plugins if p.loaded)
    assert rows["mason-core"]["warnings"] == [
        "MASON_LOAD_PLUGINS names nosuch, which no installed plugin is"
    ]

    monkeypatch.setenv("MASON_LOAD_PLUGINS", "zzz")  # isolates the third party
    registry = build_registry(None)
    assert registry.clients["local"].plugin == "zzz"
    assert registry.conflicts == []


def test_empty_load_plugins_loads_none(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MASON_LOAD_PLUGINS", "")
    registry = build_registry(None)
    assert registry.clients == {} and registry.operators == {}
    assert sorted(registry.engines) == ["execution", "metastore", "scheduler", "storage"]
    assert all(not p.loaded for p in registry.plugins if p.name != "mason-core")


def test_get_plugin_accepts_entry_point_or_distribution_name() -> None:
    for name in ("operators-table", "mason-operators-table", "mason_operators_table"):
        code, out, err = invoke("get", "plugin", name)
        assert code == 0, err
        (row,) = json.loads(out)
        assert row["plugin"] == "operators-table"
        assert row["distribution"] == "mason-operators-table"
        assert row["version"] == "0.2.0"
    code, _, err = invoke("get", "plugin", "mason-nope")
    assert code == 2 and "unknown plugin 'mason-nope'" in err


def test_python_api_plugins_carry_the_distribution() -> None:
    import mason

    found = {p.name: p for p in mason.plugins()}
    assert found["local"].distribution == "mason-local"
    assert found["local"].version == "0.2.0"
    assert found["local"].label == "mason-local 0.2.0"


def test_registered_workflow_overrides_a_plugin_and_says_so(tmp_path: Path) -> None:
    folder = tmp_path / "wf" / "infer"
    folder.mkdir(parents=True)
    (folder / "workflow.yaml").write_text(
        "type: workflow\nnamespace: table\ncommand: infer\ndescription: my infer\n"
        "dag:\n  - id: only\n    type: operator\n    namespace: table\n    command: infer\n"
        "supported_schedulers: [local]\n"
    )
    code, out, err = invoke("register", str(folder))
    assert code == 0, err
    assert "(overrides the workflow from mason-operators-table 0.2.0)" in out
    code, out, err = invoke("wf", "--output", "json")
    assert code == 0, err
    rows = {r["command"]: r for r in json.loads(out) if r["namespace"] == "table"}
    assert rows["infer"]["description"] == "my infer"
    assert rows["infer"]["plugin"] == "registered (overrides mason-operators-table 0.2.0)"
    assert rows["export"]["plugin"] == "operators-table"


def test_python_api_validate_refuses_a_collision(site: Path) -> None:
    import mason

    install(site, "mason-zzz", "1.0.0", "zzz", clients=("local",))
    with pytest.raises(mason.MasonUsageError) as caught:
        mason.validate("table", "list", database_name="d")
    assert "client 'local' is registered by both mason-local 0.2.0 (kept)" in str(caught.value)
    assert caught.value.exit_code == 2
