"""The kubernetes-operator runner, which cannot run a cluster here.

Two kinds of test: the generated ``SparkApplication`` manifests, checked as
data; and the real ``kubernetes`` Python client talking to a small fake API
server on 127.0.0.1 that serves the custom resource's create, get and delete.
That fake server is the ONE mock of the Spark tests: it stores the resources
it is sent and plays the operator's part by setting their status.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml
from mason_spark.config import KubernetesRunner, SparkClientConfig
from mason_spark.runners.manifest import application_name, spark_application
from mason_spark.spec import JobSpec

import mason
from mason_core.models import JobStatus, MergeJob, SummarizeJob, Table
from tests.spark.conftest import execution_engine, save_config

PREFIX = "/apis/sparkoperator.k8s.io/v1beta2/namespaces/"


def test_manifest_is_a_spark_application_running_the_entry_script() -> None:
    settings = KubernetesRunner(
        namespace="data",
        image="registry.example/mason-spark:0.1",
        spark_version="3.5.1",
        driver_cores=2,
        driver_memory="2g",
        executor_cores=3,
        executor_memory="4g",
        executor_instances=5,
        service_account="spark-runner",
        conf={"spark.sql.shuffle.partitions": "64"},
    )
    job = MergeJob(input_path="s3a://lake/raw/", output_path="s3a://lake/merged/")
    spec = JobSpec(job_id="20240501t120301-abc", job=job, preview_rows=5)

    manifest = spark_application(spec, settings)

    assert manifest["apiVersion"] == "sparkoperator.k8s.io/v1beta2"
    assert manifest["kind"] == "SparkApplication"
    assert manifest["metadata"]["name"] == "mason-merge-20240501t120301-abc"
    assert manifest["metadata"]["namespace"] == "data"
    assert manifest["metadata"]["labels"]["mason/job-id"] == spec.job_id
    body = manifest["spec"]
    assert (body["type"], body["mode"], body["pythonVersion"]) == ("Python", "cluster", "3")
    assert body["mainApplicationFile"] == "local:///opt/mason/entry.py"
    assert body["image"] == "registry.example/mason-spark:0.1"
    assert body["sparkVersion"] == "3.5.1"
    assert body["restartPolicy"] == {"type": "Never"}
    assert body["driver"]["cores"] == 2
    assert body["driver"]["memory"] == "2g"
    assert body["driver"]["serviceAccount"] == "spark-runner"
    assert body["executor"] == {
        "cores": 3,
        "instances": 5,
        "memory": "4g",
        "labels": body["driver"]["labels"],
    }
    assert body["sparkConf"]["spark.sql.shuffle.partitions"] == "64"
    assert body["sparkConf"]["spark.sql.session.timeZone"] == "UTC"
    # the job specification travels as the entry script's --spec argument
    flag, text = body["arguments"]
    assert flag == "--spec"
    assert JobSpec.model_validate_json(text) == spec
    # and the whole manifest is plain data a YAML or JSON client can send
    assert yaml.safe_load(yaml.safe_dump(manifest)) == manifest


def test_manifest_names_are_valid_kubernetes_names() -> None:
    name = application_name("20240501T120301-ABC_def" + "x" * 80, "summarize")
    assert len(name) <= 63
    assert name == name.lower()
    assert all(c.isalnum() or c == "-" for c in name)
    assert not name.endswith("-")


def test_original_readme_runner_configuration_is_accepted() -> None:
    config = SparkClientConfig.model_validate(
        {"runner": {"spark_version": "2.4.5", "type": "kubernetes-operator"}}
    )
    assert isinstance(config.runner, KubernetesRunner)
    assert config.runner.spark_version == "2.4.5"


# -- the fake API server --------------------------------------------------------------------


class FakeOperatorAPI(ThreadingHTTPServer):
    """Stores SparkApplications by namespace and name; ``status`` is set by the test."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.resources: dict[tuple[str, str], dict[str, Any]] = {}
        self.requests: list[tuple[str, str]] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    server: FakeOperatorAPI

    def log_message(self, format: str, *args: Any) -> None:
        return None

    def _send(self, code: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _target(self) -> tuple[str, str | None] | None:
        path = self.path.split("?", 1)[0]
        if not path.startswith(PREFIX):
            return None
        parts = path[len(PREFIX) :].split("/")
        if len(parts) == 2 and parts[1] == "sparkapplications":
            return parts[0], None
        if len(parts) == 3 and parts[1] == "sparkapplications":
            return parts[0], parts[2]
        return None

    def _not_found(self) -> None:
        self._send(404, {"kind": "Status", "status": "Failure", "reason": "NotFound", "code": 404})

    def do_POST(self) -> None:
        self.server.requests.append(("POST", self.path))
        target = self._target()
        if target is None or target[1] is not None:
            return self._not_found()
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        key = (target[0], body["metadata"]["name"])
        if key in self.server.resources:
            return self._send(409, {"kind": "Status", "reason": "AlreadyExists", "code": 409})
        self.server.resources[key] = body
        self._send(201, body)

    def do_GET(self) -> None:
        self.server.requests.append(("GET", self.path))
        target = self._target()
        if target is None or target[1] is None or target not in self.server.resources:
            return self._not_found()
        self._send(200, self.server.resources[(target[0], target[1])])

    def do_DELETE(self) -> None:
        self.server.requests.append(("DELETE", self.path))
        target = self._target()
        if target is None or target[1] is None or target not in self.server.resources:
            return self._not_found()
        del self.server.resources[(target[0], target[1])]
        self._send(200, {"kind": "Status", "status": "Success", "code": 200})


@pytest.fixture
def fake_api() -> Iterator[FakeOperatorAPI]:
    server = FakeOperatorAPI()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def kube_config_id(fake_api: FakeOperatorAPI, tmp_path: Path) -> str:
    """A kubeconfig pointing at the fake server, and a mason configuration using it."""
    kubeconfig = tmp_path / "kubeconfig"
    kubeconfig.write_text(
        yaml.safe_dump(
            {
                "apiVersion": "v1",
                "kind": "Config",
                "clusters": [{"name": "fake", "cluster": {"server": fake_api.url}}],
                "users": [{"name": "tester", "user": {"token": "not-a-real-token"}}],
                "contexts": [{"name": "fake", "context": {"cluster": "fake", "user": "tester"}}],
                "current-context": "fake",
            }
        )
    )
    runner = {
        "type": "kubernetes-operator",
        "namespace": "analytics",
        "image": "mason-spark:test",
        "kube_config": str(kubeconfig),
    }
    body = {
        "metastore_engine": "local",
        "storage_engine": "local",
        "execution_engine": "spark",
        "clients": {"spark": {"configuration": {"runner": runner}}},
    }
    return save_config(tmp_path, "k8s", body)


def set_state(server: FakeOperatorAPI, name: str, state: str, **extra: Any) -> None:
    resource = server.resources[("analytics", name)]
    resource["status"] = {
        "applicationState": {"state": state, **extra},
        "sparkApplicationId": "spark-0123",
        "submissionTime": "2024-05-01T12:03:05Z",
        "driverInfo": {"podName": f"{name}-driver"},
        **({"terminationTime": "2024-05-01T12:09:00Z"} if state in ("COMPLETED", "FAILED") else {}),
    }


def test_merge_creates_a_spark_application_and_job_get_follows_it(
    fake_api: FakeOperatorAPI, kube_config_id: str, tmp_path: Path
) -> None:
    response = mason.run(
        "table", "merge", config_id=kube_config_id,
        input_path="s3a://lake/raw/", output_path="s3a://lake/merged/",
    )  # fmt: skip

    assert response.ok, response.errors
    submitted = response.data[0]
    assert submitted.status == JobStatus.QUEUED
    ((namespace, name),) = fake_api.resources
    assert namespace == "analytics"
    created = fake_api.resources[(namespace, name)]
    assert created["spec"]["image"] == "mason-spark:test"
    sent = JobSpec.model_validate_json(created["spec"]["arguments"][1])
    assert sent.job_id == submitted.id
    assert isinstance(sent.job, MergeJob)
    assert sent.job.output_path == "s3a://lake/merged/"  # URIs are passed through untouched

    engine = execution_engine(kube_config_id)
    set_state(fake_api, name, "RUNNING")
    running = engine.get_job(submitted.id)
    assert running.status == JobStatus.RUNNING
    assert running.metrics["driver_pod"] == f"{name}-driver"
    assert running.metrics["application_id"] == "spark-0123"

    set_state(fake_api, name, "COMPLETED")
    done = engine.get_job(submitted.id)
    assert done.status == JobStatus.SUCCEEDED
    assert done.result_location == "s3a://lake/merged/"
    assert done.finished_at is not None and done.finished_at.isoformat().startswith("2024-05-01")
    gets = [path for method, path in fake_api.requests if method == "GET"]
    assert len(gets) == 2
    # a finished record is answered from MASON_HOME, without asking the cluster again
    assert engine.get_job(submitted.id).status == JobStatus.SUCCEEDED
    assert len([1 for method, _ in fake_api.requests if method == "GET"]) == 2


def test_failed_application_reports_the_operator_error(
    fake_api: FakeOperatorAPI, kube_config_id: str
) -> None:
    engine = execution_engine(kube_config_id)
    table = Table(name="sales", database="shop", location="s3a://lake/sales/", format="parquet")
    submitted = engine.run_job(SummarizeJob(table=table))
    ((_, name),) = fake_api.resources

    set_state(fake_api, name, "FAILED", errorMessage="driver container failed with ExitCode: 1")

    job = engine.get_job(submitted.id)
    assert job.status == JobStatus.FAILED
    assert job.error == "driver container failed with ExitCode: 1"
    assert job.metrics["application_state"] == "FAILED"


def test_cancel_deletes_the_spark_application(
    fake_api: FakeOperatorAPI, kube_config_id: str
) -> None:
    engine = execution_engine(kube_config_id)
    submitted = engine.run_job(MergeJob(input_path="s3a://a/", output_path="s3a://b/"))
    assert len(fake_api.resources) == 1

    cancelled = engine.cancel_job(submitted.id)  # type: ignore[attr-defined]

    assert cancelled.status == JobStatus.CANCELLED
    assert fake_api.resources == {}
    assert (
        "DELETE",
        next(p for m, p in fake_api.requests if m == "POST")
        + "/"
        + (application_name(submitted.id, "merge")),
    ) in fake_api.requests


def test_a_vanished_application_is_an_error_naming_the_api_answer(
    fake_api: FakeOperatorAPI, kube_config_id: str
) -> None:
    engine = execution_engine(kube_config_id)
    submitted = engine.run_job(MergeJob(input_path="s3a://a/", output_path="s3a://b/"))
    fake_api.resources.clear()

    with pytest.raises(mason.MasonRuntimeError) as caught:
        engine.get_job(submitted.id)
    assert "404" in str(caught.value)
    assert application_name(submitted.id, "merge") in str(caught.value)


def test_an_unreachable_api_server_gives_a_failed_record(
    fake_api: FakeOperatorAPI, kube_config_id: str
) -> None:
    engine = execution_engine(kube_config_id)
    fake_api.shutdown()
    fake_api.server_close()

    job = engine.run_job(MergeJob(input_path="s3a://a/", output_path="s3a://b/"))

    assert job.status == JobStatus.FAILED
    assert job.error
    assert engine.get_job(job.id).status == JobStatus.FAILED
