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
from mason_spark.runners.manifest import application_name, result_file, spark_application
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


def kube_config(server: FakeOperatorAPI, tmp_path: Path, config_id: str, **runner: Any) -> str:
    """A kubeconfig pointing at the fake server, and a mason configuration using it."""
    kubeconfig = tmp_path / f"kubeconfig-{config_id}"
    kubeconfig.write_text(
        yaml.safe_dump(
            {
                "apiVersion": "v1",
                "kind": "Config",
                "clusters": [{"name": "fake", "cluster": {"server": server.url}}],
                "users": [{"name": "tester", "user": {"token": "not-a-real-token"}}],
                "contexts": [{"name": "fake", "context": {"cluster": "fake", "user": "tester"}}],
                "current-context": "fake",
            }
        )
    )
    settings = {
        "type": "kubernetes-operator",
        "namespace": "analytics",
        "image": "mason-spark:test",
        "kube_config": str(kubeconfig),
        **runner,
    }
    body = {
        "metastore_engine": "local",
        "storage_engine": "local",
        "execution_engine": "spark",
        "clients": {"spark": {"configuration": {"runner": settings}}},
    }
    return save_config(tmp_path, config_id, body)


@pytest.fixture
def kube_config_id(fake_api: FakeOperatorAPI, tmp_path: Path) -> str:
    return kube_config(fake_api, tmp_path, "k8s")


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


# -- the driver's result file ----------------------------------------------------------------


def test_manifest_names_the_result_file_when_a_result_location_is_set() -> None:
    settings = KubernetesRunner(result_location="s3a://lake/_mason/results/")
    job = MergeJob(input_path="s3a://lake/raw/", output_path="s3a://lake/merged/")
    spec = JobSpec(job_id="j1", job=job, result_location=result_file(settings, "j1"))

    sent = JobSpec.model_validate_json(spark_application(spec, settings)["spec"]["arguments"][1])

    assert sent.result_location == "s3a://lake/_mason/results/j1.json"
    assert result_file(KubernetesRunner(), "j1") is None


@pytest.fixture
def kube_results(fake_api: FakeOperatorAPI, tmp_path: Path) -> tuple[str, Path]:
    """The fake cluster's configuration with a result location both the
    "driver" (this process's Spark) and mason can reach: a local folder."""
    results = tmp_path / "results"
    return kube_config(fake_api, tmp_path, "k8s-results", result_location=str(results)), results


def play_driver(spark: Any, server: FakeOperatorAPI, name: str) -> JobSpec:
    """Do what the driver pod would: run the SparkApplication's --spec with the
    entry script on a real Spark, and publish the result where the spec says."""
    from mason_spark.entry import publish_result, run_spec

    spec = JobSpec.model_validate_json(
        server.resources[("analytics", name)]["spec"]["arguments"][1]
    )
    assert spec.result_location is not None
    publish_result(spark, spec.result_location, run_spec(spark, spec))
    return spec


def test_job_get_reads_row_count_and_preview_from_the_drivers_result_file(
    spark: Any, fake_api: FakeOperatorAPI, kube_results: tuple[str, Path], tmp_path: Path
) -> None:
    config_id, results = kube_results
    source = tmp_path / "raw"
    source.mkdir()
    (source / "a.csv").write_text("id,name\n1,x\n2,y\n3,z\n")
    out = tmp_path / "merged"
    submitted = mason.run(
        "table", "merge", config_id=config_id, input_path=str(source), output_path=str(out)
    ).data[0]
    ((_, name),) = fake_api.resources
    spec = play_driver(spark, fake_api, name)
    assert spec.result_location == f"{results}/{submitted.id}.json"
    assert (results / f"{submitted.id}.json").is_file()

    set_state(fake_api, name, "RUNNING")
    running = mason.run("job", "get", job_id=submitted.id, config_id=config_id).data[0]
    assert running.row_count is None  # read only once the application has ended
    set_state(fake_api, name, "COMPLETED")
    job = mason.run("job", "get", job_id=submitted.id, config_id=config_id).data[0]

    assert job.status == JobStatus.SUCCEEDED
    assert job.row_count == 3
    assert [c.name for c in job.columns] == ["id", "name"]
    assert sorted(r["name"] for r in job.preview) == ["x", "y", "z"]
    assert job.metrics["files"] == 1
    assert job.metrics["result"] == "read"
    assert job.result_location is not None and job.result_location.endswith("merged")
    assert job.metrics["application_id"] == "spark-0123"  # the resource's, not the test's


def test_a_failed_application_reports_the_drivers_own_error(
    spark: Any, fake_api: FakeOperatorAPI, kube_results: tuple[str, Path], tmp_path: Path
) -> None:
    config_id, _ = kube_results
    submitted = mason.run(
        "table", "merge", config_id=config_id,
        input_path=str(tmp_path / "missing"), output_path=str(tmp_path / "never"),
    ).data[0]  # fmt: skip
    ((_, name),) = fake_api.resources
    play_driver(spark, fake_api, name)
    set_state(fake_api, name, "FAILED", errorMessage="driver container failed with ExitCode: 1")

    response = mason.run("job", "get", job_id=submitted.id, config_id=config_id)

    job = response.data[0]
    assert job.status == JobStatus.FAILED
    assert "no data files" in (job.error or "")
    assert job.row_count is None


def test_a_missing_result_file_leaves_the_resources_state(
    fake_api: FakeOperatorAPI, kube_results: tuple[str, Path]
) -> None:
    config_id, _ = kube_results
    engine = execution_engine(config_id)
    submitted = engine.run_job(MergeJob(input_path="s3a://a/", output_path="s3a://b/"))
    ((_, name),) = fake_api.resources
    set_state(fake_api, name, "COMPLETED")

    job = engine.get_job(submitted.id)

    assert job.status == JobStatus.SUCCEEDED
    assert job.result_location == "s3a://b/"
    assert job.row_count is None
    assert str(job.metrics["result"]).startswith("not read")
