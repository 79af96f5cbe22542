"""The example workflows of mason-operators-table, on the real local client."""

from __future__ import annotations

import shutil
from pathlib import Path

import mason_operators_table
import pytest
import yaml

from mason_core.runtime import Session
from mason_core.workflows import run_workflow

PACKAGE = Path(mason_operators_table.__file__).parent
PARAMETERS = PACKAGE / "workflows" / "parameters"


@pytest.fixture
def sales(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The bundled samples copied to a working directory, as the parameter files expect."""
    shutil.copytree(PACKAGE / "samples", tmp_path / "samples")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def table_exists(session: Session, database: str, table: str) -> bool:
    return session.run("table", "get", {"database_name": database, "table_name": table}).ok


def test_examples_are_registered_by_the_plugin(session: Session) -> None:
    names = {(s.namespace, s.command) for s in session.registry.workflows.values()}
    assert {("table", "infer"), ("table", "validated_infer"), ("table", "export")} <= names


def test_table_infer_runs_one_step(session: Session, sales: Path) -> None:
    record = run_workflow("table", "infer", PARAMETERS / "table_infer.yaml")
    assert record.status == "succeeded"
    (only,) = record.steps
    assert only.output is not None and only.output["Data"][0]["Name"] == "sales"
    assert table_exists(session, "samples", "sales")


def validated_params(tmp_path: Path, storage_path: str) -> Path:
    params = yaml.safe_load((PARAMETERS / "table_validated_infer.yaml").read_text())
    params["step_1"]["parameters"]["storage_path"] = storage_path
    target = tmp_path / "validated.yaml"
    target.write_text(yaml.safe_dump(params))
    return target


def test_validated_infer_keeps_a_table_with_rows(session: Session, sales: Path) -> None:
    record = run_workflow("table", "validated_infer", validated_params(sales, "samples/sales/"))
    assert record.status == "succeeded"
    assert [s.status for s in record.steps] == ["succeeded"] * 4 + ["skipped"]
    assert record.step("step_5").error == (
        "table checked: the query found rows, nothing to clean up"
    )
    assert table_exists(session, "samples", "sales")


def test_validated_infer_deletes_a_table_whose_check_fails(session: Session, sales: Path) -> None:
    empty = sales / "empty"
    empty.mkdir()
    (empty / "part-0.csv").write_text("order_id,product\n")  # a header and no rows
    record = run_workflow("table", "validated_infer", validated_params(sales, "empty/"))
    assert [s.status for s in record.steps] == ["succeeded"] * 5
    assert record.status == "succeeded"
    assert not table_exists(session, "samples", "sales")


def test_table_export_queries_then_formats_and_repartitions(session: Session, sales: Path) -> None:
    assert run_workflow("table", "infer", PARAMETERS / "table_infer.yaml").ok
    record = run_workflow("table", "export", PARAMETERS / "table_export.yaml")
    assert record.status == "succeeded"
    assert [s.operator for s in record.steps] == ["table query", "table infer", "table format"]
    out = sales / "exports" / "big_sales_by_region"
    regions = sorted(p.name for p in out.iterdir() if p.is_dir())
    assert regions == ["region=apac", "region=eu", "region=us"]
    assert all(any(p.glob("*.csv")) for p in out.iterdir() if p.is_dir())
