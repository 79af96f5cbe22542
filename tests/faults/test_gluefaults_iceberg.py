# ruff: noqa: F811  (the fixtures imported from tests.aws.conftest are parameters here)
"""Iceberg tables in Glue, data on S3, survive SIGKILL, concurrent writers and
``clean`` (moto's server in its own process on 127.0.0.1, reached through the
proxy of tests/faults/_gluefaults.py, which also checks Glue's VersionId).

A ``mason op table write | merge | compact | expire`` process is killed with
SIGKILL while the proxy holds one of its requests: a data file's upload, the
new metadata file's, Glue's UpdateTable (everything written, nothing
committed), UpdateTable's answer (committed, the writer not told yet), an
S3 delete of expire's. Afterwards Glue, S3 and pyiceberg, read directly,
must show the table whole at the old snapshot (killed before the commit) or
the new one (after), never in between, every file any snapshot references
present; and Mason's ``table query`` reads the same rows.
"""

from __future__ import annotations

import json
import signal
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import mason
from mason.sdk.iceberg import MAX_COMMIT_ATTEMPTS
from tests.aws.conftest import (  # noqa: F401  (fixtures)
    aws_env,
    glue,
    moto_process,
    only_local_connections,
    put_parquet,
    s3,
)
from tests.aws.faults import json_error
from tests.faults._consistency import session_with
from tests.faults._gluefaults import (
    TABLE,
    GlueProxy,
    check_intact,
    config,
    direct_catalog,
    glue_update_table,
    mason_cli,
    put_request,
    rows_of,
    s3_delete,
    s3_objects,
    until,
)
from tests.faults._iceberg import spawn

BUCKET = "mason-lake"
BATCH = 200
Rows = list[tuple[int, str]]


@pytest.fixture(scope="module")
def moto_url() -> Iterator[str]:
    """moto in a process of its own: the writers are other processes, and this
    one reads while they run."""
    with moto_process() as url:
        yield url


@pytest.fixture
def proxy(aws_env: str) -> Iterator[GlueProxy]:
    proxy = GlueProxy(aws_env).start()
    try:
        yield proxy
    finally:
        proxy.stop()


def batch(first: int, n: int, kind: str) -> dict[str, list[Any]]:
    return {"event_id": list(range(first, first + n)), "kind": [kind] * n, "value": [1.0] * n}


@pytest.fixture
def lake(tmp_path: Path, aws_env: str, s3: Any, glue: Any, proxy: GlueProxy) -> mason.Session:
    """lake.events in Glue, one batch (ids 0..BATCH-1) in it, created with
    pyiceberg directly; a Mason home whose configuration goes through the proxy."""
    import pyarrow as pa

    s3.create_bucket(Bucket=BUCKET)
    glue.create_database(DatabaseInput={"Name": "lake"})
    seed = pa.table(batch(0, BATCH, "seed"))
    table = direct_catalog(aws_env).create_table(
        TABLE, schema=seed.schema, location=f"s3://{BUCKET}/warehouse/lake/events"
    )
    table.append(seed)
    return session_with(tmp_path, config(proxy.url))


def small_appends(moto: str, n: int) -> None:
    import pyarrow as pa

    table = direct_catalog(moto).load_table(TABLE)
    for i in range(1, n + 1):
        table.append(pa.table(batch(BATCH * i, 10, "small")))


def summary(rows: Rows) -> dict[str, tuple[int, int]]:
    """Per kind: how many rows, and the sum of their ids."""
    out: dict[str, tuple[int, int]] = {}
    for event_id, kind in rows:
        n, total = out.get(kind, (0, 0))
        out[kind] = (n + 1, total + event_id)
    return out


def query(session: mason.Session) -> dict[str, tuple[int, int]]:
    """:func:`summary` of the table's rows, through Mason's ``table query``
    (the local DuckDB reading the table's files on S3)."""
    sql = "SELECT kind, count(*) AS n, sum(event_id) AS s FROM events GROUP BY kind"
    response = session.run("table", "query", {"database_name": "lake", "query_string": sql})
    assert response.errors == [], response.errors
    return {r["kind"]: (int(r["n"]), int(r["s"])) for r in response.data[0].preview}


def cli_params(**values: object) -> str:
    def text(value: object) -> str:
        if isinstance(value, list):
            return ";".join(map(str, value))  # a list inside -p
        if isinstance(value, str) and ("," in value or " " in value):
            return '"' + value.replace('"', '\\"') + '"'
        return str(value)

    return ",".join(f"{k}:{text(v)}" for k, v in values.items())


# -- the operations, what they leave, and where they are killed -------------------------


