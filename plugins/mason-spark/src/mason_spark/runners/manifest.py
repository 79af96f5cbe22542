"""The ``SparkApplication`` custom resource for a job (the spark-on-k8s operator's
``sparkoperator.k8s.io/v1beta2`` API).

The manifest is a pure function of the job specification and the runner's
settings, so what would be sent to a cluster can be checked without one.
"""

from __future__ import annotations

from typing import Any

from mason_spark.config import KubernetesRunner
from mason_spark.defaults import spark_conf
from mason_spark.spec import JobSpec

GROUP = "sparkoperator.k8s.io"
VERSION = "v1beta2"
PLURAL = "sparkapplications"
KIND = "SparkApplication"
MANAGED_BY = "mason"


def application_name(job_id: str, kind: str) -> str:
    """A DNS-1123 name (lower case, at most 63 characters) for the job."""
    name = f"mason-{kind}-{job_id}".lower()
    cleaned = "".join(c if c.isalnum() or c == "-" else "-" for c in name)
    return cleaned[:63].strip("-")


def result_file(settings: KubernetesRunner, job_id: str) -> str | None:
    """Where the driver of ``job_id`` writes its result, if anywhere."""
    if not settings.result_location:
        return None
    return f"{settings.result_location.rstrip('/')}/{job_id}.json"


def spark_application(spec: JobSpec, settings: KubernetesRunner) -> dict[str, Any]:
    name = application_name(spec.job_id, spec.job.kind)
    labels = {
        "app.kubernetes.io/managed-by": MANAGED_BY,
        "mason/job-id": spec.job_id,
        "mason/job-kind": spec.job.kind,
    }
    pod_labels = {"version": settings.spark_version, **labels}
    return {
        "apiVersion": f"{GROUP}/{VERSION}",
        "kind": KIND,
        "metadata": {"name": name, "namespace": settings.namespace, "labels": labels},
        "spec": {
            "type": "Python",
            "pythonVersion": "3",
            "mode": "cluster",
            "image": settings.image,
            "imagePullPolicy": settings.image_pull_policy,
            "mainApplicationFile": settings.main_application_file,
            "arguments": ["--spec", spec.model_dump_json(by_alias=True)],
            "sparkVersion": settings.spark_version,
            "sparkConf": spark_conf(settings.conf),
            "restartPolicy": {"type": "Never"},
            "driver": {
                "cores": settings.driver_cores,
                "memory": settings.driver_memory,
                "serviceAccount": settings.service_account,
                "labels": pod_labels,
            },
            "executor": {
                "cores": settings.executor_cores,
                "instances": settings.executor_instances,
                "memory": settings.executor_memory,
                "labels": pod_labels,
            },
        },
    }
