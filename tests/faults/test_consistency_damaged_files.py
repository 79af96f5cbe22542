# ruff: noqa: F811  (the fixtures imported from tests.faults._consistency are parameters here)
"""Damaged files: one rule for every reader. What a table's inference skipped
(an empty file, a file named parquet without a PAR1 footer) is recorded on the
table (property ``skipped_files``), and every reader of the table leaves it
out with a warning naming it (query, preview, format, dedupe, summarize;
local and S3): a table inference registered can always be read, and its
readers read the files inference counted. ``merge``, which lists a path
rather than a table, skips by inference's own check. A file damaged *after*
inference still fails its readers, naming it
(tests/operators/test_query_operators.py::test_a_truncated_file_fails_only_queries_over_its_table)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.aws.conftest import put_parquet
from tests.faults._consistency import (  # noqa: F401  (fixtures)
    aws_env,
    moto_url,
    only_local_connections,
    s3,
    s3_local_config,
    session_with,
)

DAMAGED = {"empty.parquet": b"", "text.parquet": b"this is not parquet at all\n"}


def _local(tmp_path: Path) -> Any:
    data = tmp_path / "data" / "t"
    data.mkdir(parents=True)
    pq.write_table(pa.table({"id": [1, 2, 3], "k": ["a", "a", "b"]}), data / "good.parquet")
    for name, body in DAMAGED.items():
        (data / name).write_bytes(body)
    session = session_with(
        tmp_path,
        "type: config\nid: '9'\nmetastore_engine: local\nstorage_engine: local\n"
        f"execution_engine: local\nclients:\n  local:\n    configuration:\n"
        f"      root: {tmp_path}\n",
    )
    inferred = session.run(
        "table", "infer", {"database_name": "db", "storage_path": str(data), "table_name": "t"}
    )
    assert inferred.errors == []
    assert inferred.data[0].properties["record_count"] == "3"
    return session


def _names_the_damaged(warnings: list[str]) -> bool:
    return all(any(name in w for w in warnings) for name in DAMAGED)


READERS = {
    "query": ("query", {"query_string": "SELECT sum(id) AS s FROM t"}),
    "format": ("format", {"table_name": "t", "output_path": "out_format", "format": "csv"}),
    "dedupe": ("dedupe", {"table_name": "t", "output_path": "out_dedupe", "keys": ["k"]}),
    "summarize": ("summarize", {"table_name": "t"}),
}


@pytest.mark.parametrize("reader", sorted(READERS))
def test_every_local_reader_skips_what_inference_skipped(tmp_path: Path, reader: str) -> None:
    session = _local(tmp_path)
    operator, params = READERS[reader]
    answer = session.run("table", operator, {"database_name": "db", **params})
    assert answer.errors == [], answer.errors
    assert _names_the_damaged(answer.warnings), answer.warnings
    if reader == "query":
        assert answer.data[0].preview == [{"s": "6"}]


def test_a_preview_job_skips_them_too(tmp_path: Path) -> None:
    """The preview job (a table's first rows) on the local execution engine,
    run directly: what it skipped reaches the engine's warning channel."""
    from mason_core.engines import EngineContext
    from mason_core.models import PreviewJob

    session = _local(tmp_path)
    table = session.run("table", "get", {"database_name": "db", "table_name": "t"}).data[0]
    spec = session.registry.client("local")
    heard: list[str] = []
    execution = spec.implementation("execution")(
        spec.config_model.model_validate({"root": str(tmp_path)}),
        EngineContext(client="local", home=tmp_path / "home", warn=heard.append),
    )
    job = execution.run_job(PreviewJob(table=table))
    assert job.status == "succeeded", job.error
    assert len(job.preview) == 3
    assert _names_the_damaged(heard), heard


def test_merge_skips_the_damaged_files_it_documents_it_skips(tmp_path: Path) -> None:
    session = _local(tmp_path)
    answer = session.run(
        "table",
        "merge",
        {"input_path": str(tmp_path / "data" / "t"), "output_path": str(tmp_path / "merged")},
    )
    assert answer.errors == [], answer.errors
    assert _names_the_damaged(answer.warnings), answer.warnings
    assert answer.data[0].row_count == 3


def test_a_query_over_s3_skips_what_inference_skipped(
    tmp_path: Path, s3: Any, aws_env: str
) -> None:
    s3.create_bucket(Bucket="lake")
    put_parquet(s3, "lake", "t/good.parquet", {"id": [1, 2, 3]})
    for name, body in DAMAGED.items():
        s3.put_object(Bucket="lake", Key=f"t/{name}", Body=body)
    session = session_with(tmp_path, s3_local_config(aws_env))
    got = session.run("table", "get", {"database_name": "lake", "table_name": "t"})
    assert got.data[0].properties["record_count"] == "3"
    answer = session.run(
        "table", "query", {"database_name": "lake", "query_string": "SELECT sum(id) AS s FROM t"}
    )
    assert answer.errors == [], answer.errors
    assert answer.data[0].preview == [{"s": "6"}]
    assert _names_the_damaged(answer.warnings), answer.warnings
