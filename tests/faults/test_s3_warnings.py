# ruff: noqa: F811  (the fixtures imported from tests.faults._consistency are parameters here)
"""What an engine skips reaches the envelope's warnings, whichever operator ran
it: ``table get`` on the s3 metastore (which infers the table) reports the
unreadable object ``table infer`` reports, instead of a log line and
``Warnings: []``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.aws.conftest import put_parquet
from tests.faults._consistency import (  # noqa: F401  (fixtures)
    aws_env,
    moto_url,
    only_local_connections,
    s3,
    s3_local_config,
    session_with,
)


def test_table_get_on_the_s3_metastore_warns_of_what_it_skipped(
    tmp_path: Path, s3: Any, aws_env: str
) -> None:
    s3.create_bucket(Bucket="lake")
    put_parquet(s3, "lake", "t/a.parquet", {"id": [1, 2]})
    s3.put_object(Bucket="lake", Key="t/broken.parquet", Body=b"")  # 0 bytes, named parquet
    session = session_with(tmp_path, s3_local_config(aws_env))
    inferred = session.run(
        "table",
        "infer",
        {"database_name": "lake", "storage_path": "s3://lake/t/", "table_name": "t"},
    )
    got = session.run("table", "get", {"database_name": "lake", "table_name": "t"})
    assert inferred.errors == got.errors == []
    skipped = [w for w in inferred.warnings if "s3://lake/t/broken.parquet" in w]
    assert skipped, inferred.warnings
    assert [w for w in got.warnings if "s3://lake/t/broken.parquet" in w] == skipped
    assert got.data[0].properties["record_count"] == "2"
