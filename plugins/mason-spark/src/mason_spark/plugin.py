"""The entry point Mason loads: the ``spark`` client, registered as metadata.

Only the configuration model is imported here; the execution engine (and
with it pyspark or kubernetes) loads when a job actually runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mason import hookimpl
from mason_spark.config import SparkClientConfig

if TYPE_CHECKING:
    from mason.sdk.plugin import RegisterClient


@hookimpl
def mason_register_clients(register: RegisterClient) -> None:
    register(
        "spark",
        config_model=SparkClientConfig,
        engines={"execution": "mason_spark.execution:SparkExecution"},
        description="Apache Spark: local mode, a standalone cluster, or the Kubernetes operator",
    )
