"""A real Airflow 3 for the mason-airflow tests: ``airflow standalone`` (SQLite,
LocalExecutor) on a free loopback port in its own AIRFLOW_HOME, started once per
test session and stopped by killing its process group.

These tests need apache-airflow, which lives in its own virtualenv (``nox -s
airflow``); the main ``tests`` session does not collect this folder.

Authentication is real: the simple auth manager with one user whose password
Mason trades for a token at ``/auth/token``.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

USER = "mason"
PASSWORD = "af-pw-7Qx2"  # noqa: S105  # the test server's own user
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
    process: subprocess.Popen[bytes]

    def api(self) -> httpx.Client:
        token = httpx.post(
            f"{self.url}/auth/token", json={"username": USER, "password": PASSWORD}, timeout=30
        ).json()["access_token"]
        return httpx.Client(
            base_url=f"{self.url}/api/v2",
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        )


def _healthy(url: str) -> bool:
    try:
        body = httpx.get(f"{url}/api/v2/monitor/health", timeout=5).json()
    except (httpx.HTTPError, ValueError):
        return False
    parts = ("metadatabase", "scheduler", "dag_processor")
    return all((body.get(p) or {}).get("status") == "healthy" for p in parts)


@pytest.fixture(scope="session")
def airflow_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AirflowServer]:
    root = tmp_path_factory.mktemp("airflow")
    home, dags = root / "home", root / "dags"
    home.mkdir()
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
        # the tests' tasks read the MASON_HOME each configuration names
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
    server = AirflowServer(url, home, dags, log, process)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not _healthy(url):
            if process.poll() is not None:
                pytest.fail(f"airflow standalone exited: {log.read_text()[-3000:]}")
            if time.monotonic() > deadline:
                pytest.fail(f"airflow standalone not healthy in {START_TIMEOUT:g} s")
            time.sleep(2)
        yield server
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


@dataclass
class Mason:
    """The ``mason`` CLI of this virtualenv, on this test's MASON_HOME."""

    home: Path
    server: AirflowServer
    work: Path

    def __call__(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        mason = Path(sys.executable).parent / "mason"
        return subprocess.run(
            [str(mason), *args],
            env={**os.environ, "MASON_HOME": str(self.home)},
            cwd=self.work,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def json(self, *args: str, code: int = 0) -> Any:
        done = self(*args, "-o", "json")
        assert done.returncode == code, done.stdout + done.stderr
        return json.loads(done.stdout)

    def params(self, name: str, data: dict[str, Any]) -> str:
        path = self.work / f"{name}.yaml"
        path.write_text(yaml.safe_dump(data))
        return str(path)


def airflow_config(
    server: AirflowServer, home: Path, config_id: str = "af", **client: Any
) -> dict[str, Any]:
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


@pytest.fixture
def mason_cli(
    airflow_server: AirflowServer,
    isolated_mason_home: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Mason:
    """This test's MASON_HOME with configuration ``af`` current (scheduler
    airflow, everything else local) and ``afjobs`` (Airflow runs as jobs), and a
    copy of the bundled sample data under ``tmp_path/samples``."""
    from mason_operators_table import samples

    monkeypatch.setenv("AF_TEST_PASSWORD", PASSWORD)
    # the tasks read their configuration's {{VAR}}s where they run: from .env there
    (isolated_mason_home / ".env").write_text(f"AF_TEST_PASSWORD={PASSWORD}\n")
    shutil.copytree(samples.path("sales"), tmp_path / "samples" / "sales")
    mason = Mason(isolated_mason_home, airflow_server, tmp_path)
    jobs = airflow_config(airflow_server, isolated_mason_home, "afjobs")
    jobs["execution_engine"] = "airflow"
    for config in (airflow_config(airflow_server, isolated_mason_home), jobs):
        path = tmp_path / f"{config['id']}.yaml"
        path.write_text(yaml.safe_dump(config))
        done = mason("config", str(path))
        assert done.returncode == 0, done.stderr
    done = mason("config", "-s", "af")
    assert done.returncode == 0, done.stderr
    return mason
