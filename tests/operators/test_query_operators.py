"""``table query`` and ``job get`` on the local default (DuckDB over the catalog)."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import mason
from mason import models

from .conftest import Dataset

Run = Callable[..., mason.Response]

BY_REGION = (
    "SELECT region, count(*) AS orders, sum(quantity) AS units "
    "FROM sales GROUP BY region ORDER BY region"
)


@pytest.fixture
def lake(run: Run, sales_csv: Dataset) -> Dataset:
    run("table", "infer", storage_path=str(sales_csv.path), database_name="lake")
    return sales_csv


def by_region(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What BY_REGION should return, computed from the rows the fixture wrote."""
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row in rows:
        totals[row["region"]][0] += 1
        totals[row["region"]][1] += row["quantity"]
    return [
        {"region": region, "orders": n, "units": units}
        for region, (n, units) in sorted(totals.items())
    ]


def normalised(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {"region": str(r["region"]), "orders": int(r["orders"]), "units": int(r["units"])}
        for r in rows
    ]


def test_query_returns_a_preview(run: Run, lake: Dataset) -> None:
    response = run("table", "query", database_name="lake", query_string=BY_REGION)

    [job] = response.data
    assert isinstance(job, models.ExecutedJob)
    assert (job.kind, job.status) == ("query", models.JobStatus.SUCCEEDED)
    assert normalised(job.preview) == by_region(lake.rows)
    assert job.row_count == 2
    assert [c.name for c in job.columns] == ["region", "orders", "units"]
    assert job.result_location is None
    assert job.id in response.info[0]
    assert response.envelope()["Data"][0]["Status"] == "succeeded"


def test_query_writes_output_and_refuses_to_overwrite(
    run: Run, lake: Dataset, tmp_path: Path
) -> None:
    import pyarrow.parquet as pq

    out = tmp_path / "results" / "by_region.parquet"
    [job] = run(
        "table", "query", database_name="lake", query_string=BY_REGION, output_path=str(out)
    ).data
    assert job.result_location is not None
    assert Path(job.result_location).resolve() == out.resolve()
    assert normalised(pq.read_table(out).to_pylist()) == by_region(lake.rows)

    again = mason.run(
        "table",
        "query",
        database_name="lake",
        query_string="SELECT 1 AS one",
        output_path=str(out),
    )
    assert again.exit_code == 1
    assert "exists" in again.errors[0]
    assert normalised(pq.read_table(out).to_pylist()) == by_region(lake.rows)

    run(
        "table",
        "query",
        database_name="lake",
        query_string="SELECT count(*) AS n FROM sales",
        output_path=str(out),
        overwrite=True,
    )
    assert pq.read_table(out).to_pylist() == [{"n": len(lake.rows)}]


def test_query_csv_output(run: Run, lake: Dataset, tmp_path: Path) -> None:
    import csv

    out = tmp_path / "by_region.csv"
    run(
        "table",
        "query",
        database_name="lake",
        query_string=BY_REGION,
        output_path=str(out),
        output_format="csv",
    )

    with out.open(newline="") as fh:
        assert normalised(list(csv.DictReader(fh))) == by_region(lake.rows)


def test_failed_query_names_its_job_for_job_get(run: Run, lake: Dataset) -> None:
    response = mason.run(
        "table", "query", database_name="lake", query_string="SELECT no_such_column FROM sales"
    )

    assert response.exit_code == 1
    assert response.data == []
    match = re.match(r"query job (\S+) failed: (.+)", response.errors[0])
    assert match, response.errors
    assert "no_such_column" in match.group(2)

    fetched = run("job", "get", job_id=match.group(1))
    [job] = fetched.data
    assert job.id == match.group(1)
    assert job.status is models.JobStatus.FAILED
    assert "no_such_column" in (job.error or "")
    assert fetched.warnings and match.group(1) in fetched.warnings[0]


def test_job_get_returns_the_query_record(run: Run, lake: Dataset) -> None:
    [ran] = run("table", "query", database_name="lake", query_string=BY_REGION).data

    [job] = run("job", "get", job_id=ran.id).data

    assert (job.id, job.kind, job.status) == (ran.id, "query", models.JobStatus.SUCCEEDED)
    assert job.row_count == ran.row_count
    assert job.started_at is not None and job.finished_at is not None


def test_job_get_unknown_id_fails(run: Run) -> None:
    response = mason.run("job", "get", job_id="no-such-job")

    assert response.exit_code == 1
    assert "no-such-job" in response.errors[0]


def test_query_on_database_without_tables_fails(run: Run) -> None:
    response = mason.run("table", "query", database_name="void", query_string="SELECT 1")

    assert response.exit_code == 1
    assert "void" in response.errors[0]


def test_a_broken_table_fails_only_the_queries_that_read_it(
    run: Run, lake: Dataset, events_parquet: Dataset
) -> None:
    """Each query binds only the tables it names: a vanished table's folder
    fails a query over it, naming the table, and nothing else in the database."""
    run("table", "infer", storage_path=str(events_parquet.path), database_name="lake")
    for file in events_parquet.path.iterdir():
        file.unlink()
    events_parquet.path.rmdir()

    healthy = run("table", "query", database_name="lake", query_string=BY_REGION)
    assert normalised(healthy.data[0].preview) == by_region(lake.rows)

    broken = mason.run(
        "table", "query", database_name="lake", query_string="SELECT count(*) FROM events"
    )
    assert not broken.ok and broken.exit_code == 1
    assert any("lake.events" in error for error in broken.errors), broken.errors


def test_a_truncated_file_fails_only_queries_over_its_table(
    run: Run, lake: Dataset, events_parquet: Dataset
) -> None:
    run("table", "infer", storage_path=str(events_parquet.path), database_name="lake")
    victim = sorted(events_parquet.path.glob("*.parquet"))[0]
    victim.write_bytes(victim.read_bytes()[:40])

    assert run("table", "query", database_name="lake", query_string=BY_REGION).ok
    broken = mason.run(
        "table", "query", database_name="lake", query_string="SELECT * FROM lake.events"
    )
    assert not broken.ok and broken.exit_code == 1
    assert any("events" in error for error in broken.errors), broken.errors
