"""``table infer``, ``table list``, ``table get`` and ``database list`` on the local default."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import mason
from mason import models

from .conftest import Dataset

Run = Callable[..., mason.Response]


def _types(table: models.Table) -> dict[str, str]:
    return {c.name: c.type for c in table.table_schema.columns}


def test_infer_parquet_folder(run: Run, events_parquet: Dataset) -> None:
    response = run("table", "infer", storage_path=str(events_parquet.path), database_name="lake")

    [table] = response.data
    assert isinstance(table, models.Table)
    assert (table.database, table.name, table.format) == ("lake", "events", "parquet")
    assert _types(table) == {"event_id": "int64", "kind": "string", "value": "double"}
    assert table.partition_keys == []
    assert Path(str(table.location)).resolve() == events_parquet.path.resolve()
    assert response.info[0].startswith("Registered table lake.events (3 columns, format parquet")
    assert response.warnings == []


def test_infer_csv_with_hive_partitions(run: Run, sales_csv: Dataset) -> None:
    response = run(
        "table",
        "infer",
        storage_path=str(sales_csv.path),
        database_name="lake",
        table_name="orders",
    )

    [table] = response.data
    assert (table.name, table.format) == ("orders", "csv")
    assert [c.name for c in table.partition_keys] == ["region"]
    assert sorted(p.values["region"] for p in table.partitions or []) == ["eu", "us"]
    # partition keys are not data columns: they come from the folder names
    assert _types(table) == {
        "order_id": "int64",
        "product": "string",
        "quantity": "int64",
        "price": "double",
    }
    assert response.info == ["Registered table lake.orders (4 columns, format csv, 2 partitions)"]


def test_reinfer_replaces_the_table(run: Run, sales_csv: Dataset) -> None:
    run("table", "infer", storage_path=str(sales_csv.path), database_name="lake")
    extra = sales_csv.path / "region=apac"
    extra.mkdir()
    (extra / "part-0.csv").write_text("order_id,product,quantity,price\n99,p9,1,2.5\n")

    response = run("table", "infer", storage_path=str(sales_csv.path), database_name="lake")

    assert response.info[0].startswith("Replaced table lake.sales")
    assert "3 partitions" in response.info[0]
    assert [t.name for t in run("table", "list", database_name="lake").data] == ["sales"]
    [table] = run("table", "get", database_name="lake", table_name="sales").data
    assert sorted(p.values["region"] for p in table.partitions or []) == ["apac", "eu", "us"]


def test_conflicting_schemas_are_warnings(run: Run, tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder = tmp_path / "mixed"
    folder.mkdir()
    pq.write_table(pa.table({"id": [1, 2], "code": [10, 20]}), folder / "a.parquet")
    pq.write_table(pa.table({"id": [3], "code": ["x"]}), folder / "b.parquet")

    response = run("table", "infer", storage_path=str(folder), database_name="lake")

    assert "column 'code' by file: int64 in a.parquet; string in b.parquet" in response.warnings
    assert response.data[0].name == "mixed"


def test_list_get_and_database_list(run: Run, sales_csv: Dataset, events_parquet: Dataset) -> None:
    run("table", "infer", storage_path=str(sales_csv.path), database_name="lake")
    run("table", "infer", storage_path=str(events_parquet.path), database_name="lake")
    run("table", "infer", storage_path=str(events_parquet.path), database_name="archive")

    listed = run("table", "list", database_name="lake")
    assert sorted(t.name for t in listed.data) == ["events", "sales"]
    assert listed.info == ["2 tables in database lake"]

    got = run("table", "get", database_name="lake", table_name="sales")
    [table] = got.data
    assert Path(str(table.location)).resolve() == sales_csv.path.resolve()
    assert [c.name for c in table.partition_keys] == ["region"]
    envelope = got.envelope()
    assert envelope["Errors"] == []
    assert envelope["Data"][0]["Name"] == "sales"
    assert "Columns" in envelope["Data"][0]["Schema"]

    databases = run("database", "list")
    assert sorted(d.name for d in databases.data) == ["archive", "lake"]
    assert databases.info == ["2 databases"]


def test_get_unknown_table_fails_naming_it(run: Run, events_parquet: Dataset) -> None:
    run("table", "infer", storage_path=str(events_parquet.path), database_name="lake")

    response = mason.run("table", "get", database_name="lake", table_name="nope")

    assert not response.ok
    assert response.exit_code == 1
    assert response.data == []
    assert len(response.errors) == 1
    assert "nope" in response.errors[0]
    assert "\n" not in response.errors[0]


def test_infer_missing_path_fails(run: Run, tmp_path: Path) -> None:
    response = mason.run(
        "table", "infer", storage_path=str(tmp_path / "absent"), database_name="lake"
    )

    assert response.exit_code == 1
    assert "absent" in response.errors[0]
    # nothing is registered when inference fails
    assert run("database", "list").data == []


def test_list_unknown_database_fails_naming_it(run: Run, events_parquet: Dataset) -> None:
    run("table", "infer", storage_path=str(events_parquet.path), database_name="lake")

    response = mason.run("table", "list", database_name="nope")

    assert response.exit_code == 1
    assert "nope" in response.errors[0]
