# ruff: noqa: F811  (the fixtures imported from tests.faults._consistency are parameters here)
"""A failed Glue ``table infer`` changes nothing in the catalog (moto's server
behind the fault proxy): no new empty database, no half-registered table, and
a table it was replacing keeps its definition and partitions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.aws.conftest import put_parquet
from tests.aws.faults import FaultProxy, json_error, operation
from tests.faults._consistency import (  # noqa: F401  (fixtures)
    aws_env,
    bucket,
    fault_proxy,
    glue,
    glue_config,
    moto_url,
    only_local_connections,
    s3,
    session_with,
)

REFUSED = json_error(400, "InvalidInputException", "refused by the test")


def _catalog(glue: Any) -> dict[str, Any]:
    """Every database, table (its location and columns) and partition."""
    out: dict[str, Any] = {}
    for db in glue.get_databases()["DatabaseList"]:
        for t in glue.get_tables(DatabaseName=db["Name"])["TableList"]:
            parts = glue.get_partitions(DatabaseName=db["Name"], TableName=t["Name"])
            out[f"{db['Name']}.{t['Name']}"] = (
                t["StorageDescriptor"]["Location"],
                [c["Name"] for c in t["StorageDescriptor"]["Columns"]],
                sorted(tuple(p["Values"]) for p in parts["Partitions"]),
            )
        out.setdefault(db["Name"], "database")
    return out


def _infer(session: Any, path: str) -> Any:
    return session.run(
        "table", "infer", {"database_name": "analytics", "storage_path": path, "table_name": "t"}
    )


def test_a_failed_infer_leaves_no_new_database(
    tmp_path: Path, s3: Any, bucket: str, glue: Any, fault_proxy: FaultProxy
) -> None:
    put_parquet(s3, bucket, "t/a.parquet", {"id": [1, 2]})
    session = session_with(tmp_path, glue_config(fault_proxy.url))
    with fault_proxy.fault(operation("AWSGlue.CreateTable"), REFUSED, times=None):
        answer = _infer(session, f"s3://{bucket}/t/")
    assert answer.exit_code != 0 and len(answer.errors) == 1
    assert _catalog(glue) == {}


def test_a_failed_replace_keeps_the_previous_table_and_partitions(
    tmp_path: Path, s3: Any, bucket: str, glue: Any, fault_proxy: FaultProxy
) -> None:
    for day in ("1", "2"):
        put_parquet(s3, bucket, f"t/day={day}/a.parquet", {"id": [1, 2]})
    session = session_with(tmp_path, glue_config(fault_proxy.url))
    assert _infer(session, f"s3://{bucket}/t/").errors == []
    before = _catalog(glue)
    assert before["analytics.t"][2] == [("1",), ("2",)]
    # the files change (a new partition, a new column); registering them fails half way
    put_parquet(s3, bucket, "t/day=3/a.parquet", {"id": [3], "extra": ["x"]})
    refused = fault_proxy.fault(operation("AWSGlue.BatchCreatePartition"), REFUSED, times=1)
    with refused:
        answer = _infer(session, f"s3://{bucket}/t/")
    assert answer.exit_code != 0 and len(answer.errors) == 1
    assert _catalog(glue) == before
