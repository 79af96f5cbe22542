"""The ``airflow`` client's configuration: where Airflow's API server is, how
to authenticate, and where generated DAG files go."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator


class AirflowClientConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    api_url: str = Field(
        description="Airflow API server, for example http://127.0.0.1:8080 (no /api/v2)",
        min_length=1,
    )
    username: str | None = Field(
        default=None, description="User for Airflow's token endpoint (/auth/token)"
    )
    password: SecretStr | None = Field(
        default=None, description="Password for the token endpoint (a secret)"
    )
    token: SecretStr | None = Field(
        default=None, description="A ready API token (JWT) instead of username and password"
    )
    dags_folder: str = Field(
        description=(
            "Folder of Airflow's DAG bundle where Mason writes generated DAG files "
            "(the dags-folder bundle: Airflow's [core] dags_folder)"
        ),
        min_length=1,
    )
    task_mason_home: str | None = Field(
        default=None,
        description=(
            "MASON_HOME the tasks use on Airflow's workers (it must hold the step "
            "configurations). Unset: the workers' own MASON_HOME"
        ),
    )
    verify_tls: bool = Field(default=True, description="Check the API server's certificate")
    ca_bundle: str | None = Field(
        default=None, description="CA bundle file for the API server's certificate"
    )
    timeout_seconds: float = Field(default=30.0, gt=0, description="Per-request timeout")
    parse_timeout_seconds: float = Field(
        default=300.0,
        gt=0,
        description=(
            "How long a deploy waits for Airflow to parse the new DAG file (Airflow looks "
            "for new files every [dag_processor] refresh_interval)"
        ),
    )
    poll_seconds: float = Field(default=2.0, gt=0, description="How often a followed run is polled")

    @model_validator(mode="after")
    def _credentials(self) -> AirflowClientConfig:
        if (self.username is None) != (self.password is None):
            raise ValueError("username and password go together")
        if self.token is not None and self.username is not None:
            raise ValueError("give either token or username and password, not both")
        return self
