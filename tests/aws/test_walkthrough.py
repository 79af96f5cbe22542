"""The original README's walkthrough, through the CLI, against moto's server.

Every ``mason`` command runs as a subprocess whose only AWS endpoint is moto
(``AWS_ENDPOINT_URL``); credentials reach the example configurations through
``{{VAR}}`` from MASON_HOME/.env, as the README tells users to set them up.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.aws.conftest import (
    ACCESS_KEY,
    REGION,
    SECRET_KEY,
    aws_environment,
    put_parquet,
    put_text,
)

ROOT = Path(__file__).resolve().parents[2]
CONFIGS = ROOT / "examples" / "configs"
PARAMETERS = ROOT / "examples" / "parameters"
ROLE_ARN = "arn:aws:iam::123456789012:role/mason-walkthrough"

pytestmark = pytest.mark.slow


class Cli:
    def __init__(self, home: Path, url: str, cwd: Path) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update(aws_environment(url))
        for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
            env.pop(name)  # the configurations get them from .env
        env.update({"MASON_HOME": str(home), "COLUMNS": "250", "NO_COLOR": "1"})
        self.env, self.cwd = env, cwd

    def __call__(self, *args: str, expect: int = 0) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [sys.executable, "-m", "mason", *args],
            env=self.env,
            cwd=self.cwd,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == expect, f"mason {' '.join(args)}\n{done.stdout}\n{done.stderr}"
        for secret in (ACCESS_KEY, SECRET_KEY, ROLE_ARN):
            assert secret not in done.stdout + done.stderr
        return done

    def json(self, *args: str) -> Any:
        return json.loads(self(*args, "--output", "json").stdout)


def _seed_athena_result(url: str, rows: list[list[str]]) -> None:
    body = {
        "account_id": "123456789012",
        "region": REGION,
        "results": [
            {
                "rows": [{"Data": [{"VarCharValue": v} for v in row]} for row in rows],
                "column_info": [
                    {"Name": name, "Type": "varchar", "CatalogName": "hive"} for name in rows[0]
                ],
            }
        ],
    }
    request = urllib.request.Request(
        f"{url}/moto-api/static/athena/query-results",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10):
        pass


def test_original_walkthrough(tmp_path: Path, aws_env: str, s3: Any, glue: Any) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / ".env").write_text(
        f"AWS_ACCESS_KEY_ID={ACCESS_KEY}\nAWS_SECRET_ACCESS_KEY={SECRET_KEY}\n"
        f"AWS_ROLE_ARN={ROLE_ARN}\n"
    )
    s3.create_bucket(Bucket="mason-demo")
    put_text(s3, "mason-demo", "catalog_poc_data/part-0.csv", "id,name,price\n1,crane,5000.0\n")
    put_text(s3, "mason-demo", "catalog_poc_data/part-1.csv", "id,name,price\n2,truck,75.5\n")
    for day in ("2020-06-01", "2020-06-02"):
        put_parquet(s3, "mason-demo", f"part_data_merged/day={day}/p.parquet", {"n": [1, 2]})
    mason = Cli(home, aws_env, tmp_path)

    # mason config examples/configs/: every configuration validated and saved, secrets hidden
    saved = mason("config", str(CONFIGS))
    assert "REDACTED" in saved.stdout
    configs = {c["Id"]: c for c in mason.json("config")}
    assert {"1", "2", "3", "4"} <= set(configs)
    assert configs["1"]["Current"] is True
    glue_settings = configs["1"]["Engines"]["metastore"]["glue"]
    assert glue_settings["access_key"] == glue_settings["aws_role_arn"] == "REDACTED"

    # mason config -s 3, then back to 1
    assert mason.json("config", "-s", "3")[2]["Current"] is True
    mason("config", "-s", "1")

    # mason operator / mason operator job
    listed = mason("op").stdout
    for name in ("infer", "query", "get", "list"):
        assert name in listed
    assert "Get" in mason("op", "job").stdout or "job" in mason("op", "job").stdout

    # table infer on config 1: inferred from S3, registered in Glue
    inferred = mason.json("op", "table", "infer", "-f", str(PARAMETERS / "table_infer.yaml"))
    assert inferred["Errors"] == []
    registered = glue.get_table(DatabaseName="mason-demo", Name="catalog_poc_data")["Table"]
    columns = registered["StorageDescriptor"]["Columns"]
    assert [(c["Name"], c["Type"]) for c in columns] == [
        ("id", "bigint"),
        ("name", "string"),
        ("price", "double"),
    ]

    # table get (parameters file) and table list
    table = mason.json("op", "table", "get", "-f", str(PARAMETERS / "table_get.yaml"))["Data"][0]
    assert table["Name"] == "catalog_poc_data"
    assert [c["Name"] for c in table["Schema"]["Columns"]] == ["id", "name", "price"]
    tables = mason.json("op", "table", "list", "-p", "database_name:mason-demo")["Data"]
    assert [t["Name"] for t in tables] == ["catalog_poc_data"]

    # table query on Athena, then job get on its id
    _seed_athena_result(aws_env, [["name", "price"], ["crane", "5000.0"]])
    query = mason.json(
        "op",
        "table",
        "query",
        "-p",
        'database_name:mason-demo,query_string:"SELECT name, price FROM catalog_poc_data"',
    )
    job = query["Data"][0]
    assert job["Status"] == "succeeded"
    assert job["Preview"] == [{"name": "crane", "price": "5000.0"}]
    fetched = mason.json("op", "job", "get", "-p", f"job_id:{job['Id']}")["Data"][0]
    assert fetched["Id"] == job["Id"] and fetched["Status"] == "succeeded"

    # the one-step table infer workflow, deployed to Glue as a crawler
    deployed = mason(
        "wf", "table", "infer", "-f", str(PARAMETERS / "workflow_table_infer.yaml"), "-d"
    )
    assert "table_infer" in deployed.stdout + deployed.stderr
    crawler = glue.get_crawler(Name="table_infer")["Crawler"]
    assert crawler["DatabaseName"] == "mason-demo"
    assert crawler["Targets"]["S3Targets"] == [{"Path": "s3://mason-demo/part_data_merged/"}]
    assert crawler["Role"] == ROLE_ARN

    # configuration 3: Athena's catalog as metastore sees the table Glue holds
    mason("config", "-s", "3")
    via_athena = mason.json("op", "table", "get", "-f", str(PARAMETERS / "table_get.yaml"))
    assert via_athena["Data"][0]["Name"] == "catalog_poc_data"
    # and a missing table is one line naming it and the client, exit 1
    missing = mason(
        "op", "table", "get", "-p", "database_name:mason-demo,table_name:nope", expect=1
    )
    assert "athena" in missing.stdout + missing.stderr
    assert "mason-demo.nope" in missing.stdout + missing.stderr
    assert "Traceback" not in missing.stderr

    # configuration 4: the s3 metastore names tables by prefix, DuckDB reads them via pyarrow
    mason("config", "-s", "4")
    listed4 = mason.json("op", "table", "list", "-p", "database_name:mason-demo")["Data"]
    assert sorted(t["Name"] for t in listed4) == ["catalog_poc_data", "part_data_merged"]
    local_query = mason.json(
        "op",
        "table",
        "query",
        "-p",
        "database_name:mason-demo,query_string:"
        '"SELECT CAST(day AS VARCHAR) AS day, sum(n) AS total FROM part_data_merged '
        'GROUP BY day ORDER BY day"',
    )["Data"][0]
    assert local_query["Status"] == "succeeded"
    assert local_query["Preview"] == [
        {"day": "2020-06-01", "total": "3"},
        {"day": "2020-06-02", "total": "3"},
    ]
