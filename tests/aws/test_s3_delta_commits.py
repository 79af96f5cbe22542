"""Concurrent Delta commits on S3 lose nothing (moto's server on 127.0.0.1,
serving one request at a time as S3 serves a conditional put atomically; see
:mod:`tests.aws._s3_delta_moto`).

Two writer processes append to the same Delta table many times at once. Every
row of every write that succeeded must be in the table, the log's versions must
run 0..N without a gap, and the log must hold exactly one commit per successful
write (a commit that replaced another's log entry would leave fewer). Against a
store that ignores ``If-None-Match`` the same checks find lost commits, so they
can see one."""

from __future__ import annotations

import json
import multiprocessing
from typing import Any

import pytest

from tests.aws import _s3_delta_moto
from tests.aws.conftest import ACCESS_KEY, REGION, SECRET_KEY

WRITERS = 2
APPENDS = 20


moto_url = _s3_delta_moto.moto_url


def _options(url: str) -> dict[str, str]:
    return _s3_delta_moto.delta_options(url, conditional_put=False)


def _create(uri: str, options: dict[str, str]) -> None:
    import pyarrow as pa
    from deltalake import write_deltalake

    empty = pa.table({"writer": pa.array([], pa.int64()), "n": pa.array([], pa.int64())})
    write_deltalake(uri, empty, storage_options=options)


def _append_many(
    uri: str, options: dict[str, str], writer: int, count: int, out: Any, start: Any
) -> None:
    """A writer process: ``count`` appends of one row ``(writer, n)`` each."""
    import pyarrow as pa
    from deltalake import write_deltalake

    done: list[int] = []
    failed: list[str] = []
    try:
        start.wait(timeout=120)  # every writer imported: the appends overlap
        for n in range(count):
            try:
                write_deltalake(
                    uri,
                    pa.table({"writer": [writer], "n": [n]}),
                    mode="append",
                    storage_options=options,
                )
                done.append(n)
            except Exception as exc:  # reported to the test, which judges it
                failed.append(str(exc))
    finally:
        out.put((writer, done, failed))


def race(target: Any, uri: str, options: dict[str, str]) -> list[tuple[int, list[int], list[str]]]:
    """``WRITERS`` processes running ``target`` at once; what each reported."""
    spawn = multiprocessing.get_context("spawn")
    out = spawn.Queue()
    start = spawn.Barrier(WRITERS)
    writers = [
        spawn.Process(target=target, args=(uri, options, w, APPENDS, out, start))
        for w in range(WRITERS)
    ]
    for process in writers:
        process.start()
    reports = [out.get(timeout=600) for _ in writers]
    for process in writers:
        process.join(timeout=60)
        assert process.exitcode == 0
    return reports


def lost_commits(
    s3: Any, bucket: str, prefix: str, uri: str, options: dict[str, str], reports: list[Any]
) -> list[str]:
    """What the table lost of the writes that reported success (empty: nothing)."""
    from deltalake import DeltaTable

    problems = []
    table = DeltaTable(uri, storage_options=options)
    rows = table.to_pyarrow_table().to_pylist()
    present = [(r["writer"], r["n"]) for r in rows]
    written = [(w, n) for w, done, _ in reports for n in done]
    missing = sorted(set(written) - set(present))
    if missing:
        problems.append(f"rows of successful writes missing: {missing}")
    if len(present) != len(set(present)):
        problems.append("a row is in the table twice")
    log = f"{prefix}_delta_log/"
    keys = [
        o["Key"]
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=log)
        for o in page.get("Contents", [])
    ]
    versions = sorted(int(k[len(log) : -len(".json")]) for k in keys if k.endswith(".json"))
    if versions != list(range(table.version() + 1)):
        problems.append(f"log versions are not 0..{table.version()}: {versions}")
    appends = 0
    for version in versions[1:]:
        body = s3.get_object(Bucket=bucket, Key=f"{log}{version:020d}.json")["Body"].read()
        actions = [json.loads(line) for line in body.decode().splitlines() if line.strip()]
        appends += sum("add" in a for a in actions)
    if appends != len(written):
        problems.append(f"{len(written)} writes succeeded, the log holds {appends} appends")
    return problems


def test_two_writers_appending_to_a_delta_table_on_s3_lose_no_commit(
    aws_env: str, s3: Any, bucket: str
) -> None:
    """delta-rs 1.x commits each log entry with a conditional put
    (``If-None-Match: *``, the ``aws_conditional_put: etag`` option Mason
    states): the loser of a race gets "already exists" and commits again as
    the next version."""
    from mason.sdk.delta import commit_options

    uri = f"s3://{bucket}/raced/"
    options = commit_options(_options(aws_env), "mason-data.raced")
    assert options["aws_conditional_put"] == "etag"
    _create(uri, options)
    reports = race(_append_many, uri, options)
    assert [failed for _, _, failed in reports] == [[]] * WRITERS
    assert lost_commits(s3, bucket, "raced/", uri, options, reports) == []
    assert sum(len(done) for _, done, _ in reports) == WRITERS * APPENDS


