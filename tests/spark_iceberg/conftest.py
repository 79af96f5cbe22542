"""The spark-iceberg session's fixtures: MASON_HOME per test, a saved
configuration whose metastore is the local client (its Iceberg catalog on
SQLite) and whose execution is Spark in local mode, in this process.

These tests run in ``nox -s spark-iceberg``: pyspark 3.5 with the Iceberg
Spark runtime jar from ``snowpark-connect-deps-iceberg`` (the tests session
has pyspark 4, for which no runtime jar is on the index).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from mason_core.runtime import reset_sessions


@pytest.fixture(autouse=True)
def mason_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    home = tmp_path / "home"
    monkeypatch.setenv("MASON_HOME", str(home))
    reset_sessions()
    yield home
    reset_sessions()


@pytest.fixture
def spark_config(tmp_path: Path, mason_home: Path) -> str:
    """A saved configuration ``sparky``: local catalog and storage, Spark executing."""
    import yaml

    from mason_core.runtime import default_session

    path = tmp_path / "sparky.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "type": "config",
                "id": "sparky",
                "metastore_engine": "local",
                "storage_engine": "local",
                "execution_engine": "spark",
                "clients": {"spark": {"configuration": {"runner": {"type": "local"}}}},
            }
        )
    )
    store = default_session().configs
    store.save(store.read_file(path))
    return "sparky"
