"""A Glue database holding one stale table-format entry (moto's server on
127.0.0.1, in its own process, since delta-rs reads a log here; real delta-rs,
pyiceberg, DuckDB).

Real catalogs keep entries whose files went away: an Iceberg entry whose
metadata file was deleted, a Delta entry whose folder holds parquet files but
no ``_delta_log``. ``table list`` must still list the database (the stale
entry with its format and the reason it cannot be read, and a warning naming
it); ``table get`` of the stale table fails in one line naming what is gone;
``table query`` over the database runs when it does not name the stale table,
and is refused in one line when it does, its parquet files never read."""

from __future__ import annotations

from typing import Any

import pytest

import mason
from tests.aws import moto_process
from tests.aws.conftest import put_parquet
from tests.aws.test_glue_delta import BUCKET, lake, native_entry, plain_entry, spark_entry

moto_url = moto_process.moto_url
__all__ = ["lake"]  # the fixture: database ``lake`` on S3, Glue + S3 + local execution

_GONE = f"s3://{BUCKET}/gone/metadata/00001-aaaa.metadata.json"


def iceberg_entry(name: str, folder: str) -> dict[str, Any]:
    """An Iceberg entry as pyiceberg or Athena leave it, its metadata file deleted."""
    return {
        "Name": name,
        "TableType": "EXTERNAL_TABLE",
        "Parameters": {"table_type": "ICEBERG", "metadata_location": _GONE},
        "StorageDescriptor": {
            "Columns": [{"Name": "id", "Type": "bigint"}],
            "Location": f"s3://{BUCKET}/{folder}",
        },
    }


#: each stale shape: its entry, its format, what its one-line error names
STALE = {
    "iceberg": (iceberg_entry, "iceberg", _GONE),
    "delta": (native_entry, "delta", "no _delta_log"),
    "spark-delta": (spark_entry, "delta", "no _delta_log"),
}


@pytest.fixture(params=sorted(STALE))
def stale(request: pytest.FixtureRequest, lake: mason.Session, glue: Any, s3: Any) -> str:
    """Database ``lake``: the Delta table ``events`` (ids 3 now), the plain
    table ``plain`` (id 7), and the stale entry ``broken`` whose folder holds
    parquet rows (ids 100, 200) a plain reading would return."""
    make, _, _ = STALE[request.param]
    put_parquet(s3, BUCKET, "plain/p.parquet", {"id": [7]})
    put_parquet(s3, BUCKET, "gone/data/part-0.parquet", {"id": [100, 200]})
    glue.create_table(DatabaseName="lake", TableInput=plain_entry("plain", "plain"))
    glue.create_table(DatabaseName="lake", TableInput=native_entry("events", "events"))
    glue.create_table(DatabaseName="lake", TableInput=make("broken", "gone"))
    return str(request.param)


def test_table_list_lists_a_database_with_a_stale_entry(lake: mason.Session, stale: str) -> None:
    _, fmt, missing = STALE[stale]
    response = lake.run("table", "list", {"database_name": "lake"})
    assert response.errors == [] and response.exit_code == 0, response.errors
    listed = {t.name: t for t in response.data}
    assert {n: t.format for n, t in listed.items()} == {
        "broken": fmt,
        "events": "delta",
        "plain": "parquet",
    }
    assert [c.name for c in listed["events"].table_schema.columns] == ["id", "day"]
    assert listed["plain"].unreadable is None and listed["events"].unreadable is None
    problem = listed["broken"].unreadable
    assert problem is not None and "\n" not in problem and missing in problem
    assert listed["broken"].properties["unreadable"] == problem  # how JSON output shows it
    assert listed["broken"].table_schema.columns == []  # Glue's columns are not the table's
    assert any("'lake.broken'" in w and missing in w for w in response.warnings), response.warnings

    got = lake.run("table", "get", {"database_name": "lake", "table_name": "broken"})
    assert got.exit_code == 1 and len(got.errors) == 1, got.errors
    assert "\n" not in got.errors[0] and missing in got.errors[0]


def test_table_query_over_a_database_with_a_stale_entry(lake: mason.Session, stale: str) -> None:
    _, _, missing = STALE[stale]
    response = lake.run(
        "table",
        "query",
        {
            "database_name": "lake",
            "query_string": "SELECT e.id FROM events e UNION ALL SELECT id FROM plain ORDER BY 1",
        },
    )
    assert response.errors == [], response.errors
    assert [str(r["id"]) for r in response.data[0].preview] == ["3", "7"]
    assert any("'lake.broken'" in w for w in response.warnings), response.warnings

    refused = lake.run(
        "table", "query", {"database_name": "lake", "query_string": "SELECT id FROM broken"}
    )
    assert refused.exit_code == 1 and len(refused.errors) == 1, refused.errors
    assert "\n" not in refused.errors[0] and missing in refused.errors[0]
    assert "100" not in str(refused.data)

    # a query DuckDB cannot parse names no table it can tell: its own error is
    # reported, not the stale entry's (which is not bound)
    bad = lake.run(
        "table", "query", {"database_name": "lake", "query_string": "SELECT id FROM plain WHERE"}
    )
    assert len(bad.errors) == 1 and "broken" not in bad.errors[0], bad.errors
