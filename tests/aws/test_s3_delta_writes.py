"""The table-format verbs on Delta tables on S3 (the s3 metastore; moto's
server on 127.0.0.1 in its own process, one request at a time: see
:mod:`tests.aws._s3_delta_moto`): write (append, overwrite, by filter),
merge, delete, history, rollback, compact, expire and clean, through
``mason.Session`` and the CLI, each result read back with deltalake itself.
Every commit goes through a conditional put; an option that would commit
otherwise is refused."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import mason
from tests.aws import _s3_delta_moto
from tests.aws import test_local_over_s3 as over_s3
from tests.delta_log import backdated

URI = "s3://mason-data/events/"


moto_url = _s3_delta_moto.moto_url
options = _s3_delta_moto.delta_options


def rows(url: str, version: int | None = None) -> list[dict[str, Any]]:
    from deltalake import DeltaTable

    table = DeltaTable(URI, version=version, storage_options=options(url))
    return sorted(table.to_pyarrow_table().to_pylist(), key=lambda r: r["id"])


def ids(url: str, version: int | None = None) -> list[int]:
    return [r["id"] for r in rows(url, version)]


def version(url: str) -> int:
    from deltalake import DeltaTable

    return DeltaTable(URI, storage_options=options(url)).version()


def config_text(url: str) -> str:
    return (
        "type: config\nid: '4'\nmetastore_engine: s3\nstorage_engine: s3\n"
        "execution_engine: local\nclients:\n  s3:\n    configuration:\n"
        f"      endpoint_url: {url}\n  local:\n    configuration: {{}}\n"
    )


@pytest.fixture
def events(aws_env: str, bucket: str) -> str:
    """s3://mason-data/events/: versions 0 (ids 0-3, kind a/b) and 1 (ids 4, 5)."""
    import pyarrow as pa
    from deltalake import write_deltalake

    first = pa.table({"id": [0, 1, 2, 3], "kind": ["a", "a", "b", "b"]})
    write_deltalake(URI, first, partition_by=["kind"], storage_options=options(aws_env))
    second = pa.table({"id": [4, 5], "kind": ["a", "b"]})
    write_deltalake(URI, second, mode="append", storage_options=options(aws_env))
    return aws_env


@pytest.fixture
def session(tmp_path: Path, events: str) -> mason.Session:
    return over_s3._session(tmp_path, config_text(events))