def prepare(op: str, lake: mason.Session, moto: str, s3: Any) -> tuple[list[str], int]:
    """The table ready for ``op``; the command to run and how many snapshots
    expire should leave (0: not an expire)."""
    if op in ("compact", "expire"):
        small_appends(moto, 4)
    if op == "expire":
        response = lake.run("table", "compact", {"database_name": "lake", "table_name": "events"})
        assert response.errors == [], response.errors
    common = {"database_name": "lake", "table_name": "events"}
    if op == "write":
        put_parquet(s3, BUCKET, "in/write.parquet", batch(BATCH, BATCH, "batch"))
        args = cli_params(**common, input_path=f"s3://{BUCKET}/in/write.parquet")
        return ["op", "table", "write", "-p", args], 0
    if op == "merge":
        updates = batch(0, 10, "upd")
        news = batch(BATCH * 50, 10, "new")
        both = {k: updates[k] + news[k] for k in updates}
        put_parquet(s3, BUCKET, "in/merge.parquet", both)
        args = cli_params(**common, input_path=f"s3://{BUCKET}/in/merge.parquet", keys=["event_id"])
        return ["op", "table", "merge", "-p", args], 0
    if op == "compact":
        return ["op", "table", "compact", "-p", cli_params(**common)], 0
    return ["op", "table", "expire", "-p", cli_params(**common, older_than_days=0)], 1


def expected(op: str, before: Rows) -> Rows:
    """The rows ``op`` leaves once committed."""
    if op == "write":
        return sorted(before + [(i, "batch") for i in range(BATCH, 2 * BATCH)])
    if op == "merge":
        updated = {i: kind for i, kind in before}
        updated.update({i: "upd" for i in range(10)})
        updated.update({i: "new" for i in range(BATCH * 50, BATCH * 50 + 10)})
        return sorted(updated.items())
    return before  # compact and expire keep every row


#: where each operation is held and killed: (name, what is held, after moto did it,
#: how many matching requests go through first, whether the commit was made)
Point = tuple[str, Callable[[Any], bool], bool, int, bool]
DATA: Point = ("data-upload", put_request(".parquet", "/data/"), False, 0, False)
METADATA: Point = ("metadata-upload", put_request(".metadata.json"), False, 0, False)
COMMIT: Point = ("update-table", glue_update_table, False, 0, False)
COMMITTED: Point = ("update-table-answer", glue_update_table, True, 0, True)
DELETING: Point = ("third-delete", s3_delete, False, 2, True)

CASES = [
    ("write", DATA),
    ("write", METADATA),
    ("write", COMMIT),
    ("write", COMMITTED),
    ("merge", COMMITTED),
    ("compact", DATA),
    ("compact", COMMITTED),
    ("expire", COMMIT),
    ("expire", DELETING),
]


def kill_at(proxy: GlueProxy, point: Point, home: Path, command: list[str]) -> None:
    """Run ``mason <command>``, SIGKILL it while the proxy holds ``point``."""
    _, match, after, skip, _ = point
    if skip:  # the request after the first ``skip`` is never answered
        with proxy.stall(match, skip=skip) as fault:
            child = mason_cli(home, *command)
            until(lambda: fault.answered >= 1, child)
            child.send_signal(signal.SIGKILL)
            child.communicate(timeout=60)
    else:
        with proxy.hold(match, after=after) as gate:
            child = mason_cli(home, *command)
            until(gate.reached.is_set, child)
            child.send_signal(signal.SIGKILL)
            child.communicate(timeout=60)
            gate.drop = True  # a request held before moto never reaches it: its sender is dead
    assert child.returncode == -signal.SIGKILL


@pytest.mark.parametrize(("op", "point"), CASES, ids=[f"{op}-{p[0]}" for op, p in CASES])
def test_sigkill_leaves_the_glue_table_at_the_old_or_the_new_snapshot(
    lake: mason.Session,
    proxy: GlueProxy,
    aws_env: str,
    s3: Any,
    glue: Any,
    op: str,
    point: Point,
) -> None:
    command, kept_snapshots = prepare(op, lake, aws_env, s3)
    before = check_intact(aws_env, s3, glue, BUCKET)
    old_rows = rows_of(before)
    old_snapshot = before.current_snapshot().snapshot_id
    old_snapshots = len(before.metadata.snapshots)

    kill_at(proxy, point, lake.home.path, command)

    after = check_intact(aws_env, s3, glue, BUCKET)
    committed = point[4]
    current = after.current_snapshot()
    if op == "expire":  # the current snapshot stays; the old ones go with the commit
        assert current.snapshot_id == old_snapshot
        assert len(after.metadata.snapshots) == (kept_snapshots if committed else old_snapshots)
    elif committed:  # new snapshots (an upsert commits several at once) on the old one
        parents = [current.parent_snapshot_id]
        while parents[-1] is not None and parents[-1] != old_snapshot:
            parents.append(after.snapshot_by_id(parents[-1]).parent_snapshot_id)
        assert parents[-1] == old_snapshot
        assert not set(parents[:-1]) & {s.snapshot_id for s in before.metadata.snapshots}
    else:
        assert current.snapshot_id == old_snapshot
    assert rows_of(after) == (expected(op, old_rows) if committed else old_rows)
    assert query(lake) == summary(rows_of(after))


