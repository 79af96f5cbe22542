"""The original README's walkthrough replayed as one of its users would, with
their files: the original's three configurations (only ``endpoint_url`` added),
an operator folder and a workflow in the original's format, and the original's
parameter files (tests/aws/original/). Every step either works, or fails at
registration or validation with the message docs/migrating.md documents.

Every ``mason`` runs as a subprocess whose environment points AWS at a closed
port: only the configurations' ``endpoint_url`` reaches moto's server.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.aws.conftest import ACCESS_KEY, SECRET_KEY, put_parquet, put_text
from tests.aws.test_walkthrough import Cli, _seed_athena_result

ORIGINAL = Path(__file__).parent / "original"
GLUE_ROLE = "arn:aws:iam::123456789012:role/service-role/AWSGlueServiceRole-mason"
CLOSED_PORT = "http://127.0.0.1:9"

pytestmark = pytest.mark.slow


@pytest.fixture
def mason(tmp_path: Path, aws_env: str) -> Cli:
    home = tmp_path / "home"
    home.mkdir()
    (home / ".env").write_text(
        f"AWS_REGION=us-east-1\nAWS_ACCESS_KEY_ID={ACCESS_KEY}\n"
        f"AWS_SECRET_ACCESS_KEY={SECRET_KEY}\nGLUE_ROLE_ARN={GLUE_ROLE}\nMOTO_URL={aws_env}\n"
    )
    cli = Cli(home, aws_env, tmp_path)
    cli.env.update({"AWS_ENDPOINT_URL": CLOSED_PORT, "AWS_ENDPOINT_URL_S3": CLOSED_PORT})
    return cli


def _error(done: Any) -> str:
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    return str(lines[0])


def test_original_users_walkthrough(
    tmp_path: Path, mason: Cli, aws_env: str, s3: Any, glue: Any
) -> None:
    infer_bucket = "lake-working-copy-feb-20-2020"
    s3.create_bucket(Bucket=infer_bucket)
    prefix = "user-data/kyle.prifogle/catalog_poc_data"
    put_text(s3, infer_bucket, f"{prefix}/a.csv", "id,name,price\n1,crane,5000.0\n")
    s3.create_bucket(Bucket="spg-mason-demo")
    put_parquet(s3, "spg-mason-demo", "part_data_merged/day=2020-06-01/p.parquet", {"n": [1]})

    # mason config mason/examples/configs/: the three files as they are, no type:, int ids
    for f in sorted((ORIGINAL / "configs").glob("*.yaml")):
        assert "valid config" in mason("validate", str(f)).stdout
    saved = mason("config", str(ORIGINAL / "configs"))
    assert saved.stderr.count("Valid configuration. Saved config") == 3
    configs = {c["Id"]: c for c in mason.json("config")}
    assert {"1", "2", "3"} <= set(configs) and configs["1"]["Current"] is True
    glue_settings = configs["1"]["Engines"]["scheduler"]["glue"]
    assert glue_settings["aws_role_arn"] == "REDACTED"
    assert configs["2"]["Engines"]["execution"]["spark"]["runner"]["type"] == "kubernetes-operator"

    # mason config -s 3
    assert next(c for c in mason.json("config", "-s", "3") if c["Id"] == "3")["Current"]

    # mason register mason/examples/operators/: original operator code is refused,
    # before anything is copied, naming the new form
    refused = _error(mason("register", str(ORIGINAL / "operators"), expect=2))
    assert "is operator code for the original Mason" in refused
    assert "mason.clients.response" in refused
    assert "TableGet.run takes (env, config, parameters, resp)" in refused
    assert "def run(self, ctx: OperatorContext)" in refused and "docs/migrating.md" in refused
    assert _error(mason("validate", str(ORIGINAL / "operators"), expect=2)) == refused
    assert not (tmp_path / "home" / "registered_operators" / "table").exists()
    # the operator ported as docs/migrating.md shows registers and lists
    ported = tmp_path / "ported" / "table" / "get"
    shutil.copytree(ORIGINAL / "operators" / "table" / "get", ported)
    (ported / "__init__.py").write_text(
        "from mason import OperatorContext, OperatorDefinition, models\n\n\n"
        "class TableGet(OperatorDefinition):\n"
        "    def run(self, ctx: OperatorContext) -> models.Table:\n"
        '        return ctx.metastore.get_table(ctx.params["database_name"], '
        'ctx.params["table_name"])\n'
    )
    registered = mason("register", str(tmp_path / "ported")).stdout
    assert "Valid operator definition" in registered
    assert "overrides the operator from" in registered  # the bundled table get

    # mason operator / mason operator job
    listed = mason("operator").stdout
    for name in ("infer", "query", "get", "list", "merge", "refresh", "delete"):
        assert name in listed
    assert "get" in mason("operator", "job").stdout

    # table infer with the original's file on config 1: its extra key is refused
    # with a suggestion, and runs once the documented switch says warn
    mason("config", "-s", "1")
    params = ORIGINAL / "parameters"
    unknown = _error(
        mason("operator", "table", "infer", "-f", str(params / "table_infer.yaml"), expect=2)
    )
    assert "unknown parameter schedule_name" in unknown
    inferred = mason.json(
        "operator",
        "table",
        "infer",
        "-f",
        str(params / "table_infer.yaml"),
        "--unknown-params",
        "warn",
    )
    assert inferred["Errors"] == []
    assert any("schedule_name" in w and "ignored" in w for w in inferred["Warnings"])
    table = glue.get_table(DatabaseName="crawler-poc", Name="catalog_poc_data")["Table"]
    assert [c["Name"] for c in table["StorageDescriptor"]["Columns"]] == ["id", "name", "price"]

    # table get: -p (with the ported operator) and -f the original's file; table list
    got = mason.json(
        "operator", "table", "get", "-p", "database_name:crawler-poc,table_name:catalog_poc_data"
    )
    assert got["Data"][0]["Name"] == "catalog_poc_data"
    got = mason.json("operator", "table", "get", "-f", str(params / "table_get.yaml"))
    assert got["Data"][0]["Schema"]["Columns"][0]["Name"] == "id"
    listed_tables = mason.json("operator", "table", "list", "-f", str(params / "table_list.yaml"))
    assert [t["Name"] for t in listed_tables["Data"]] == ["catalog_poc_data"]

    # table query on Athena and job get, on config 1
    _seed_athena_result(aws_env, [["name"], ["crane"]])
    job = mason.json(
        "operator",
        "table",
        "query",
        "-p",
        'database_name:crawler-poc,query_string:"SELECT name FROM catalog_poc_data"',
    )["Data"][0]
    assert job["Status"] == "succeeded"
    assert (
        mason.json("operator", "job", "get", "-p", f"job_id:{job['Id']}")["Data"][0]["Id"]
        == job["Id"]
    )

    # mason register mason/examples/workflows/: the original's workflow code is refused
    refused_wf = _error(mason("register", str(ORIGINAL / "workflows"), expect=2))
    assert "is workflow code for the original Mason" in refused_wf
    assert "mason.engines.scheduler.models.dags.executed_dag_step" in refused_wf
    assert "def step(self, current: ExecutedStep, next: PlannedStep)" in refused_wf
    # its workflow.yaml alone (a one-step workflow needs no class) registers
    yaml_only = tmp_path / "wf" / "table" / "infer"
    yaml_only.mkdir(parents=True)
    shutil.copy(ORIGINAL / "workflows" / "table" / "infer" / "workflow.yaml", yaml_only)
    assert "Valid workflow definition" in mason("register", str(tmp_path / "wf")).stdout
    listed_wf = mason.json("workflow")
    assert any(w["command"] == "infer" for w in listed_wf)

    # the original's validated_infer parameters fail validation, naming each step
    bad = _error(
        mason(
            "workflow",
            "table",
            "validated_infer",
            "-f",
            str(params / "validated_infer.yaml"),
            expect=2,
        )
    )
    assert "step_2: operator 'table get': unknown parameter job_id" in bad

    # workflow table infer -d with the original's file: top-level schedule: in Glue's
    # six-field cron, the crawler runs as the glue client's aws_role_arn
    deployed = mason(
        "workflow", "table", "infer", "-f", str(params / "workflow_table_infer.yaml"), "-d"
    )
    assert "on schedule '0 12 * * ? *'" in deployed.stdout + deployed.stderr
    crawler = glue.get_crawler(Name="table_infer")["Crawler"]
    assert crawler["Role"] == GLUE_ROLE
    assert crawler["DatabaseName"] == "test-database"
    assert crawler["Targets"]["S3Targets"] == [{"Path": "s3://spg-mason-demo/part_data_merged/"}]
    assert crawler["Schedule"]["ScheduleExpression"] == "cron(0 12 * * ? *)"
    # --schedule takes the same six-field form; -r registers and triggers it
    mason(
        "workflow",
        "table",
        "infer",
        "-f",
        str(params / "workflow_table_infer.yaml"),
        "-d",
        "--schedule",
        "0 12 * * ? *",
    )
    ran = mason("workflow", "table", "infer", "-f", str(params / "workflow_table_infer.yaml"), "-r")
    assert "Traceback" not in ran.stderr
    assert glue.get_crawler(Name="table_infer")["Crawler"]["State"] in (
        "RUNNING",
        "READY",
        "STOPPING",
    )

    # configuration 3 (athena metastore): the registered table get overrides the
    # bundled one, and its operator.yaml (the original's) names glue or s3 only
    mason("config", "-s", "3")
    refused_athena = _error(
        mason("operator", "table", "get", "-f", str(params / "table_get.yaml"), expect=2)
    )
    assert "does not support configuration '3'" in refused_athena
    assert "metastore" in refused_athena and "athena" in refused_athena
    # the registered table infer workflow (the original's workflow.yaml) overrides
    # the bundled one and names Glue as its only scheduler; configuration 3's is
    # local (tests/core/test_migration.py shows local refusing Glue's cron form)
    local = _error(
        mason(
            "workflow",
            "table",
            "infer",
            "-f",
            str(params / "workflow_table_infer.yaml"),
            "-c",
            "3",
            expect=2,
        )
    )
    assert "does not support configuration '3'" in local
    assert "scheduler needs client 'glue' but configuration has local" in local
