"""``table delete``, ``table refresh``, ``table fake`` and ``schedule delete``
against the real local catalog, files and scheduler."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pyarrow.parquet as pq
import pytest

import mason

from .conftest import read_dataset, write_csv

# -- delete ---------------------------------------------------------------------------


def _table_names(run: Callable[..., mason.Response], database: str) -> list[str]:
    return [t.name for t in run("table", "list", database_name=database).data]


def test_delete_keeps_data_by_default(
    sales: mason.models.Table, run: Callable[..., mason.Response]
) -> None:
    response = run("table", "delete", database_name="shop", table_name="sales")
    assert response.data[0].name == "sales"
    assert _table_names(run, "shop") == []
    assert Path(str(sales.location)).is_dir()
    assert any("left in place" in line for line in response.info)


def test_delete_with_delete_data_removes_the_files(
    sales: mason.models.Table, run: Callable[..., mason.Response]
) -> None:
    run("table", "delete", database_name="shop", table_name="sales", delete_data=True)
    assert _table_names(run, "shop") == []
    assert not Path(str(sales.location)).exists()


def test_delete_data_refused_when_another_table_reads_it(
    sales: mason.models.Table, run: Callable[..., mason.Response]
) -> None:
    eu = Path(str(sales.location)) / "region=eu"
    run("table", "infer", storage_path=str(eu), database_name="other", table_name="eu")
    response = mason.run(
        "table", "delete", database_name="shop", table_name="sales", delete_data=True
    )
    assert response.exit_code == 2
    assert "other.eu" in response.errors[0]
    assert _table_names(run, "shop") == ["sales"]  # nothing happened
    assert eu.is_dir()


def test_delete_missing_table(sales: mason.models.Table) -> None:
    response = mason.run("table", "delete", database_name="shop", table_name="nope")
    assert response.exit_code == 1
    assert "table 'nope' not found" in response.errors[0]


# -- refresh --------------------------------------------------------------------------


def test_refresh_picks_up_a_new_partition(
    sales: mason.models.Table, run: Callable[..., mason.Response]
) -> None:
    root = Path(str(sales.location))
    write_csv(
        root / "region=apac" / "part-0.csv", [{"order_id": 9, "product": "kiwi", "quantity": 4}]
    )
    response = run("table", "refresh", database_name="shop", table_name="sales")
    table = response.data[0]
    assert sorted(p.values["region"] for p in table.partitions or []) == ["apac", "eu", "us"]
    assert table.file_count == 3
    assert "1 new partition (region=apac)" in response.info[0]
    assert "files 2 -> 3" in response.info[0]
    stored = run("table", "get", database_name="shop", table_name="sales").data[0]
    assert stored.file_count == 3
    rows = run(
        "table", "query", database_name="shop", query_string="SELECT count(*) AS n FROM sales"
    ).data[0]
    assert rows.preview == [{"n": 9}]


def test_refresh_without_changes_says_so(
    sales: mason.models.Table, run: Callable[..., mason.Response]
) -> None:
    response = run("table", "refresh", database_name="shop", table_name="sales")
    assert response.info[0].endswith("unchanged")


def test_refresh_of_a_vanished_location_fails(
    sales: mason.models.Table, run: Callable[..., mason.Response]
) -> None:
    import shutil

    shutil.rmtree(str(sales.location))
    response = mason.run("table", "refresh", database_name="shop", table_name="sales")
    assert response.exit_code == 1
    assert "does not exist" in response.errors[0]
    assert _table_names(run, "shop") == ["sales"]


# -- fake -----------------------------------------------------------------------------


def test_fake_is_deterministic(tmp_path: Path, run: Callable[..., mason.Response]) -> None:
    columns = ["id:id", "word:string", "n:integer", "x:double", "ok:boolean", "day:date"]
    for name in ("a", "b"):
        run("table", "fake", output_path=str(tmp_path / name), rows=500, seed=7, columns=columns)
    run("table", "fake", output_path=str(tmp_path / "c"), rows=500, seed=8, columns=columns)
    a, b, c = (read_dataset(tmp_path / n) for n in "abc")
    assert len(a) == 500
    assert a == b
    assert a != c
    assert [r["id"] for r in a] == list(range(1, 501))
    assert set(a[0]) == {"id", "word", "n", "x", "ok", "day"}
    assert all(0 <= r["n"] < 1000 for r in a)


def test_fake_values_do_not_depend_on_other_columns_or_row_count(
    tmp_path: Path, run: Callable[..., mason.Response]
) -> None:
    run("table", "fake", output_path=str(tmp_path / "a.parquet"), rows=70_000, columns=["x:double"])
    run(
        "table",
        "fake",
        output_path=str(tmp_path / "b.parquet"),
        rows=10,
        columns=["name:string", "x:double"],
    )
    a = pq.read_table(tmp_path / "a.parquet").column("x").to_pylist()
    b = pq.read_table(tmp_path / "b.parquet").column("x").to_pylist()
    assert len(a) == 70_000
    assert a[:10] == b


def test_fake_csv_registered_as_a_table(tmp_path: Path, run: Callable[..., mason.Response]) -> None:
    out = tmp_path / "people.csv"
    response = run(
        "table",
        "fake",
        output_path=str(out),
        rows=25,
        format="csv",
        columns=["id:id", "city:string"],
        database_name="demo",
    )
    table = response.data[0]
    assert (table.database, table.name, table.format) == ("demo", "people", "csv")
    assert out.read_text().splitlines()[0].replace('"', "") == "id,city"
    counted = run(
        "table", "query", database_name="demo", query_string="SELECT count(*) AS n FROM people"
    ).data[0]
    assert counted.preview == [{"n": 25}]


def test_fake_refuses_existing_output(tmp_path: Path, run: Callable[..., mason.Response]) -> None:
    out = tmp_path / "x"
    run("table", "fake", output_path=str(out), rows=3)
    before = read_dataset(out)
    response = mason.run("table", "fake", output_path=str(out), rows=5, seed=1)
    assert response.exit_code == 1
    assert "already exists" in response.errors[0]
    assert read_dataset(out) == before
    run("table", "fake", output_path=str(out), rows=5, seed=1, overwrite=True)
    assert len(read_dataset(out)) == 5


@pytest.mark.parametrize(
    ("columns", "message"),
    [(["a:complex"], "unknown type 'complex'"), (["a:int", "a:string"], "given twice")],
)
def test_fake_bad_columns_are_bad_input(tmp_path: Path, columns: list[str], message: str) -> None:
    response = mason.run("table", "fake", output_path=str(tmp_path / "x"), columns=columns)
    assert response.exit_code == 2
    assert message in response.errors[0]
    assert not (tmp_path / "x").exists()


# -- schedule delete ------------------------------------------------------------------


def test_schedule_delete(run: Callable[..., mason.Response]) -> None:
    from mason_local.config import LocalClientConfig
    from mason_local.scheduler import LocalScheduler

    from mason_core.engines import EngineContext
    from mason_core.home import MasonHome

    scheduler = LocalScheduler(
        LocalClientConfig(), EngineContext(client="local", home=MasonHome.from_env().path)
    )
    dag = mason.models.Dag(
        name="nightly",
        steps=[mason.models.DagStep(id="s1", namespace="table", command="list")],
        schedule=mason.models.Schedule(name="nightly", expression="0 3 * * *"),
    )
    scheduler.register_dag(dag)
    assert [d.name for d in scheduler.list_dags()] == ["nightly"]

    response = run("schedule", "delete", schedule_name="nightly")
    assert "Deleted schedule nightly" in response.info
    assert scheduler.list_dags() == []

    again = mason.run("schedule", "delete", schedule_name="nightly")
    assert again.exit_code == 1
    assert "nightly" in again.errors[0]