# -- concurrent writers ----------------------------------------------------------------


def test_moto_glue_does_not_check_the_version_the_proxy_does(
    lake: mason.Session, proxy: GlueProxy, aws_env: str, glue: Any
) -> None:
    """Why the proxy checks VersionId: moto accepts an UpdateTable naming a
    version that is no longer current; real Glue (and the proxy) refuse it."""
    import boto3

    entry = glue.get_table(DatabaseName="lake", Name="events")["Table"]
    stale = entry["VersionId"]
    table_input = {"Name": "events", "Parameters": entry["Parameters"]}
    glue.update_table(DatabaseName="lake", TableInput=table_input, VersionId=stale)
    glue.update_table(DatabaseName="lake", TableInput=table_input, VersionId=stale)  # moto: fine
    through = boto3.client("glue", endpoint_url=proxy.url, region_name="us-east-1")
    with pytest.raises(through.exceptions.ConcurrentModificationException):
        through.update_table(DatabaseName="lake", TableInput=table_input, VersionId=stale)
    assert proxy.updates_refused == 1


def test_a_writer_beaten_at_glue_commits_again_and_loses_no_row(
    lake: mason.Session, proxy: GlueProxy, aws_env: str, s3: Any, glue: Any
) -> None:
    """Writer A's UpdateTable is held at the proxy while writer B commits; when
    A's arrives its VersionId is stale, Glue refuses it, and A commits again on
    B's snapshot: both batches there, once each."""
    command, _ = prepare("write", lake, aws_env, s3)
    with proxy.hold(glue_update_table) as gate:
        a = mason_cli(lake.home.path, *command)
        until(gate.reached.is_set, a)
        put_parquet(s3, BUCKET, "in/b.parquet", batch(BATCH * 7, 5, "b"))
        response = lake.run(
            "table",
            "write",
            {
                "database_name": "lake",
                "table_name": "events",
                "input_path": f"s3://{BUCKET}/in/b.parquet",
            },
        )
        assert response.errors == [], response.errors
        gate.release.set()
        out, err = a.communicate(timeout=120)
    assert a.returncode == 0, out + err
    assert proxy.updates_refused >= 1
    rows = rows_of(check_intact(aws_env, s3, glue, BUCKET))
    want = expected("write", [(i, "seed") for i in range(BATCH)])
    assert rows == sorted(want + [(i, "b") for i in range(BATCH * 7, BATCH * 7 + 5)])


def test_a_writer_always_beaten_gives_up_with_one_line(
    lake: mason.Session, proxy: GlueProxy, aws_env: str, s3: Any, glue: Any
) -> None:
    """Glue refusing every commit: the writer tries a bounded number of times,
    then fails with one error line, exit code 1, the table unchanged. (pyiceberg
    rebases a lost append itself first: once per attempt here, not 4 times,
    to keep the test short; its warning about it is not printed.)"""
    command, _ = prepare("write", lake, aws_env, s3)
    with direct_catalog(aws_env).load_table(TABLE).transaction() as tx:
        tx.set_properties({"commit.retry.num-retries": "1"})
    old = rows_of(check_intact(aws_env, s3, glue, BUCKET))
    refusal = json_error(400, "ConcurrentModificationException", "version changed (test)")
    with proxy.fault(glue_update_table, refusal, times=None) as fault:
        child = mason_cli(lake.home.path, *command, "-o", "json")
        out, err = child.communicate(timeout=120)
    assert child.returncode == 1, out + err
    (line,) = json.loads(out)["Errors"]
    assert "other writers committed first" in line and "\n" not in line
    assert err == ""  # nothing else: no traceback, no warning of pyiceberg's retries
    assert fault.answered == 2 * MAX_COMMIT_ATTEMPTS
    assert rows_of(check_intact(aws_env, s3, glue, BUCKET)) == old


