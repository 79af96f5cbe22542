"""Fixtures of the Spark tests: one real local SparkSession for the whole test
session, mason configurations that use it, a standalone Spark master and
worker on 127.0.0.1 started from the pyspark distribution, and small datasets.

Spark binds only to 127.0.0.1 (SPARK_LOCAL_IP and spark.driver.host), and its
memory is kept small so the suite runs on a two-core machine.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import yaml

import mason
from mason_core.engines import ExecutionEngine
from mason_core.operators.context import EngineSet
from mason_core.runtime import default_session

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

os.environ["SPARK_LOCAL_IP"] = "127.0.0.1"
os.environ.setdefault("PYSPARK_PYTHON", sys.executable)

#: Spark settings of every session the tests start, in-process or submitted.
TEST_CONF = {
    "spark.driver.host": "127.0.0.1",
    "spark.driver.bindAddress": "127.0.0.1",
    "spark.ui.enabled": "false",
    "spark.sql.shuffle.partitions": "4",
}


@pytest.fixture(scope="session")
def spark() -> Iterator[SparkSession]:
    """The one local SparkSession of the test session; mason's in-process local
    runner finds and reuses it."""
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.master("local[2]").appName("mason-tests")
    for key, value in {**TEST_CONF, "spark.driver.memory": "1g"}.items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def save_config(directory: Path, config_id: str, body: dict[str, Any]) -> str:
    """Save a configuration in the current MASON_HOME; return its id."""
    path = directory / f"{config_id}.yaml"
    path.write_text(yaml.safe_dump({"type": "config", "id": config_id, **body}))
    store = default_session().configs
    store.save(store.read_file(path))
    return config_id


def spark_body(runner: dict[str, Any]) -> dict[str, Any]:
    return {
        "metastore_engine": "local",
        "storage_engine": "local",
        "execution_engine": "spark",
        "clients": {"spark": {"configuration": {"runner": runner}}},
    }


def execution_engine(config_id: str) -> ExecutionEngine:
    """The configuration's execution engine, as an operator's context builds it:
    for verbs no operator exposes (``list_jobs``, ``cancel_job``) and for job
    records checked right after a runner wrote them (``job get`` through the
    operator is tested in test_job_get.py)."""
    session = default_session()
    engines = EngineSet(session.registry, session.configs.get(config_id), session.home)
    return engines.typed("execution", ExecutionEngine)


@pytest.fixture
def spark_config(spark: SparkSession, tmp_path: Path) -> str:
    """A configuration (id ``spark``): local metastore and storage, Spark in-process."""
    runner = {"type": "local", "threads": 2, "conf": TEST_CONF}
    return save_config(tmp_path, "spark", spark_body(runner))


@pytest.fixture
def local_config(tmp_path: Path) -> str:
    """The same with DuckDB (client ``local``) for execution: the reference engine."""
    body = {"metastore_engine": "local", "storage_engine": "local", "execution_engine": "local"}
    return save_config(tmp_path, "duck", body)


Run = Callable[..., mason.Response]


@pytest.fixture
def run() -> Run:
    """``mason.run`` that insists on success, showing the errors when it fails."""

    def _run(namespace: str, command: str, **params: Any) -> mason.Response:
        response = mason.run(namespace, command, **params)
        assert response.ok, response.errors
        return response

    return _run


@dataclass
class Dataset:
    path: Path
    rows: list[dict[str, Any]]


@pytest.fixture
def mixed_input(tmp_path: Path) -> Dataset:
    """Files a merge must unify: CSV with two headers, JSON lines and parquet,
    hive-partitioned by region, with one whole-row duplicate and columns that
    only some files have."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    root = tmp_path / "data" / "orders"
    rows: list[dict[str, Any]] = []

    def folder(region: str) -> Path:
        path = root / f"region={region}"
        path.mkdir(parents=True, exist_ok=True)
        return path

    eu = [
        {"order_id": 1, "product": "p1", "quantity": 3},
        {"order_id": 2, "product": "p2", "quantity": 1},
        {"order_id": 2, "product": "p2", "quantity": 1},
    ]
    with (folder("eu") / "part-0.csv").open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=["order_id", "product", "quantity"])
        writer.writeheader()
        writer.writerows(eu)
    rows += [{**r, "price": None, "coupon": None, "region": "eu"} for r in eu]

    eu2 = [{"order_id": 3, "product": "p1", "price": 9.5}]
    with (folder("eu") / "part-1.csv").open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=["order_id", "product", "price"])
        writer.writeheader()
        writer.writerows(eu2)
    rows += [{**r, "quantity": None, "coupon": None, "region": "eu"} for r in eu2]

    us = [
        {"order_id": 4, "product": "p3", "quantity": 2, "coupon": "SPRING"},
        {"order_id": 5, "product": "p1", "quantity": 7, "coupon": None},
    ]
    with (folder("us") / "part-0.jsonl").open("w") as fh:
        for r in us:
            fh.write(json.dumps({k: v for k, v in r.items() if v is not None}) + "\n")
    rows += [{**r, "price": None, "region": "us"} for r in us]

    apac = [{"order_id": 6, "product": "p2", "quantity": 4, "price": 1.25}]
    pq.write_table(pa.Table.from_pylist(apac), folder("apac") / "part-0.parquet")
    rows += [{**r, "coupon": None, "region": "apac"} for r in apac]
    return Dataset(root, rows)


