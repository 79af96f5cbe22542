"""Spark does not read Iceberg tables yet (its jobs would read the table's
folder as plain parquet, ignoring deletes and snapshots): through the real
CLI, in its own process, a query naming an Iceberg table on a Spark
configuration is refused before anything runs, with one line and exit 2."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .test_iceberg_operators import spark_config


@pytest.mark.usefixtures("events")
def test_spark_refuses_an_iceberg_table_through_the_cli(
    tmp_path: Path,
    mason_home: Path,
) -> None:
    config = spark_config(tmp_path)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "mason",
            "op",
            "table",
            "query",
            "-c",
            config,
            "--output",
            "json",
            "-p",
            "query_string:SELECT count(*) FROM events,database_name:lake",
        ],
        env={**os.environ, "MASON_HOME": str(mason_home)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    errors = json.loads(done.stdout)["Errors"]
    assert errors == [
        "operator 'table query' cannot read iceberg table lake.events on execution client "
        "'spark' (its jobs read: plain files only)"
    ]