WRITER = """
    for i in range(3):
        n = OFFSET + i
        path = f"{DIR}/w{n}.parquet"
        batch(path, n * 2000, 2000)
        ok(mason.run("table", "write", database_name="lake", table_name="events", input_path=path))
        print(n, flush=True)
"""


def test_two_concurrent_writers_on_glue_lose_no_row(
    lake: mason.Session, proxy: GlueProxy, aws_env: str, s3: Any, glue: Any, tmp_path: Path
) -> None:
    folder = tmp_path / "writers"
    folder.mkdir()
    children = [
        spawn(lake.home.path, WRITER.replace("OFFSET", str(o)).replace("DIR", repr(str(folder))))
        for o in (100, 200)
    ]
    outputs = [child.communicate(timeout=300) for child in children]
    for child, (out, err) in zip(children, outputs, strict=True):
        assert child.returncode == 0, out + err
    committed = {int(x) for out, _ in outputs for x in out.split() if x.isdigit()}
    assert len(committed) == 6
    ids = [i for i, _ in rows_of(check_intact(aws_env, s3, glue, BUCKET))]
    assert len(ids) == len(set(ids)) == BATCH + 6 * 2000
    assert {i // 2000 for i in ids if i >= BATCH} == committed


# -- clean -------------------------------------------------------------------------------


def test_clean_on_s3_keeps_referenced_and_young_files(
    lake: mason.Session, proxy: GlueProxy, aws_env: str, s3: Any, glue: Any
) -> None:
    """A writer killed at Glue's UpdateTable leaves its files on S3 (young
    orphans): ``mason op table clean`` deletes nothing, and ``mason op table
    query`` (another process) reads the rows as they were."""
    command, _ = prepare("write", lake, aws_env, s3)
    kill_at(proxy, COMMIT, lake.home.path, command)
    objects = s3_objects(s3, BUCKET)
    params = cli_params(database_name="lake", table_name="events", older_than_days=0.0417)
    child = mason_cli(lake.home.path, "op", "table", "clean", "-p", params)
    out, err = child.communicate(timeout=120)
    assert child.returncode == 0, out + err
    assert s3_objects(s3, BUCKET) == objects
    table = check_intact(aws_env, s3, glue, BUCKET)
    assert rows_of(table) == [(i, "seed") for i in range(BATCH)]
    sql = "SELECT count(*) AS n, count(DISTINCT event_id) AS d, min(kind) AS k FROM events"
    query_params = cli_params(database_name="lake", query_string=sql)
    reader = mason_cli(lake.home.path, "op", "table", "query", "-p", query_params, "-o", "json")
    out, err = reader.communicate(timeout=120)
    assert reader.returncode == 0, out + err
    assert json.loads(out)["Data"][0]["Preview"] == [{"n": BATCH, "d": BATCH, "k": "seed"}]


def test_clean_on_s3_deletes_an_old_orphan_and_nothing_else(
    lake: mason.Session,
    proxy: GlueProxy,
    aws_env: str,
    s3: Any,
    glue: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """moto stamps every object with the time of its upload and cannot
    backdate one, so the safety age (an hour) is lowered to nothing here and
    the line is drawn between two uploads: the orphan uploaded before it goes,
    the one after it stays, and so does every file the table references (all
    older than the line)."""
    import time
    from datetime import datetime, timezone

    from mason.sdk import iceberg_maintenance
    from mason_core.operators.context import EngineSet

    small_appends(aws_env, 3)
    data = f"s3://{BUCKET}/warehouse/lake/events/data"
    put_parquet(s3, BUCKET, "warehouse/lake/events/data/old-orphan.parquet", {"x": [1]})
    stamped = s3.head_object(Bucket=BUCKET, Key="warehouse/lake/events/data/old-orphan.parquet")
    line = stamped["LastModified"].timestamp() + 1.0
    while time.time() < line + 1.0:
        time.sleep(0.1)
    put_parquet(s3, BUCKET, "warehouse/lake/events/data/young-orphan.parquet", {"x": [2]})
    before = s3_objects(s3, BUCKET)

    monkeypatch.setattr(iceberg_maintenance, "MIN_ORPHAN_AGE", iceberg_maintenance.timedelta(0))
    engines = EngineSet(lake.registry, lake.configs.get("glue-faults"), lake.home)
    try:
        report = engines.get("metastore").clean_orphan_files(
            "lake", "events", datetime.fromtimestamp(line, timezone.utc), False
        )
    finally:
        engines.close()
    assert report.paths == [f"{data}/old-orphan.parquet"]
    assert s3_objects(s3, BUCKET) == before - {f"{data}/old-orphan.parquet"}
    check_intact(aws_env, s3, glue, BUCKET)
