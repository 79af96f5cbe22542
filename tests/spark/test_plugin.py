"""The spark client's registration and configuration: metadata only, no pyspark
or kubernetes import until a job runs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import mason
from mason_core.errors import ConfigurationError
from tests.spark.conftest import save_config, spark_body

_PROBE = """
import json, sys
from mason_core.cli.app import main
sys.argv = ["mason", "--help"]
try:
    main()
except SystemExit:
    pass
import mason
from mason_core.runtime import default_session
names = [c for p in mason.plugins() for c in p.clients]
store = default_session().configs
store.read_file(__import__("pathlib").Path(sys.argv_config))
heavy = sorted({m.split(".")[0] for m in sys.modules} & {"pyspark", "py4j", "kubernetes"})
print(json.dumps({"clients": names, "heavy": heavy}))
"""


def test_help_plugins_and_config_validation_import_no_spark(tmp_path: Path) -> None:
    config = tmp_path / "k8s.yaml"
    config.write_text(
        "type: config\nid: k8s\nmetastore_engine: local\nexecution_engine: spark\n"
        "clients:\n  spark:\n    configuration:\n      runner:\n"
        "        type: kubernetes-operator\n        spark_version: 2.4.5\n"
    )
    code = _PROBE.replace("sys.argv_config", repr(str(config)))
    proc = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={"MASON_HOME": str(tmp_path / "home"), "PATH": "/usr/bin:/bin"},
    )
    assert proc.returncode == 0, proc.stderr
    found = json.loads(proc.stdout.strip().splitlines()[-1])
    assert "spark" in found["clients"]
    assert found["heavy"] == []


def test_spark_serves_execution_with_the_spark_job_kinds() -> None:
    (info,) = [p for p in mason.plugins() if "spark" in p.clients]
    assert info.ok
    from mason_core.runtime import default_session

    spec = default_session().registry.client("spark")
    assert list(spec.engines) == ["execution"]
    engine = spec.implementation("execution")
    assert sorted(engine.served_verbs()) == ["get_job", "list_jobs", "run_job"]
    assert set(engine.JOB_KINDS) == {"query", "merge", "format", "summarize", "dedupe"}


@pytest.mark.parametrize(
    ("runner", "problem"),
    [
        ({"type": "standalone"}, "runner.standalone.master"),
        ({"type": "standalone", "master": "http://x:1"}, "runner.standalone.master"),
        ({"type": "yarn"}, "runner"),
        ({"type": "local", "driver_memory": "lots"}, "runner.local.driver_memory"),
    ],
)
def test_bad_runner_settings_are_configuration_errors(
    tmp_path: Path, runner: dict[str, object], problem: str
) -> None:
    with pytest.raises(ConfigurationError) as caught:
        save_config(tmp_path, "bad", spark_body(runner))
    assert f"clients.spark.{problem}" in str(caught.value)