def csv(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / "in" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return str(path)


def run(session: mason.Session, command: str, **parameters: Any) -> Any:
    response = session.run(
        "table", command, {"database_name": "mason-data", "table_name": "events", **parameters}
    )
    assert response.errors == [], response.errors
    return response.data[0] if response.data else None


def test_write_merge_and_delete_each_commit_one_version(
    session: mason.Session, events: str, tmp_path: Path
) -> None:
    more = csv(tmp_path, "more.csv", "id,kind\n10,a\n11,c\n")
    done = run(session, "write", mode="append", input_path=more)
    assert (done.snapshot_id, done.rows_added) == (2, 2)
    assert ids(events) == [0, 1, 2, 3, 4, 5, 10, 11]

    replacement = csv(tmp_path, "repl.csv", "id,kind\n20,b\n")
    done = run(session, "write", mode="overwrite", filter="kind = 'b'", input_path=replacement)
    assert (done.snapshot_id, done.rows_added, done.rows_removed) == (3, 1, 3)
    assert ids(events) == [0, 1, 4, 10, 11, 20]

    changes = csv(tmp_path, "chg.csv", "id,kind\n1,changed\n30,new\n")
    done = run(session, "merge", input_path=changes, keys=["id"])
    assert done.snapshot_id == 4
    found = {r["id"]: r["kind"] for r in rows(events)}
    assert (found[1], found[30]) == ("changed", "new") and len(found) == 7

    done = run(session, "write", mode="delete", filter="kind = 'changed' OR id = 30")
    assert (done.snapshot_id, done.rows_removed) == (5, 2)
    assert ids(events) == [0, 4, 10, 11, 20]

    run(session, "write", mode="overwrite", input_path=more)
    assert ids(events) == [10, 11] and version(events) == 6
    # every version is still readable: nothing was rewritten in place
    assert ids(events, 1) == [0, 1, 2, 3, 4, 5]


def test_history_and_rollback_as_a_restore_commit(session: mason.Session, events: str) -> None:
    history = session.run(
        "table", "history", {"database_name": "mason-data", "table_name": "events"}
    ).data
    assert [s.snapshot_id for s in history] == [0, 1] and history[-1].current
    run(session, "rollback", snapshot_id=0)
    assert ids(events) == [0, 1, 2, 3] and version(events) == 2
    gone = session.run(
        "table",
        "rollback",
        {"database_name": "mason-data", "table_name": "events", "snapshot_id": 9},
    )
    assert gone.errors and "no version 9" in gone.errors[0] and version(events) == 2


def _shift_log_back(s3: Any, days: float) -> None:
    """The log's commit and removal timestamps ``days`` earlier, as if the
    versions had been committed then (delta-rs has no clock to inject)."""
    listed = s3.list_objects_v2(Bucket="mason-data", Prefix="events/_delta_log/")
    for item in listed["Contents"]:
        if not item["Key"].endswith(".json"):
            continue
        body = s3.get_object(Bucket="mason-data", Key=item["Key"])["Body"].read().decode()
        s3.put_object(Bucket="mason-data", Key=item["Key"], Body=backdated(body, days))


def _data_keys(s3: Any) -> set[str]:
    listed = s3.list_objects_v2(Bucket="mason-data", Prefix="events/")
    return {o["Key"] for o in listed["Contents"] if o["Key"].endswith(".parquet")}


def test_compact_then_expire_vacuums_what_only_old_versions_read(
    session: mason.Session, events: str, s3: Any
) -> None:
    before = ids(events)
    dry = run(session, "compact", dry_run=True)
    assert dry.files_rewritten == 4 and version(events) == 1
    report = run(session, "compact")
    assert (report.files_rewritten, report.files_added, report.snapshot_id) == (4, 2, 2)
    assert ids(events) == before and ids(events, 0) == [0, 1, 2, 3]
    small = _data_keys(s3)
    assert len(small) == 6
    nothing = run(session, "expire", older_than_days=1)
    assert nothing.files_removed == 0
    _shift_log_back(s3, days=10)
    dry = run(session, "expire", older_than_days=1, dry_run=True)
    assert dry.files_removed == 4 and all(p.startswith(URI) for p in dry.paths)
    assert _data_keys(s3) == small
    report = run(session, "expire", older_than_days=1)
    assert report.files_removed == 4 and report.bytes_removed > 0
    assert _data_keys(s3) == small - {p[len("s3://mason-data/") :] for p in report.paths}
    assert len(_data_keys(s3)) == 2 and ids(events) == before


def test_clean_deletes_old_orphans_only(session: mason.Session, events: str, s3: Any) -> None:
    s3.put_object(Bucket="mason-data", Key="events/kind=a/part-orphan.parquet", Body=b"x" * 10)
    _s3_delta_moto.age(events, hours=24 * 10)
    s3.put_object(Bucket="mason-data", Key="events/part-young.parquet", Body=b"y")
    dry = run(session, "clean", dry_run=True)
    assert dry.paths == [f"{URI}kind=a/part-orphan.parquet"] and dry.bytes_removed == 10
    report = run(session, "clean")
    assert report.files_removed == 1
    keys = _data_keys(s3)
    assert "events/kind=a/part-orphan.parquet" not in keys and "events/part-young.parquet" in keys
    assert ids(events, 0) == [0, 1, 2, 3] and ids(events) == [0, 1, 2, 3, 4, 5]


def test_an_unsafe_commit_option_is_refused_in_one_line_through_the_cli(
    tmp_path: Path, events: str
) -> None:
    """An option in the environment that would let delta-rs commit without the
    conditional put (an unsafe rename, a copy-if-not-exists emulation): the
    write is refused with exit code 2, and nothing is committed."""
    config = tmp_path / "config.yaml"
    config.write_text(config_text(events))
    rows_file = csv(tmp_path, "rows.csv", "id,kind\n9,z\n")
    env = {**os.environ, "MASON_HOME": str(tmp_path / "home")}
    subprocess.run(
        [sys.executable, "-m", "mason", "config", str(config), "--set-current", "4"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    params = f"database_name:mason-data,table_name:events,input_path:{rows_file}"
    command = [sys.executable, "-m", "mason", "op", "table", "write", "-p", params]
    ok = subprocess.run(
        [*command, "--output", "json"], env=env, capture_output=True, text=True, timeout=120
    )
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert 9 in ids(events) and version(events) == 2
    for unsafe in ("AWS_S3_ALLOW_UNSAFE_RENAME", "AWS_COPY_IF_NOT_EXISTS"):
        cli = subprocess.run(
            [*command, "--output", "json"],
            env={**env, unsafe: "true" if "RENAME" in unsafe else "multipart"},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert cli.returncode == 2, cli.stdout + cli.stderr
        errors = json.loads(cli.stdout)["Errors"]
        assert len(errors) == 1 and "\n" not in errors[0] and "Traceback" not in cli.stderr
        assert unsafe in errors[0] and "mason-data.events" in errors[0]
        assert version(events) == 2


def test_verbs_on_plain_files_or_nothing_are_refused(
    session: mason.Session, events: str, s3: Any
) -> None:
    s3.put_object(Bucket="mason-data", Key="plain/p.csv", Body=b"id\n1\n")
    plain = session.run("table", "history", {"database_name": "mason-data", "table_name": "plain"})
    assert plain.exit_code == 2 and "table mason-data.plain has format csv" in plain.errors[0]
    missing = session.run(
        "table", "history", {"database_name": "mason-data", "table_name": "nothing"}
    )
    assert missing.errors == ["s3: nothing at s3://mason-data/nothing/"]
