"""A real Airflow 3 for the mason-airflow tests (see :mod:`.standalone`),
started once per test session.

These tests need apache-airflow, which lives in its own virtualenv (``nox -s
airflow``); elsewhere the top-level conftest does not collect this folder.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from .standalone import PASSWORD, AirflowServer, airflow_config, standalone


@pytest.fixture(scope="session")
def airflow_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AirflowServer]:
    with standalone(tmp_path_factory.mktemp("airflow")) as server:
        yield server


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