def test_the_checks_find_lost_commits_on_a_store_ignoring_conditional_puts(
    aws_env: str, s3: Any, bucket: str
) -> None:
    """The same race against a store that drops ``If-None-Match`` (so two
    writers can both create the same log entry): the checks above report lost
    commits within a few rounds; without conditional puts Delta on S3 is not
    safe, which is why Mason always asks for them."""
    import boto3

    from mason.sdk.delta import commit_options

    with _s3_delta_moto.serial_moto(ignore_conditional_puts=True) as careless:
        client = boto3.client(
            "s3",
            endpoint_url=careless,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            region_name=REGION,
        )
        client.create_bucket(Bucket=bucket)
        options = commit_options(_options(careless), "mason-data.raced")
        found: list[str] = []
        for round_ in range(5):
            uri = f"s3://{bucket}/raced{round_}/"
            _create(uri, options)
            reports = race(_append_many, uri, options)
            found = lost_commits(client, bucket, f"raced{round_}/", uri, options, reports)
            if found:
                break
    assert found, "no lost commit seen: the checks could not tell a safe store from this one"


def _mason_appends(
    uri: str, settings: dict[str, str], writer: int, count: int, out: Any, start: Any
) -> None:
    """A writer process appending through Mason's s3 metastore (``table write``'s
    path: the s3 client's settings, the conditional put, the commit loop)."""
    from pathlib import Path

    from mason_aws.config import S3ClientConfig
    from mason_aws.s3.metastore import S3Metastore

    from mason.sdk.engines import EngineContext
    from mason.sdk.errors import MasonError
    from mason.sdk.models import TableWrite

    done: list[int] = []
    failed: list[str] = []
    retries = 0
    home = Path(settings["home"])
    try:
        config = S3ClientConfig.model_validate(
            {"access_key": ACCESS_KEY, "secret_key": SECRET_KEY, "endpoint_url": settings["url"]}
        )
        engine = S3Metastore(config, EngineContext(client="s3", home=home / "home"))
        start.wait(timeout=120)  # every writer set up: the writes overlap
        for n in range(count):
            source = home / f"w{writer}-{n}.csv"
            source.write_text(f"writer,n\n{writer},{n}\n")
            mode = settings.get("mode", "append")
            keys = ["writer", "n"] if mode == "upsert" else []
            write = TableWrite(mode=mode, keys=keys, source_paths=[str(source)])
            try:
                retries += engine.write_table("mason-data", "raced", write).retries
                done.append(n)
            except MasonError as exc:  # judged by the test: one line naming the table
                failed.append(str(exc))
    except Exception as exc:  # anything else fails the test, with its text
        failed.append(f"crashed: {exc!r}")
    finally:
        (home / f"retries-{writer}").write_text(str(retries))
        out.put((writer, done, failed))


@pytest.mark.parametrize("mode", ["append", "upsert"])
def test_two_mason_writers_on_s3_lose_no_commit(
    aws_env: str, s3: Any, bucket: str, tmp_path: Any, mode: str
) -> None:
    """The same race through Mason's own write path: every write reported done
    is in the table once, and a writer that could not commit says so in one
    line naming the table. Concurrent upserts (MERGE) conflict in delta-rs's
    own check and are redone by Mason's commit loop on the new version."""
    from mason.sdk.delta import commit_options

    uri = f"s3://{bucket}/raced/"
    options = commit_options(_options(aws_env), "mason-data.raced")
    _create(uri, options)
    settings = {"url": aws_env, "home": str(tmp_path), "mode": mode}
    reports = race(_mason_appends, uri, settings)
    assert lost_commits(s3, bucket, "raced/", uri, options, reports) == []
    failures = [f for _, _, failed in reports for f in failed]
    assert all("\n" not in f and "mason-data.raced" in f for f in failures), failures
    assert sum(len(done) for _, done, _ in reports) + len(failures) == WRITERS * APPENDS
    assert sum(len(done) for _, done, _ in reports) >= WRITERS * APPENDS - 2
    retried = sum(int((tmp_path / f"retries-{w}").read_text()) for w in range(WRITERS))
    if mode == "upsert":  # merges read the whole table: racing ones conflict and are redone
        assert retried > 0


def test_an_unsafe_commit_option_given_or_in_the_environment_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from mason.sdk.delta import commit_options
    from mason.sdk.errors import MasonUsageError

    for key, value in (
        ("AWS_S3_ALLOW_UNSAFE_RENAME", "true"),
        ("aws_copy_if_not_exists", "multipart"),
        ("conditional_put", "disabled"),
        ("AWS_S3_LOCKING_PROVIDER", "dynamodb"),
    ):
        with pytest.raises(MasonUsageError) as given:
            commit_options({key: value}, "mason-data.t")
        assert "\n" not in str(given.value) and key in str(given.value)
    monkeypatch.setenv("AWS_CONDITIONAL_PUT", "disabled")
    with pytest.raises(MasonUsageError, match="AWS_CONDITIONAL_PUT is set"):
        commit_options({}, "mason-data.t")
