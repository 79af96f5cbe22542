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
        server = AirflowServer(url, home, dags, log)
        warm_up(server)
        yield server
    finally:
        _stop(process)


WARM_UP = """
from airflow.sdk import DAG, task

with DAG(dag_id="mason_warm_up", schedule=None, catchup=False) as dag:

    @task
    def ready() -> str:
        return "ready"

    ready()
"""


def warm_up(server: AirflowServer, attempts: int = 3) -> None:
    """Run one plain Airflow task before any test does. On this busy machine the
    first task of a freshly started standalone can fail before it starts (no
    Mason code involved); a failure here is retried, so tests see a warm server."""
    path = server.dags / "mason_warm_up.py"
    path.write_text(WARM_UP)
    deadline = time.monotonic() + START_TIMEOUT
    with server.api() as api:
        while api.get("/dags/mason_warm_up").status_code != 200:
            if time.monotonic() > deadline:
                raise RuntimeError("airflow did not parse the warm-up DAG")
            time.sleep(2)
        api.patch("/dags/mason_warm_up", json={"is_paused": False}).raise_for_status()
        for _ in range(attempts):
            run = api.post("/dags/mason_warm_up/dagRuns", json={"logical_date": None})
            run.raise_for_status()
            run_id = run.json()["dag_run_id"]
            state = ""
            while state not in ("success", "failed"):
                if time.monotonic() > deadline:
                    raise RuntimeError("the warm-up run did not finish")
                time.sleep(2)
                state = api.get(f"/dags/mason_warm_up/dagRuns/{run_id}").json()["state"]
            if state == "success":
                break
        else:
            raise RuntimeError(f"airflow could not run a plain task in {attempts} tries")
        retire(api, path, "mason_warm_up")


def retire(api: httpx.Client, path: Path, dag_id: str) -> None:
    """Remove a DAG the way Airflow's DAG processor tolerates (as mason-airflow's
    ``delete_dag`` does): pause it, remove its file, wait until Airflow reports
    it stale, then delete its record. Deleting at once races the processor's
    deactivation of the vanished file (``StaleDataError``; it does not restart)."""
    api.patch(f"/dags/{dag_id}", json={"is_paused": True}).raise_for_status()
    path.unlink()
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        found = api.get(f"/dags/{dag_id}")
        if found.status_code == 404 or found.json().get("is_stale"):
            break
        if time.monotonic() > deadline:
            raise RuntimeError(f"airflow did not report {dag_id} stale after its file was removed")
        time.sleep(1)
    deleted = api.delete(f"/dags/{dag_id}")
    if deleted.status_code != 404:
        deleted.raise_for_status()


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the whole group, then SIGKILL to whatever of it is left: a
    scheduler outliving standalone would keep its executor's workers alive."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            continue
        time.sleep(2)  # let the group's other members act on the signal


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
