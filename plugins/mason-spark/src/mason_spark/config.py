"""The ``spark`` client's configuration: which runner submits jobs, and its resources.

The runner is chosen by ``type``, as in the original Mason's
``runner: {type: kubernetes-operator, spark_version: 2.4.5}``. With no
configuration at all the client runs ``local[*]`` inside the mason process.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

_MEMORY = r"^\d+[kmgtKMGT]?$"


class _Runner(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    conf: dict[str, str] = Field(
        default_factory=dict, description="extra Spark configuration (spark.* keys)"
    )
    driver_memory: str = Field(default="1g", pattern=_MEMORY, description="driver memory")


class LocalRunner(_Runner):
    """pyspark in local mode: ``local[threads]``, in the mason process or a child."""

    type: Literal["local"] = "local"
    threads: int | Literal["*"] = Field(default="*", description="worker threads of local[N]")
    in_process: bool = Field(
        default=True,
        description=(
            "run in the mason process (the session is reused between jobs); false runs "
            "each job in a child python process"
        ),
    )

    @property
    def master(self) -> str:
        return f"local[{self.threads}]"


class StandaloneRunner(_Runner):
    """spark-submit to a standalone master; the driver runs beside mason (client mode)."""

    type: Literal["standalone"] = "standalone"
    master: str = Field(pattern=r"^spark://.+:\d+$", description="spark://host:port")
    spark_home: str | None = Field(
        default=None,
        description="Spark distribution with bin/spark-submit; default: the one pyspark ships",
    )
    executor_memory: str = Field(default="1g", pattern=_MEMORY)
    executor_cores: int | None = Field(default=None, ge=1)
    total_executor_cores: int | None = Field(default=None, ge=1)
    wait: bool = Field(
        default=True,
        description="wait for the job to finish; false returns at once ('job get' follows it)",
    )


class KubernetesRunner(_Runner):
    """A ``SparkApplication`` for the Kubernetes spark operator."""

    type: Literal["kubernetes-operator"] = "kubernetes-operator"
    namespace: str = "default"
    image: str = Field(default="mason-spark:latest", description="image with mason-spark installed")
    image_pull_policy: Literal["Always", "IfNotPresent", "Never"] = "IfNotPresent"
    spark_version: str = "3.5.1"
    main_application_file: str = Field(
        default="local:///opt/mason/entry.py",
        description="the job entry script inside the image (mason_spark/entry.py)",
    )
    service_account: str = "spark"
    driver_cores: int = Field(default=1, ge=1)
    executor_cores: int = Field(default=1, ge=1)
    executor_memory: str = Field(default="1g", pattern=_MEMORY)
    executor_instances: int = Field(default=1, ge=1)
    kube_config: str | None = Field(
        default=None, description="kubeconfig file; default ~/.kube/config or in-cluster"
    )
    context: str | None = Field(default=None, description="kubeconfig context")
    in_cluster: bool = Field(default=False, description="use the pod's service account")
    wait: bool = Field(default=False, description="poll until the application finishes")
    result_location: str | None = Field(
        default=None,
        description=(
            "folder the driver writes each job's result to (<job id>.json), through "
            "Hadoop (s3a://, hdfs://, a mounted volume) and mason reads it back "
            "(pyarrow: local paths, s3a:// as s3://); gives job get row counts and "
            "previews; unset: they stay in the driver's log"
        ),
    )
    poll_seconds: float = Field(default=5.0, gt=0)
    timeout_seconds: float = Field(default=3600.0, gt=0)


Runner = Annotated[LocalRunner | StandaloneRunner | KubernetesRunner, Field(discriminator="type")]


class SparkClientConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    runner: Runner = Field(default_factory=LocalRunner)
    preview_rows: int = Field(default=20, ge=0, description="rows returned in a job preview")
