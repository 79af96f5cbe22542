"""Bad input to the operators: reported before anything runs, as usage errors (exit 2)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import mason
from mason import ParameterError, UnsupportedConfigurationError
from mason_core.runtime import default_session

from .conftest import Dataset

Run = Callable[..., mason.Response]


def save_config(path: Path, text: str) -> None:
    path.write_text(text)
    store = default_session().configs
    store.save(store.read_file(path))


def test_missing_parameter_is_raised_before_running(mason_home: Path, tmp_path: Path) -> None:
    with pytest.raises(ParameterError) as caught:
        mason.run("table", "infer", database_name="lake")

    assert "storage_path" in str(caught.value)
    assert caught.value.exit_code == 2
    # no engine was built: the local client never created its catalog
    assert not (mason_home / "clients").exists()


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(ParameterError) as caught:
        mason.run("table", "query", output_format="xml", overwrite="maybe", colour="red")

    message = str(caught.value)
    for name in ("query_string", "database_name", "colour", "output_format", "overwrite"):
        assert name in message
    assert "\n" not in message


def test_unsupported_configuration_names_engine_and_client(tmp_path: Path) -> None:
    save_config(
        tmp_path / "no_metastore.yaml",
        "type: config\nid: no-metastore\nstorage_engine: local\nexecution_engine: local\n",
    )

    # an operator naming its clients says which client the engine needs
    with pytest.raises(UnsupportedConfigurationError) as caught:
        mason.run("table", "infer", config_id="no-metastore", storage_path="x", database_name="l")

    message = str(caught.value)
    assert "metastore needs client 'local'" in message
    assert "no-metastore" in message
    assert caught.value.exit_code == 2
    # one requiring verbs says which engine and verbs it needs
    with pytest.raises(UnsupportedConfigurationError) as caught:
        mason.run("table", "list", config_id="no-metastore", database_name="lake")
    message = str(caught.value)
    assert "needs a metastore engine and the configuration assigns none" in message
    assert "(requires metastore: list_tables)" in message
    # an operator that only needs execution runs on the same configuration
    assert mason.run("job", "get", config_id="no-metastore", job_id="x").exit_code == 1


def test_configuration_is_selected_by_id(run: Run, sales_csv: Dataset, tmp_path: Path) -> None:
    catalog = tmp_path / "alt" / "catalog.sqlite"
    save_config(
        tmp_path / "alt.yaml",
        "type: config\nid: alt\nmetastore_engine: local\nstorage_engine: local\n"
        f"execution_engine: local\nclients:\n  local:\n    configuration:\n"
        f"      catalog_path: {catalog}\n",
    )

    run("table", "infer", config_id="alt", storage_path=str(sales_csv.path), database_name="lake")

    assert catalog.is_file()
    assert [d.name for d in run("database", "list", config_id="alt").data] == ["lake"]
    assert run("database", "list", config_id="default").data == []
