"""``table query`` on the athena execution client over Iceberg (and Delta)
tables of the Glue catalog, ``as_of`` a snapshot or a moment.

moto's Athena does not execute SQL: it records the query it was sent and
answers every query as succeeded. So what is tested here is what can be
tested for real: the query string Athena received (``get_query_execution``
returns it) carries Athena's time-travel clause (``FOR VERSION AS OF`` /
``FOR TIMESTAMP AS OF TIMESTAMP '... UTC'``) for each form of ``as_of``, with
names quoted safely; a bad ``as_of`` (nonsense, an injection attempt, a
snapshot the table does not have) is refused before any query is sent; and
Delta tables, which Athena reads at their current version only, are refused
``as_of`` in one line. The Iceberg table is real (pyiceberg's Glue catalog,
metadata and data on moto's S3); the Delta one is written by delta-rs.
moto runs in its own process (delta-rs holds the GIL while it reads a log)."""

from __future__ import annotations

from datetime import timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

import mason
from mason import ParameterError, models
from tests.aws import moto_process
from tests.aws.conftest import put_parquet
from tests.aws.test_glue_delta import native_entry
from tests.aws.test_local_over_s3 import _session
from tests.aws.test_s3_delta import _write_delta_with_a_removed_file

moto_url = moto_process.moto_url

BUCKET = "mason-data"


@pytest.fixture
def lake(tmp_path: Path, aws_env: str, s3: Any, glue: Any) -> tuple[mason.Session, list[Any]]:
    """Database ``lake`` holding the Iceberg table ``events`` (two snapshots);
    a session whose metastore is Glue and whose execution is Athena. Returns
    the session and the table's snapshots, oldest first."""
    from mason_core.operators.context import EngineSet

    s3.create_bucket(Bucket=BUCKET)
    glue.create_database(DatabaseInput={"Name": "lake"})
    session = _session(
        tmp_path,
        "type: config\nid: 'athena-tt'\nmetastore_engine: glue\nstorage_engine: s3\n"
        "execution_engine: athena\nclients:\n"
        f"  glue:\n    configuration:\n      endpoint_url: {aws_env}\n"
        f"  s3:\n    configuration:\n      endpoint_url: {aws_env}\n"
        f"  athena:\n    configuration:\n      endpoint_url: {aws_env}\n"
        f"      output_location: s3://{BUCKET}/athena/\n      poll_seconds: 0.05\n",
    )
    engines = EngineSet(session.registry, session.configs.get("athena-tt"), session.home)
    try:
        metastore: Any = engines.get("metastore")
        metastore.create_table(
            models.Table(
                name="events",
                database="lake",
                format="iceberg",
                location=f"s3://{BUCKET}/warehouse/lake/events",
                table_schema=models.Schema(columns=[models.Column(name="id", type="int64")]),
            )
        )
        for n in (1, 2):
            put_parquet(s3, BUCKET, f"incoming/{n}.parquet", {"id": [n]})
            metastore.write_table(
                "lake",
                "events",
                models.TableWrite(
                    mode="append", source_paths=[f"s3://{BUCKET}/incoming/{n}.parquet"]
                ),
            )
        snapshots = metastore.table_history("lake", "events")
    finally:
        engines.close()
    assert len(snapshots) == 2
    return session, snapshots


def sent(session: mason.Session, athena: Any, sql: str, **params: Any) -> str:
    """The query Athena received for ``table query`` with ``params``."""
    response = session.run(
        "table", "query", {"database_name": "lake", "query_string": sql, **params}
    )
    assert response.errors == [], response.errors
    query_id = response.data[0].metrics["query_execution_id"]
    answer = athena.get_query_execution(QueryExecutionId=query_id)["QueryExecution"]
    assert answer["QueryExecutionContext"]["Database"] == "lake"
    return str(answer["Query"])


def refused(session: mason.Session, sql: str, exit_code: int = 2, **params: Any) -> str:
    """The one-line refusal of ``table query`` with ``params`` (exit code 2:
    the caller's error, unless said otherwise)."""
    response = session.run(
        "table", "query", {"database_name": "lake", "query_string": sql, **params}
    )
    assert len(response.errors) == 1, response.data
    assert response.exit_code == exit_code
    message = response.errors[0]
    assert "\n" not in message and "Traceback" not in message
    return message


def cte(as_of_clause: str, name: str = "events") -> str:
    return f'"{name}" AS (SELECT * FROM "lake"."{name}" {as_of_clause})'


def test_as_of_a_snapshot_id_reads_that_version(
    lake: tuple[mason.Session, list[Any]], athena: Any
) -> None:
    session, snapshots = lake
    first = snapshots[0].snapshot_id
    query = "SELECT count(*) AS n FROM events"
    assert sent(session, athena, query, as_of=str(first)) == (
        f"WITH {cte(f'FOR VERSION AS OF {first}')}\n{query}"
    )
    # without as_of the query is sent as written
    assert sent(session, athena, query) == query


