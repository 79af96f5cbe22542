"""``airflow standalone`` (SQLite, LocalExecutor) on a free loopback port in its
own AIRFLOW_HOME, stopped by killing its process group. Used by the tests'
session fixture and by bench/bench_airflow.py; needs apache-airflow installed
beside this interpreter.

Authentication is real: the simple auth manager with one user whose password
Mason trades for a token at ``/auth/token``.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

USER = "mason"
PASSWORD = "af-pw-7Qx2"  # the test server's own user
#: generous: ~18 s on an idle 2-core machine, far longer when it is busy.
START_TIMEOUT = 420.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class AirflowServer:
    url: str
    home: Path
    dags: Path
    log: Path

    def api(self) -> httpx.Client:
        token = httpx.post(
            f"{self.url}/auth/token", json={"username": USER, "password": PASSWORD}, timeout=60
        ).json()["access_token"]
        return httpx.Client(
            base_url=f"{self.url}/api/v2",
            headers={"Authorization": f"Bearer {token}"},
            timeout=60,
        )


def _healthy(url: str) -> bool:
    try:
        body = httpx.get(f"{url}/api/v2/monitor/health", timeout=5).json()
    except (httpx.HTTPError, ValueError):
        return False
    parts = ("metadatabase", "scheduler", "dag_processor")
    return all((body.get(p) or {}).get("status") == "healthy" for p in parts)


@contextmanager
def standalone(root: Path) -> Iterator[AirflowServer]:
    """A healthy Airflow under ``root`` for the duration; its DAGs folder is
    ``root/dags``. Raises RuntimeError when it does not come up."""
    home, dags = root / "home", root / "dags"
    home.mkdir(parents=True)
    dags.mkdir()
    passwords = home / "passwords.json"
    passwords.write_text(json.dumps({USER: PASSWORD}))
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    bin_dir = str(Path(sys.executable).parent)
    env = {
        **os.environ,
        "PATH": bin_dir + os.pathsep + os.environ.get("PATH", ""),
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__API__HOST": "127.0.0.1",
        "AIRFLOW__API__PORT": str(port),
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"{url}/execution/",
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__DAGS_FOLDER": str(dags),
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": f"{USER}:admin",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(passwords),
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS": "False",
        # new DAG files are looked for every 3 s (default 5 min)
        "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "3",
        "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(free_port()),
        "AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT": str(free_port()),
        # tasks read the MASON_HOME their DAG names; this one is only a fallback
        "MASON_HOME": str(root / "server-mason-home"),
    }
    log = root / "standalone.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(Path(bin_dir) / "airflow"), "standalone"],
            env=env,
            cwd=root,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not _healthy(url):
            if process.poll() is not None:
                raise RuntimeError(f"airflow standalone exited: {log.read_text()[-3000:]}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"airflow standalone not healthy in {START_TIMEOUT:g} s")
            time.sleep(2)
        yield AirflowServer(url, home, dags, log)
    finally:
        _stop(process)


def _stop(process: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)


def airflow_config(
    server: AirflowServer, home: Path, config_id: str = "af", **client: object
) -> dict[str, object]:
    """A configuration whose scheduler is this Airflow (password as {{AF_TEST_PASSWORD}})
    and whose other engines are local; tasks use MASON_HOME ``home``."""
    settings = {
        "api_url": server.url,
        "username": USER,
        "password": "{{AF_TEST_PASSWORD}}",
        "dags_folder": str(server.dags),
        "task_mason_home": str(home),
        "parse_timeout_seconds": 240,
        "poll_seconds": 1,
        "timeout_seconds": 60,
        **client,
    }
    return {
        "type": "config",
        "id": config_id,
        "scheduler_engine": "airflow",
        "storage_engine": "local",
        "metastore_engine": "local",
        "execution_engine": "local",
        "clients": {"airflow": {"configuration": settings}},
    }
