"""``job get`` through the operator on a saved Spark configuration: the Python
API and the CLI, after a merge on that configuration, and an unknown job id."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.dataset as ds
from typer.testing import CliRunner

import mason
from mason_core.cli.app import app
from mason_core.models import JobStatus
from tests.spark.conftest import Dataset, Run


def merged(run: Run, config_id: str, source: Dataset, out: Path) -> str:
    job = run(
        "table", "merge", config_id=config_id,
        input_path=str(source.path), output_path=str(out),
    ).data[0]  # fmt: skip
    assert job.status == JobStatus.SUCCEEDED
    return str(job.id)


def test_job_get_reports_a_spark_merge(
    run: Run, spark_config: str, mixed_input: Dataset, tmp_path: Path
) -> None:
    out = tmp_path / "merged"
    job_id = merged(run, spark_config, mixed_input, out)

    response = mason.run("job", "get", job_id=job_id, config_id=spark_config)

    assert response.ok, response.errors
    assert response.exit_code == 0
    (job,) = response.data
    assert job.id == job_id
    assert job.client == "spark"
    assert job.kind == "merge"
    assert job.status == JobStatus.SUCCEEDED
    assert job.result_location == str(out)
    assert job.row_count == 7 == ds.dataset(str(out), format="parquet").count_rows()
    assert job.started_at is not None and job.finished_at is not None
    assert job.submitted_at <= job.started_at <= job.finished_at
    assert job.metrics["runner"] == "local"
    assert any(job_id in line for line in response.info)


def test_cli_job_get_prints_the_record_as_json(
    run: Run, spark_config: str, mixed_input: Dataset, tmp_path: Path
) -> None:
    out = tmp_path / "merged"
    job_id = merged(run, spark_config, mixed_input, out)

    result = CliRunner().invoke(
        app, ["op", "job", "get", "-p", f"job_id:{job_id}", "-c", spark_config, "-o", "json"]
    )

    assert result.exit_code == 0, result.output
    envelope = json.loads(result.stdout)
    assert envelope["Errors"] == []
    (job,) = envelope["Data"]  # canonical models print with PascalCase keys
    assert job["Id"] == job_id
    assert job["Client"] == "spark"
    assert job["Status"] == "succeeded"
    assert job["ResultLocation"] == str(out)
    assert job["RowCount"] == 7
    assert job["Metrics"]["runner"] == "local"


def test_an_unknown_job_id_exits_1_with_one_line_naming_it(spark_config: str) -> None:
    job_id = "20990101t000000-000000000000"

    response = mason.run("job", "get", job_id=job_id, config_id=spark_config)
    assert response.exit_code == 1
    assert len(response.errors) == 1
    assert job_id in response.errors[0]
    assert "\n" not in response.errors[0]

    result = CliRunner().invoke(
        app, ["op", "job", "get", "-p", f"job_id:{job_id}", "-c", spark_config, "-o", "json"]
    )
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    envelope = json.loads(result.stdout)
    assert envelope["Data"] == []
    (error,) = envelope["Errors"]
    assert job_id in error and "\n" not in error