@pytest.fixture
def orders_csv(tmp_path: Path) -> Dataset:
    """One CSV table with whole-row duplicates, repeated keys, nulls and skew,
    for dedupe and summarize."""
    root = tmp_path / "data" / "sales"
    root.mkdir(parents=True)
    rows = []
    for i in range(60):
        rows.append(
            {
                "customer": f"c{i % 7}",
                "day": i % 5,
                "amount": round((i * 37 % 101) / 4, 2) if i % 9 else None,
                "channel": ("web", "store", "web", "phone")[i % 4] if i % 11 else None,
            }
        )
    rows += rows[:8]  # whole-row duplicates
    for part in range(2):
        with (root / f"part-{part}.csv").open("w", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows[part::2])
    return Dataset(root, rows)


# -- a standalone Spark cluster on 127.0.0.1 -----------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def pyspark_home() -> Path:
    import pyspark

    return Path(pyspark.__file__).parent


@dataclass
class Cluster:
    master: str
    webui: str


def _alive_workers(webui: str) -> int:
    try:
        with urllib.request.urlopen(f"{webui}/json/", timeout=5) as answer:
            state = json.loads(answer.read())
    except OSError:
        return 0
    return sum(1 for w in state.get("workers", []) if w.get("state") == "ALIVE")


@pytest.fixture(scope="module")
def standalone_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    """A Spark master and one worker (1 core, 1 GiB) from pyspark's own
    distribution, on 127.0.0.1; stopped when the module's tests are done."""
    home = pyspark_home()
    work = tmp_path_factory.mktemp("spark-cluster")
    port, webui_port, worker_ui = free_port(), free_port(), free_port()
    env = {
        **os.environ,
        "SPARK_HOME": str(home),
        "SPARK_LOCAL_IP": "127.0.0.1",
        "SPARK_LOG_DIR": str(work / "logs"),
        "SPARK_DAEMON_MEMORY": "512m",
        "PYSPARK_PYTHON": sys.executable,
    }
    spark_class = str(home / "bin" / "spark-class")
    commands = {
        "master": [
            spark_class,
            "org.apache.spark.deploy.master.Master",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--webui-port",
            str(webui_port),
        ],
        "worker": [
            spark_class,
            "org.apache.spark.deploy.worker.Worker",
            f"spark://127.0.0.1:{port}",
            "--host",
            "127.0.0.1",
            "--webui-port",
            str(worker_ui),
            "--cores",
            "1",
            "--memory",
            "1g",
            "--work-dir",
            str(work / "worker"),
        ],
    }
    started: list[subprocess.Popen[bytes]] = []
    webui = f"http://127.0.0.1:{webui_port}"
    try:
        for name, command in commands.items():
            log = (work / f"{name}.log").open("wb")
            started.append(
                subprocess.Popen(
                    command, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True
                )
            )
        deadline = time.monotonic() + 120
        while _alive_workers(webui) < 1:
            if time.monotonic() > deadline or any(p.poll() is not None for p in started):
                logs = "\n".join(p.read_text()[-2000:] for p in work.glob("*.log"))
                raise RuntimeError(f"standalone cluster did not come up:\n{logs}")
            time.sleep(1)
        yield Cluster(master=f"spark://127.0.0.1:{port}", webui=webui)
    finally:
        for process in reversed(started):
            process.terminate()
        for process in reversed(started):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        shutil.rmtree(work / "worker", ignore_errors=True)
