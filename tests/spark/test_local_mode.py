"""The table operators on the ``spark`` client with a real pyspark in local
mode, in-process: outputs, staging and overwrite rules, job records."""

from __future__ import annotations

from pathlib import Path

import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

import mason
from mason_core.models import JobStatus
from tests.spark.conftest import Dataset, Run, execution_engine


def read_rows(path: Path, fmt: str = "parquet") -> list[dict[str, object]]:
    dataset = ds.dataset(str(path), format=fmt, partitioning="hive")
    return dataset.to_table().to_pylist()


def key(row: dict[str, object]) -> tuple[str, ...]:
    return tuple(f"{k}={row[k]!r}" for k in sorted(row))


def test_merge_unifies_mixed_formats_and_columns(
    run: Run, spark_config: str, mixed_input: Dataset, tmp_path: Path
) -> None:
    out = tmp_path / "out" / "orders"

    job = run(
        "table", "merge", config_id=spark_config,
        input_path=str(mixed_input.path), output_path=str(out),
    ).data[0]  # fmt: skip

    assert job.status == JobStatus.SUCCEEDED
    assert job.client == "spark"
    assert job.row_count == len(mixed_input.rows) == 7
    assert job.metrics["files"] == 4
    assert job.metrics["runner"] == "local"
    assert {c.name for c in job.columns} == {
        "order_id",
        "product",
        "quantity",
        "price",
        "coupon",
        "region",
    }
    got = read_rows(out)
    assert sorted(map(key, got)) == sorted(map(key, mixed_input.rows))
    assert len(job.preview) == 7
    # committed whole: no staging folder left beside the output
    assert [p.name for p in out.parent.iterdir()] == ["orders"]


def test_merge_partitions_and_single_file_outputs(
    run: Run, spark_config: str, mixed_input: Dataset, tmp_path: Path
) -> None:
    parted = tmp_path / "by_region"
    run(
        "table", "merge", config_id=spark_config, input_path=str(mixed_input.path),
        output_path=str(parted), repartition_keys=["region"],
    )  # fmt: skip
    assert sorted(p.name for p in parted.iterdir() if not p.name.startswith((".", "_"))) == [
        "region=apac",
        "region=eu",
        "region=us",
    ]
    assert len(read_rows(parted)) == 7

    single = tmp_path / "orders.csv"
    job = run(
        "table", "merge", config_id=spark_config, input_path=str(mixed_input.path),
        output_path=str(single), format="csv", extract_paths=["region=eu"],
    ).data[0]  # fmt: skip
    assert single.is_file()
    lines = single.read_text().splitlines()
    assert lines[0].split(",")[0] == "order_id"
    assert len(lines) == 1 + 4 == 1 + job.row_count


def test_existing_output_is_kept_unless_overwrite(
    spark_config: str, mixed_input: Dataset, tmp_path: Path
) -> None:
    out = tmp_path / "taken"
    out.mkdir()
    (out / "old.parquet").write_bytes(b"a previous output")

    refused = mason.run(
        "table", "merge", config_id=spark_config,
        input_path=str(mixed_input.path), output_path=str(out),
    )  # fmt: skip
    assert refused.exit_code == 1
    assert "already exists" in refused.errors[0]
    assert (out / "old.parquet").read_bytes() == b"a previous output"

    replaced = mason.run(
        "table", "merge", config_id=spark_config, input_path=str(mixed_input.path),
        output_path=str(out), overwrite=True,
    )  # fmt: skip
    assert replaced.ok, replaced.errors
    assert not (out / "old.parquet").exists()
    assert len(read_rows(out)) == 7
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".mason-staging")]


def test_failed_job_is_recorded_with_its_error(spark_config: str, tmp_path: Path) -> None:
    response = mason.run(
        "table", "merge", config_id=spark_config,
        input_path=str(tmp_path / "nothing-here"), output_path=str(tmp_path / "out"),
    )  # fmt: skip
    assert response.exit_code == 1
    message = response.errors[0]
    assert "no data files" in message
    job_id = message.split()[2]

    job = execution_engine(spark_config).get_job(job_id)
    assert job.status == JobStatus.FAILED
    assert "no data files" in (job.error or "")
    assert not (tmp_path / "out").exists()


def test_format_query_and_dedupe_on_a_catalog_table(
    run: Run, spark_config: str, orders_csv: Dataset, tmp_path: Path
) -> None:
    run("table", "infer", config_id=spark_config, storage_path=str(orders_csv.path),
        database_name="shop", table_name="sales")  # fmt: skip

    formatted = tmp_path / "sales_by_day"
    job = run(
        "table", "format", config_id=spark_config, database_name="shop", table_name="sales",
        output_path=str(formatted), format="json", partition_by=["day"],
    ).data[0]  # fmt: skip
    assert job.row_count == len(orders_csv.rows)
    assert sorted(p.name for p in formatted.glob("day=*")) == [f"day={d}" for d in range(5)]
    assert len(read_rows(formatted, "json")) == len(orders_csv.rows)

    query = run(
        "table", "query", config_id=spark_config, database_name="shop",
        query_string="SELECT channel, count(*) AS n FROM sales WHERE channel IS NOT NULL "
        "GROUP BY channel ORDER BY channel",
    ).data[0]  # fmt: skip
    expected: dict[str, int] = {}
    for row in orders_csv.rows:
        if row["channel"] is not None:
            expected[str(row["channel"])] = expected.get(str(row["channel"]), 0) + 1
    assert query.preview == [{"channel": c, "n": n} for c, n in sorted(expected.items())]
    assert query.row_count == len(expected)

    deduped = tmp_path / "unique.parquet"
    job = run(
        "table", "dedupe", config_id=spark_config, database_name="shop", table_name="sales",
        output_path=str(deduped),
    ).data[0]  # fmt: skip
    assert job.metrics["rows_removed"] == 8
    assert pq.read_table(deduped).num_rows == job.row_count == 60


@pytest.mark.slow
def test_child_process_runs_the_entry_script(
    spark: object, tmp_path: Path, mixed_input: Dataset
) -> None:
    """``in_process: false`` runs mason_spark/entry.py in a child python: the same
    entry script spark-submit and the SparkApplication run."""
    from tests.spark.conftest import TEST_CONF, save_config, spark_body

    runner = {"type": "local", "threads": 1, "in_process": False, "conf": TEST_CONF}
    config_id = save_config(tmp_path, "child", spark_body(runner))
    out = tmp_path / "child_out"

    response = mason.run(
        "table", "merge", config_id=config_id,
        input_path=str(mixed_input.path), output_path=str(out),
    )  # fmt: skip

    assert response.ok, response.errors
    job = response.data[0]
    assert job.row_count == 7
    assert job.metrics["application_id"].startswith("local-")
    assert sorted(map(key, read_rows(out))) == sorted(map(key, mixed_input.rows))
