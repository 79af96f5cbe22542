"""Overwrites on the ``spark`` client (real pyspark, local mode, in-process;
docs/safety.md, "Overwrites"): the same refusals as every writer, checked
before submitting when the output is on this machine (exit 2), and again by
the driver through its Hadoop file system whatever the scheme."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import mason
from mason_core.outputs import OutputRefusedError
from tests.hostile.rooted import snapshot
from tests.spark.conftest import spark, spark_config  # noqa: F401  (fixtures used by name)


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.csv").write_text("id,k\n1,x\n2,y\n")
    return folder


def merge(config: str, inputs: Path, output: Path) -> mason.Response:
    return mason.run(
        "table",
        "merge",
        config_id=config,
        input_path=str(inputs),
        output_path=str(output),
        overwrite=True,
    )


def test_foreign_files_are_refused(spark_config: str, inputs: Path, tmp_path: Path) -> None:  # noqa: F811
    out = tmp_path / "mine"
    out.mkdir()
    (out / "thesis.docx").write_bytes(b"only copy")
    before = snapshot(tmp_path)
    answer = merge(spark_config, inputs, out)
    assert answer.exit_code == 2
    assert "thesis.docx" in answer.errors[0] and "not part of a parquet dataset" in answer.errors[0]
    assert snapshot(tmp_path) == before


def test_the_working_directory_is_refused(
    spark_config: str,  # noqa: F811
    inputs: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    (work / "x.parquet").write_bytes(b"not mason's")
    monkeypatch.chdir(work)
    before = snapshot(work)
    answer = merge(spark_config, inputs, work)
    assert answer.exit_code == 2 and "working directory" in answer.errors[0], answer.errors
    assert snapshot(work) == before


def test_an_input_is_refused(spark_config: str, inputs: Path) -> None:  # noqa: F811
    before = snapshot(inputs)
    answer = merge(spark_config, inputs, inputs / "inner")
    assert answer.exit_code == 2 and "overlaps the input" in answer.errors[0]
    assert snapshot(inputs) == before


def test_a_previous_output_is_replaced_and_unlocked(
    spark_config: str,  # noqa: F811
    inputs: Path,
    tmp_path: Path,
) -> None:
    out = tmp_path / "out"
    assert merge(spark_config, inputs, out).ok
    again = merge(spark_config, inputs, out)
    assert again.ok, again.errors
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".mason")]


def test_the_driver_checks_too(spark: Any, tmp_path: Path) -> None:  # noqa: F811
    """The driver's own guard, for outputs this side cannot see (hdfs:, s3a:)."""
    from mason_spark.jobs.fs import HadoopFS
    from mason_spark.jobs.staging import staged_output

    out = tmp_path / "theirs"
    out.mkdir()
    (out / "notes.txt").write_text("keep")
    staged = staged_output(HadoopFS(spark), f"file:{out}", True, "parquet")
    with pytest.raises(OutputRefusedError, match=r"notes\.txt"), staged:
        pass
    assert (out / "notes.txt").read_text() == "keep"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".mason")]
