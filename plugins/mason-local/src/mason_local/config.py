"""The ``local`` client's configuration. Everything has a default, so the
client runs with no configuration at all (the embedded default)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class LocalClientConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    root: str | None = Field(
        default=None,
        description=(
            "Confine storage to this folder: relative paths resolve inside it and paths "
            "outside it are refused. Unset: paths resolve against the working directory."
        ),
    )
    catalog_path: str | None = Field(
        default=None,
        description="SQLite catalog file; default MASON_HOME/clients/local/catalog.sqlite",
    )
    warehouse: str | None = Field(
        default=None,
        description=(
            "Folder holding Iceberg tables' data and metadata. Default: 'warehouse' under "
            "root when root is set, else MASON_HOME/clients/local/warehouse"
        ),
    )
    threads: int | None = Field(default=None, ge=1, description="DuckDB worker threads")
    memory_limit: str | None = Field(
        default=None, description="DuckDB memory limit, for example '1GB'"
    )
    csv_sample_bytes: int = Field(
        default=1 << 20, ge=1024, description="bytes of each CSV read to infer its schema"
    )
    infer_workers: int = Field(
        default=1,
        ge=1,
        description=(
            "files whose schemas are read concurrently; local footers are CPU work that "
            "threads only contend for, so raise it for network file systems only"
        ),
    )
    preview_rows: int = Field(default=20, ge=0, description="rows returned in a job preview")
