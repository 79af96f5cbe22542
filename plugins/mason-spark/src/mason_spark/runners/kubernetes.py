"""The kubernetes-operator runner: a ``SparkApplication`` created through the
``kubernetes`` client; the job's state is the custom resource's status.

The client is configured from ``kube_config`` (default ``~/.kube/config``) or,
with ``in_cluster``, from the pod's service account. ``job get`` reports the
resource's state, error, timings and the output path; with ``result_location``
set, the driver also writes its result (row count, columns, preview, metrics,
summary, its own error) to ``<result_location>/<job id>.json``, which is read
once when the application has ended. Without it, or when that file cannot be
read from where mason runs, those stay in the driver's log.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from mason.sdk.errors import ConfigurationError, MasonRuntimeError
from mason.sdk.jobs import JobOutcome, JobStatus
from mason_spark.config import KubernetesRunner
from mason_spark.runners import SparkRunner
from mason_spark.runners.manifest import GROUP, PLURAL, VERSION, spark_application
from mason_spark.spec import JobResult

if TYPE_CHECKING:
    from mason.sdk.jobs import JobRecord
    from mason_spark.spec import JobSpec

#: the operator's ``applicationState.state`` values, as Mason job states.
STATES: dict[str, JobStatus] = {
    "": JobStatus.QUEUED,
    "NEW": JobStatus.QUEUED,
    "SUBMITTED": JobStatus.QUEUED,
    "PENDING_SUBMISSION": JobStatus.QUEUED,
    "RUNNING": JobStatus.RUNNING,
    "PENDING_RERUN": JobStatus.RUNNING,
    "INVALIDATING": JobStatus.RUNNING,
    "SUCCEEDING": JobStatus.RUNNING,
    "FAILING": JobStatus.RUNNING,
    "UNKNOWN": JobStatus.RUNNING,
    "COMPLETED": JobStatus.SUCCEEDED,
    "FAILED": JobStatus.FAILED,
    "SUBMISSION_FAILED": JobStatus.FAILED,
}


def _time(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def apply_status(record: JobRecord, resource: dict[str, Any]) -> None:
    """Update ``record`` from a SparkApplication's ``status``."""
    status = resource.get("status") or {}
    state = (status.get("applicationState") or {}).get("state") or ""
    record.status = STATES.get(str(state).upper(), JobStatus.RUNNING)
    record.metrics["application_state"] = str(state or "PENDING")
    if status.get("sparkApplicationId"):
        record.metrics["application_id"] = str(status["sparkApplicationId"])
    driver = (status.get("driverInfo") or {}).get("podName")
    if driver:
        record.metrics["driver_pod"] = str(driver)
    record.started_at = _time(status.get("submissionTime")) or record.started_at
    if record.status.finished:
        record.finished_at = _time(status.get("terminationTime")) or datetime.now(timezone.utc)
    error = (status.get("applicationState") or {}).get("errorMessage")
    record.error = str(error) if error and record.status == JobStatus.FAILED else None
    if record.status == JobStatus.FAILED and not record.error:
        record.error = f"SparkApplication {record.handle['resource']} ended in state {state}"


def _filesystem_uri(location: str) -> str:
    """``location`` as pyarrow names it: Hadoop's ``s3a://``/``s3n://`` are ``s3://``."""
    for scheme in ("s3a://", "s3n://"):
        if location.startswith(scheme):
            return "s3://" + location[len(scheme) :]
    return location


def read_result(location: str) -> JobResult:
    """The driver's result file, read through a pyarrow filesystem."""
    from pyarrow import fs

    filesystem, path = fs.FileSystem.from_uri(_filesystem_uri(location))
    with filesystem.open_input_stream(path) as stream:
        return JobResult.model_validate_json(stream.read())


def apply_result(record: JobRecord, location: str) -> JobOutcome | None:
    """Take in an ended application's result file, if it can be read. The
    resource's state stays the authority on how the job ended; the file adds
    what only the driver knows, and its error is more precise than the pod's."""
    try:
        result = read_result(location)
    except Exception as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        record.metrics["result"] = f"not read: {first}"[:300]
        return None
    record.metrics["result"] = "read"
    if record.status == JobStatus.SUCCEEDED and result.status == "succeeded":
        return result.outcome()
    if record.status == JobStatus.FAILED and result.error:
        record.error = result.error
    return None


class KubernetesSparkRunner(SparkRunner):
    settings: KubernetesRunner

    def _api(self) -> Any:
        try:
            from kubernetes import client, config
        except ImportError:
            raise ConfigurationError(
                "the kubernetes-operator runner needs the kubernetes client: "
                "pip install 'mason-spark[kubernetes]'"
            ) from None
        try:
            if self.settings.in_cluster:
                config.load_incluster_config()
                api_client = client.ApiClient()
            else:
                api_client = config.new_client_from_config(
                    config_file=self.settings.kube_config, context=self.settings.context
                )
        except Exception as exc:
            raise ConfigurationError(f"cannot load the Kubernetes configuration: {exc}") from exc
        return client.CustomObjectsApi(api_client)

    def _call(self, what: str, method: str, *args: Any) -> Any:
        from kubernetes.client.exceptions import ApiException

        try:
            return getattr(self._api(), method)(GROUP, VERSION, *args)
        except ApiException as exc:
            raise MasonRuntimeError(
                f"cannot {what}: Kubernetes API answered {exc.status} {exc.reason}"
            ) from exc

    def submit(self, spec: JobSpec, record: JobRecord) -> JobOutcome | None:
        body = spark_application(spec, self.settings)
        namespace = self.settings.namespace
        resource = str(body["metadata"]["name"])
        record.handle.update(resource=resource, namespace=namespace)
        if spec.result_location:
            record.handle["result_location"] = spec.result_location
            record.metrics["result_location"] = spec.result_location
        created = self._call(
            f"create SparkApplication {resource}",
            "create_namespaced_custom_object",
            namespace,
            PLURAL,
            body,
        )
        record.detached = True  # the cluster runs it; it is followed through the resource
        self.jobs.save(record)
        apply_status(record, created)
        if not self.settings.wait:
            return None
        import time

        deadline = time.monotonic() + self.settings.timeout_seconds
        while not record.status.finished and time.monotonic() < deadline:
            time.sleep(self.settings.poll_seconds)
            outcome = self.poll(record)
            if outcome is not None:
                return outcome
        return None

    def poll(self, record: JobRecord) -> JobOutcome | None:
        resource = self._call(
            f"get SparkApplication {record.handle['resource']}",
            "get_namespaced_custom_object",
            record.handle["namespace"],
            PLURAL,
            record.handle["resource"],
        )
        apply_status(record, resource)
        location = record.handle.get("result_location")
        if location and record.status.finished:
            return apply_result(record, str(location))
        return None

    def cancel(self, record: JobRecord) -> None:
        """Delete the SparkApplication; the operator then removes its pods."""
        self._call(
            f"delete SparkApplication {record.handle['resource']}",
            "delete_namespaced_custom_object",
            record.handle["namespace"],
            PLURAL,
            record.handle["resource"],
        )
        record.status = JobStatus.CANCELLED
        record.finished_at = datetime.now(timezone.utc)
        record.error = "cancelled: SparkApplication deleted"
