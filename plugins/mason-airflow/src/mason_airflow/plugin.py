"""The ``airflow`` client's registration: metadata only, nothing heavy imported."""

from __future__ import annotations

from mason.sdk.plugin import RegisterClient, hookimpl
from mason_airflow.config import AirflowClientConfig


@hookimpl
def mason_register_clients(register: RegisterClient) -> None:
    register(
        "airflow",
        config_model=AirflowClientConfig,
        engines={
            "scheduler": "mason_airflow.scheduler:AirflowScheduler",
            "execution": "mason_airflow.jobs:AirflowJobs",
        },
        description=(
            "Apache Airflow 3: workflows deploy as generated DAGs and run on Airflow's "
            "executors; Airflow runs read back as jobs"
        ),
    )
