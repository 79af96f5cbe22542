"""Startup cost of the CLI with every installed plugin: ``mason --help``,
``mason op`` and ``mason op NS CMD --help`` against ``python -c "import typer"``
(the floor any Typer CLI pays; these answer from the index without Typer).

``mason op table get`` is timed the same way (issue 21), against the least a
script could do for the same answer: on the local default, a bare ``sqlite3``
read of the catalog's row; on Glue (moto's server on 127.0.0.1), ``boto3``'s
``get_table``. Target <= 1.5x each. Beside it, the "floor ratio": the baseline
plus what validating one pydantic model adds to a process, over the baseline,
the least any tool that validates its input with pydantic could reach.

Each command runs as a fresh process; figures are the median of several runs
after a warm-up (which also warms the registry index in MASON_HOME, as any
earlier command does for a user), in a scratch MASON_HOME. ``mason op`` is also
timed cold: the index removed before each run, so the registry is built.
"""

from __future__ import annotations

import importlib.metadata as md
import json
import os
import shutil
import socket
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path

from _common import (
    PYDANTIC_FLOOR,
    median_seconds,
    print_table,
    ratio,
    run_quietly,
    scratch_home,
    venv_script,
)

RUNS = int(os.environ.get("BENCH_STARTUP_RUNS", "9"))
#: issue 21's target for the listings answered from the index, against ``import typer``
TARGET = 1.0
#: the rows held to it
TARGETED = ("mason --help", "mason op", "mason op table infer --help")
#: issue 21's target for ``table get`` against a bare read of the same metadata
GET_TARGET = 1.5

SQLITE_READ = (
    "import sqlite3, sys; con = sqlite3.connect(sys.argv[1]); "
    "print(con.execute('SELECT * FROM tables WHERE database = ? AND name = ?', "
    "sys.argv[2:4]).fetchone())"
)
GLUE_READ = (
    "import boto3, sys; "
    "print(boto3.client('glue').get_table(DatabaseName=sys.argv[1], Name=sys.argv[2])['Table'])"
)
HIVE_PARQUET = "org.apache.hadoop.hive.ql.io.parquet"
GLUE_CONFIG = {
    "type": "config",
    "id": "bench-glue",
    "metastore_engine": "glue",
    "clients": {
        "glue": {
            "configuration": {
                "aws_region": "us-east-1",
                "access_key": "{{AWS_ACCESS_KEY_ID}}",
                "secret_key": "{{AWS_SECRET_ACCESS_KEY}}",
            }
        }
    },
}


def main() -> None:
    plugins = sorted(ep.name for ep in md.entry_points(group="mason"))
    mason = venv_script("mason")
    commands: list[tuple[str, list[str | Path]]] = [
        ('python -c "pass"', [sys.executable, "-c", "pass"]),
        ('python -c "import typer"  (baseline)', [sys.executable, "-c", "import typer"]),
        ("python -c: one pydantic model validated (floor)", [sys.executable, "-c", PYDANTIC_FLOOR]),
        ("mason --help", [mason, "--help"]),
        ("mason op", [mason, "op"]),
        ("mason op table infer --help", [mason, "op", "table", "infer", "--help"]),
    ]
    results: list[tuple[str, float, float]] = []
    with scratch_home() as tmp:
        env = dict(os.environ)
        for label, args in commands:
            med, low = median_seconds(partial(run_quietly, args, env), runs=RUNS)
            results.append((label, med, low))
        cache = tmp / "home" / "cache"

        def cold_op() -> None:
            shutil.rmtree(cache, ignore_errors=True)
            run_quietly([mason, "op"], env)

        med, low = median_seconds(cold_op, runs=RUNS)
        results.append(("mason op  (cold: index rebuilt)", med, low))
        gets = table_get_rows(tmp, env)
    baseline = results[1][1]
    # what the baseline's process would cost if it also validated one pydantic model
    floor = results[2][1] - results[0][1]
    print(f"plugins installed: {', '.join(plugins) or 'none'}; {RUNS} runs each after a warm-up")
    print_table(
        "CLI startup (wall time, fresh process)",
        ["command", "median ms", "min ms", "vs import typer"],
        [
            (label, f"{med * 1000:.1f}", f"{low * 1000:.1f}", ratio(med, baseline))
            for label, med, low in results
        ],
    )
    print_table(
        "Target (issue 21): answered from the index, no Typer",
        ["row", "ms", "import typer ms", "ratio", "target", "status"],
        [
            (
                label,
                f"{med * 1000:.1f}",
                f"{baseline * 1000:.1f}",
                ratio(med, baseline),
                f"<= {TARGET:.1f}x",
                "met" if med <= TARGET * baseline else "MISSED",
            )
            for label, med, _ in results
            if label in TARGETED
        ],
    )
    print_table(
        "mason op table get (wall time, fresh process), target (issue 21)",
        [
            "catalog",
            "mason ms",
            "baseline",
            "baseline ms",
            "ratio",
            "floor ratio",
            "target",
            "status",
        ],
        [
            (
                catalog,
                f"{ours * 1000:.1f}",
                what,
                f"{base * 1000:.1f}",
                ratio(ours, base),
                ratio(base + floor, base),
                f"<= {GET_TARGET:.1f}x",
                "met" if ours <= GET_TARGET * base else "MISSED",
            )
            for catalog, what, base, ours in gets
        ],
    )


