"""Every test gets its own MASON_HOME, so no test reads or writes ~/.mason."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path

import pytest

from mason_core.runtime import reset_sessions

#: tests/airflow needs apache-airflow, which only its own virtualenv has (nox -s airflow).
collect_ignore = [] if importlib.util.find_spec("airflow") else ["airflow"]


@pytest.fixture(autouse=True)
def isolated_mason_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    home = tmp_path_factory.mktemp("mason_home")
    monkeypatch.setenv("MASON_HOME", str(home))
    monkeypatch.delenv("MASON_DEBUG", raising=False)
    reset_sessions()
    yield home
    reset_sessions()
