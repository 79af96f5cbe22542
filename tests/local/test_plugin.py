"""The ``local`` client as installed: discovered through its entry point,
serving its verbs, and light to import."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pydantic
import pytest
from mason_local.config import LocalClientConfig

import mason
from mason.sdk.engines import TABLE_FORMAT_VERBS
from mason_core.runtime import default_session, reset_sessions

HEAVY = ("pyarrow", "duckdb", "pyiceberg", "sqlalchemy")


def test_local_client_is_registered_with_its_engines() -> None:
    reset_sessions()
    info = next(p for p in mason.plugins() if p.name == "local")
    assert info.ok, info.error
    assert info.clients == ["local"]
    spec = default_session().registry.client("local")
    assert spec.embedded_default is True
    assert spec.config_model is LocalClientConfig
    assert set(spec.engines) == {"storage", "metastore", "execution", "scheduler"}


def test_served_verbs() -> None:
    spec = default_session().registry.client("local")
    served = {engine: spec.implementation(engine).served_verbs() for engine in spec.engines}
    assert served["storage"] == [
        "resolve_path",
        "table_path",
        "open",
        "list_path",
        "expand_path",
        "infer_table",
        "save",
        "copy",
        "delete",
        "exists",
    ]
    assert set(served["metastore"]) == {
        "list_databases",
        "get_database",
        "create_database",
        "list_tables",
        "get_table",
        "create_table",
        "delete_table",
        "generate_ddl",
        "refresh_table",
        *TABLE_FORMAT_VERBS,  # Iceberg tables
    }
    assert served["execution"] == ["run_job", "get_job", "list_jobs"]


def test_registration_and_engine_modules_import_nothing_heavy() -> None:
    probe = textwrap.dedent(
        """
        import json, sys
        import mason_local.plugin
        import mason_local.storage, mason_local.metastore, mason_local.execution
        import mason_local.inference, mason_local.jobs.query, mason_local.jobs.preview
        print(json.dumps(sorted({m.split(".")[0] for m in sys.modules})))
        """
    )
    proc = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    loaded = set(json.loads(proc.stdout.strip().splitlines()[-1]))
    assert "mason_local" in loaded
    assert not loaded & set(HEAVY), loaded & set(HEAVY)


def test_configuration_defaults_and_validation() -> None:
    config = LocalClientConfig()
    assert config.root is None and config.infer_workers >= 1 and config.preview_rows == 20
    with pytest.raises(pydantic.ValidationError):
        LocalClientConfig(unknown_field=1)  # type: ignore[call-arg]
    with pytest.raises(pydantic.ValidationError):
        LocalClientConfig(csv_sample_bytes=10)