def table_get_rows(tmp: Path, env: dict[str, str]) -> list[tuple[str, str, float, float]]:
    """(catalog, baseline, baseline median s, mason median s) of ``table get``
    on the local default and on Glue."""
    mason = venv_script("mason")
    data = tmp / "data"
    data.mkdir()
    (data / "part-0.csv").write_text("id,name\n" + "".join(f"{i},item{i}\n" for i in range(1000)))
    infer = f'storage_path:"{data}",database_name:bench,table_name:items'
    run_quietly([mason, "op", "table", "infer", "-p", infer, "-o", "json"], env)
    catalog = next((tmp / "home").rglob("catalog.sqlite"))
    get = [mason, "op", "table", "get", "-p", "database_name:bench,table_name:items", "-o", "json"]
    sqlite = [sys.executable, "-c", SQLITE_READ, catalog, "bench", "items"]
    rows = [
        (
            "local (sqlite)",
            "sqlite3 read",
            median_seconds(partial(run_quietly, sqlite, env), runs=RUNS)[0],
            median_seconds(partial(run_quietly, get, env), runs=RUNS)[0],
        )
    ]
    with moto_glue() as aws_env:
        glue_env = {**env, **aws_env}
        config = tmp / "glue.json"  # a YAML configuration (JSON is YAML)
        config.write_text(json.dumps(GLUE_CONFIG))
        run_quietly([mason, "config", config], glue_env)
        glue_get = [*get, "-c", "bench-glue"]
        boto = [sys.executable, "-c", GLUE_READ, "bench", "items"]
        rows.append(
            (
                "glue (moto)",
                "boto3 get_table",
                median_seconds(partial(run_quietly, boto, glue_env), runs=RUNS)[0],
                median_seconds(partial(run_quietly, glue_get, glue_env), runs=RUNS)[0],
            )
        )
    return rows


@contextmanager
def moto_glue() -> Iterator[dict[str, str]]:
    """moto's server on 127.0.0.1 holding the Glue table ``bench.items``; the
    environment that points boto3 (and Mason's Glue client) at it."""
    import boto3
    from moto.server import ThreadedMotoServer

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    url = f"http://127.0.0.1:{port}"
    env = {
        "AWS_ACCESS_KEY_ID": "AKIAMASONBENCH000001",
        "AWS_SECRET_ACCESS_KEY": "mason-bench-secret",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",
        "AWS_ENDPOINT_URL": url,
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": "/nonexistent/mason-bench-aws-config",
        "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/mason-bench-aws-credentials",
        "NO_PROXY": "127.0.0.1,localhost",
    }
    try:
        glue = boto3.client(
            "glue",
            endpoint_url=url,
            region_name="us-east-1",
            aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
        )
        glue.create_database(DatabaseInput={"Name": "bench"})
        columns = [{"Name": "id", "Type": "bigint"}, {"Name": "name", "Type": "string"}]
        glue.create_table(
            DatabaseName="bench",
            TableInput={
                "Name": "items",
                "TableType": "EXTERNAL_TABLE",
                "Parameters": {"classification": "parquet"},
                "StorageDescriptor": {
                    "Columns": columns,
                    "Location": "s3://bench/items/",
                    "InputFormat": f"{HIVE_PARQUET}.MapredParquetInputFormat",
                    "OutputFormat": f"{HIVE_PARQUET}.MapredParquetOutputFormat",
                    "SerdeInfo": {"SerializationLibrary": f"{HIVE_PARQUET}.serde.ParquetHiveSerDe"},
                },
            },
        )
        yield env
    finally:
        server.stop()


if __name__ == "__main__":
    main()