def test_as_of_a_timestamp_reads_the_snapshot_current_then_in_utc(
    lake: tuple[mason.Session, list[Any]], athena: Any
) -> None:
    session, snapshots = lake
    then = snapshots[0].committed_at + timedelta(milliseconds=1)
    as_of = then.astimezone(timezone(timedelta(hours=2))).isoformat()  # +02:00
    utc = then.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")
    query = "SELECT id FROM events"
    travel = f"FOR TIMESTAMP AS OF TIMESTAMP '{utc} UTC'"
    assert sent(session, athena, query, as_of=as_of) == f"WITH {cte(travel)}\n{query}"


def test_a_query_with_its_own_with_clause_gets_the_table_first(
    lake: tuple[mason.Session, list[Any]], athena: Any
) -> None:
    session, snapshots = lake
    first = snapshots[0].snapshot_id
    query = "-- recent rows\nwith recent AS (SELECT * FROM events) SELECT count(*) FROM recent"
    assert sent(session, athena, query, as_of=str(first)) == (
        f"-- recent rows\nwith {cte(f'FOR VERSION AS OF {first}')}, "
        "recent AS (SELECT * FROM events) SELECT count(*) FROM recent"
    )


@pytest.mark.parametrize(
    "as_of",
    [
        "1; DROP TABLE events",
        "2024-01-01' OR '1'='1",
        "1) UNION SELECT * FROM secrets --",
        "yesterday",
    ],
)
def test_a_bad_as_of_is_refused_before_athena_is_asked(
    lake: tuple[mason.Session, list[Any]], athena: Any, as_of: str
) -> None:
    """Refused as a parameter (``as_of`` is a ``snapshot`` parameter), before
    any job is recorded or any query sent."""
    session, _ = lake
    with pytest.raises(ParameterError) as refusal:
        session.run(
            "table", "query", {"database_name": "lake", "query_string": "SELECT 1", "as_of": as_of}
        )
    message = str(refusal.value)
    assert "\n" not in message and "parameter 'as_of'" in message
    assert "neither a snapshot id" in message and "nor an ISO timestamp" in message
    assert athena.list_query_executions()["QueryExecutionIds"] == []


def test_a_snapshot_the_table_does_not_have_is_refused_before_athena_is_asked(
    lake: tuple[mason.Session, list[Any]], athena: Any
) -> None:
    session, snapshots = lake
    missing = max(s.snapshot_id for s in snapshots) + 1
    # a resource that is not there: NotFoundError, exit code 1, as on the local client
    message = refused(session, "SELECT * FROM events", exit_code=1, as_of=str(missing))
    assert f"has no snapshot {missing}" in message
    assert athena.list_query_executions()["QueryExecutionIds"] == []


def test_a_table_named_with_its_database_is_refused_as_of(
    lake: tuple[mason.Session, list[Any]], athena: Any
) -> None:
    """The common table expression stands in for ``events`` only: a query
    naming ``lake.events`` would read the current snapshot."""
    session, snapshots = lake
    for query in ("SELECT * FROM lake.events", 'SELECT * FROM "lake" . "events"'):
        message = refused(session, query, as_of=str(snapshots[0].snapshot_id))
        assert "without its database" in message
    assert athena.list_query_executions()["QueryExecutionIds"] == []


def test_names_with_quotes_are_quoted_as_athena_identifiers(
    storage_factory: Any, athena: Any
) -> None:
    """A Glue table name may hold a double quote: it is doubled inside the
    quoted identifier, so it cannot end the identifier early."""
    execution = storage_factory("athena", "execution", poll_seconds=0.05)
    name = 'we"ird'
    table = models.Table(name=name, database='la"ke', format="iceberg", location="s3://b/t/")
    query = 'SELECT * FROM "we""ird"'
    job = execution.run_job(
        models.QueryJob(query_string=query, database_name='la"ke', tables=[table], as_of="5")
    )
    got = athena.get_query_execution(QueryExecutionId=job.metrics["query_execution_id"])
    assert got["QueryExecution"]["Query"] == (
        'WITH "we""ird" AS (SELECT * FROM "la""ke"."we""ird" FOR VERSION AS OF 5)\n' + query
    )


def test_delta_tables_are_read_at_their_current_version_only(
    lake: tuple[mason.Session, list[Any]], athena: Any, glue: Any, aws_env: str
) -> None:
    """Athena (engine v3) reads a Glue Delta table itself, without time
    travel: the query is sent as written, and ``as_of`` is refused."""
    session, _ = lake
    _write_delta_with_a_removed_file(aws_env, f"s3://{BUCKET}/clicks")
    glue.create_table(DatabaseName="lake", TableInput=native_entry("clicks", "clicks"))
    query = "SELECT count(*) FROM clicks"
    assert sent(session, athena, query) == query
    before = athena.list_query_executions()["QueryExecutionIds"]
    message = refused(session, query, as_of="1")
    assert "Delta table lake.clicks" in message and "no Delta time travel" in message
    assert athena.list_query_executions()["QueryExecutionIds"] == before
