"""An operator that nothing installed provides is named with the distribution
that does, on every path that names it: ``mason op NS CMD`` (run, help and
namespace listing), ``mason.run``, and the server. ``MASON_LOAD_PLUGINS=local``
loads mason-local without the operator bundle, so every session (the server's
too) builds a registry without it; tests/packaging does the same with a bare
``mason-core`` installed from its wheel.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

import mason
from mason_core.cli.app import app
from mason_core.config.providers import OPERATOR_PROVIDERS
from mason_core.errors import UnknownOperatorError
from mason_core.plugins import build_registry
from mason_core.runtime import reset_sessions
from mason_core.server import ServerSettings
from tests.server.conftest import serve

HINT = "(comes with mason-operators-table: pip install mason-operators-table)"


@pytest.fixture
def without_bundle(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MASON_LOAD_PLUGINS", "local")
    reset_sessions()


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stderr


@pytest.mark.usefixtures("without_bundle")
def test_the_cli_names_the_distribution() -> None:
    code, err = invoke("op", "table", "get", "-p", "database_name:d,table_name:t")
    assert code == 2
    assert err == f"error: unknown operator 'table get' {HINT}; namespaces: none\n"
    code, err = invoke("op", "table", "get", "--help")
    assert code == 2 and HINT in err
    code, err = invoke("op", "database")
    assert code == 2
    assert err == f"error: unknown operator namespace 'database' {HINT}; namespaces: none\n"
    code, err = invoke("op", "job", "get", "--validate", "-p", "job_id:x")
    assert code == 2 and HINT in err
    code, err = invoke("wf", "table", "infer")
    assert code == 2 and f"unknown workflow 'table infer' {HINT}" in err
    code, err = invoke("wf", "table")
    assert code == 2 and f"no workflows in namespace 'table' {HINT}" in err


@pytest.mark.usefixtures("without_bundle")
def test_the_python_api_names_the_distribution() -> None:
    with pytest.raises(UnknownOperatorError) as raised:
        mason.run("table", "get", database_name="d", table_name="t")
    assert str(raised.value) == f"unknown operator 'table get' {HINT}; namespaces: none"
    with pytest.raises(UnknownOperatorError, match="pip install mason-operators-table"):
        mason.validate("schedule", "delete", schedule_name="s")


@pytest.mark.usefixtures("without_bundle")
def test_the_server_names_the_distribution(isolated_mason_home: Path, tmp_path: Path) -> None:
    settings = ServerSettings(root=tmp_path, home=isolated_mason_home)
    with serve(settings) as url, httpx.Client(base_url=url, timeout=60) as client:
        for method, path in [
            ("GET", "/api/operators/table/get"),
            ("POST", "/api/operators/table/get/run"),
            ("POST", "/api/operators/table/get/validate"),
        ]:
            answer = client.request(method, path)
            assert answer.status_code == 404, answer.text
            assert answer.json()["Errors"] == [
                f"unknown operator 'table get' {HINT}; namespaces: none"
            ], path


def test_an_installed_namespace_lists_its_commands_instead() -> None:
    code, err = invoke("op", "table", "gett")
    assert code == 2 and "'table' has: " in err and "pip install" not in err
    # a namespace Mason does not know of gets no hint
    code, err = invoke("op", "acme", "get")
    assert code == 2 and "pip install" not in err and "namespaces: database, job" in err


def test_the_providers_table_matches_the_bundle(tmp_path: Path) -> None:
    registry = build_registry(tmp_path / "home")
    bundle = {s.namespace for s in registry.operator_specs() if s.plugin == "operators-table"}
    assert bundle == {ns for ns, dist in OPERATOR_PROVIDERS.items()}
    assert set(OPERATOR_PROVIDERS.values()) == {"mason-operators-table"}
