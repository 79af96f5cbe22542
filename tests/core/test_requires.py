"""Operators that declare engines and verbs (``requires``) run on any client
serving them; named pairings keep working; mismatches say what is missing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from mason_core.cli.app import app
from mason_core.config.model import ValidConfig
from mason_core.errors import UnsupportedConfigurationError
from mason_core.models import Table
from mason_core.operators.spec import OperatorSpec, parse_operator
from mason_core.operators.support import capable_clients, describe_combination, match_operator
from mason_core.registry import ClientSpec, Registry

from .clients import CloudConfig, CloudMetastore, test_registry


class TableMetastore(CloudMetastore):
    """Serves get_table besides list_databases."""

    def get_table(self, database_name: str, table_name: str) -> Table:
        return Table(name=table_name, database=database_name)


@pytest.fixture
def registry() -> Registry:
    found = test_registry()
    found.clients["tables"] = ClientSpec(
        name="tables",
        config_model=CloudConfig,
        engines={"metastore": f"{__name__}:TableMetastore"},
        description="",
        plugin="tests",
    )
    return found


def config(**engines: list[str]) -> ValidConfig:
    return ValidConfig(id="mine", engines=dict(engines), clients={})


GET = OperatorSpec(namespace="t", command="get", requires={"metastore": ["get_table"]})


def test_the_first_configured_client_serving_the_verbs_is_chosen(registry: Registry) -> None:
    # 'cloud' comes first but does not serve get_table; 'tables' does
    chosen = match_operator(GET, config(metastore=["cloud", "tables"]), registry)
    assert chosen == {"metastore": "tables"}
    lister = OperatorSpec(namespace="d", command="list", requires={"metastore": ["list_databases"]})
    assert match_operator(lister, config(metastore=["cloud", "tables"]), registry) == {
        "metastore": "cloud"
    }


def test_a_mismatch_names_the_engine_the_client_and_the_missing_verb(
    registry: Registry,
) -> None:
    with pytest.raises(UnsupportedConfigurationError) as caught:
        match_operator(GET, config(metastore=["cloud"]), registry)
    message = caught.value.message
    assert "operator 't get' does not support configuration 'mine'" in message
    assert "metastore client 'cloud' does not serve get_table" in message
    assert caught.value.exit_code == 2

    with pytest.raises(UnsupportedConfigurationError, match="needs a metastore engine"):
        match_operator(GET, config(storage=["embedded"]), registry)


def test_named_pairings_still_match_by_client(registry: Registry) -> None:
    paired = OperatorSpec(
        namespace="t", command="sync", supported_configurations=[{"metastore": "tables"}]
    )
    assert match_operator(paired, config(metastore=["tables"]), registry) == {"metastore": "tables"}
    with pytest.raises(UnsupportedConfigurationError, match="metastore needs client 'tables'"):
        match_operator(paired, config(metastore=["cloud"]), registry)


def test_capable_clients_are_read_off_the_implementations(registry: Registry) -> None:
    assert capable_clients(GET, registry) == [{"metastore": ["tables"]}]
    both = OperatorSpec(namespace="d", command="list", requires={"metastore": ["list_databases"]})
    assert capable_clients(both, registry) == [{"metastore": ["cloud", "tables"]}]
    nobody = OperatorSpec(namespace="t", command="x", requires={"metastore": ["refresh_table"]})
    assert describe_combination(capable_clients(nobody, registry)[0]) == (
        "metastore: (no installed client)"
    )
    # named entries whose clients are not installed drop out
    paired = OperatorSpec(
        namespace="t",
        command="y",
        supported_configurations=[{"metastore": "glue-x"}, {"metastore": "tables"}],
    )
    assert capable_clients(paired, registry) == [{"metastore": ["tables"]}]
    free = OperatorSpec(namespace="t", command="z")
    assert describe_combination(capable_clients(free, registry)[0]) == "any configuration"


def test_a_definition_declares_verbs_or_clients_not_both(tmp_path: Path) -> None:
    path = tmp_path / "operator.yaml"
    path.write_text(
        "type: operator\nnamespace: t\ncommand: get\nrequires:\n  metastore: get_table\n"
    )
    assert parse_operator(path, "tests").requires == {"metastore": ["get_table"]}
    with pytest.raises(ValidationError, match="either 'requires'"):
        OperatorSpec(
            namespace="t",
            command="get",
            requires={"metastore": ["get_table"]},
            supported_configurations=[{"metastore": "local"}],
        )


def test_get_operator_and_help_show_the_installed_clients_that_can_run_it() -> None:
    runner = CliRunner()
    shown = runner.invoke(app, ["get", "operator", "table", "get"])
    assert shown.exit_code == 0, shown.output
    data = json.loads(shown.output)
    assert data["requires"] == {"metastore": ["get_table"]}
    [combination] = data["capable_clients"]
    assert set(combination["metastore"]) >= {"athena", "glue", "local", "s3"}

    helped = runner.invoke(app, ["op", "table", "get", "--help"])
    assert helped.exit_code == 0, helped.output
    assert "Requires (engine: verbs):\n  metastore: get_table" in helped.output
    assert "Installed clients that can run it:\n  metastore: athena | glue | local" in (
        helped.output
    )
    paired = runner.invoke(app, ["op", "table", "infer", "--help"])
    assert "metastore: local + storage: local" in paired.output


def test_plugins_lists_what_each_operator_needs_and_who_can_run_it() -> None:
    shown = CliRunner().invoke(app, ["plugins", "--output", "json"])
    assert shown.exit_code == 0, shown.output
    rows = {r["operator"]: r for r in json.loads(shown.output)["Operators"]}
    assert rows["table get"]["needs"] == "metastore: get_table"
    assert rows["table get"]["runs_on"].startswith("metastore: athena | glue | local")
    assert rows["table infer"]["needs"] == "named clients"
    assert "metastore: local + storage: local" in rows["table infer"]["runs_on"]
