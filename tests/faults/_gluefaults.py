"""Helpers of the Glue + S3 Iceberg fault tests (test_gluefaults_*.py).

moto's server runs in a process of its own (``moto_process`` of tests/aws),
and every Mason process reaches it through :class:`GlueProxy`, the fault
proxy of tests/aws with two additions:

- Glue's optimistic locking. Real Glue refuses an ``UpdateTable`` whose
  ``VersionId`` is not the table's current version
  (``ConcurrentModificationException``); pyiceberg's Glue catalog sends the
  version it read and relies on that refusal. moto 5 accepts any
  ``VersionId`` (see test_moto_glue_does_not_check_the_version), so the
  proxy makes the check moto does not: under one lock it reads the table's
  version from moto and refuses a stale update the way Glue does. This is
  the one part of Glue imitated here, because it cannot run here otherwise.
- ``hold``: keep a request waiting at the proxy, before moto sees it or
  after (a commit Glue made whose answer the writer has not got yet).

The checks read Glue and S3 directly (boto3 and pyiceberg on moto's own
endpoint, not through Mason or the proxy).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.aws.conftest import REGION
from tests.aws.faults import FaultProxy, Request, Stall

TABLE = ("lake", "events")


def put_request(suffix: str = "", part: str = "") -> Callable[[Request], bool]:
    """An S3 write (PUT, or a multipart POST) of a key containing ``part``
    and ending with ``suffix``."""

    def match(request: Request) -> bool:
        return (
            request.method in ("PUT", "POST")
            and not request.target
            and request.path.endswith(suffix)
            and part in request.path
        )

    return match


def s3_delete(request: Request) -> bool:
    """An S3 DeleteObject (or a DeleteObjects batch)."""
    return request.method == "DELETE" or (request.method == "POST" and "delete" in request.query)


def glue_update_table(request: Request) -> bool:
    return request.target == "AWSGlue.UpdateTable"


@dataclass
class Gate:
    """A request held at the proxy: ``reached`` is set when one arrives,
    and it goes on when ``release`` is set (or after a minute)."""

    match: Callable[[Request], bool]
    after: bool  # held after moto did it (its answer held back), else before
    reached: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    #: on release, drop the request instead (its sender is gone)
    drop: bool = False

    def wait(self) -> bool:
        """Hold the request; whether to go on with it."""
        self.reached.set()
        self.release.wait(60.0)
        return not self.drop


class GlueProxy(FaultProxy):
    """The fault proxy, checking ``UpdateTable``'s ``VersionId`` as Glue does."""

    def __init__(self, upstream: str) -> None:
        super().__init__(upstream)
        self.updates_refused = 0
        self._commit_lock = threading.Lock()
        self._gate: Gate | None = None

    @contextmanager
    def hold(self, match: Callable[[Request], bool], after: bool = False) -> Iterator[Gate]:
        """Hold the first matching request (before or after forwarding it)."""
        gate = Gate(match, after)
        self._gate = gate
        try:
            yield gate
        finally:
            self._gate = None
            gate.release.set()

    def stall(self, match: Callable[[Request], bool], skip: int = 0) -> Any:
        """Never answer, nor forward, the first matching request (after ``skip``)."""
        return self.fault(match, Stall(60.0), times=1, skip=skip)

    def _take(self, request: Request, after: bool) -> Gate | None:
        with self._lock:
            gate = self._gate
            if gate is None or gate.after != after or not gate.match(request):
                return None
            self._gate = None
            return gate

    def _version(self, request: Request, database: str, name: str) -> str | None:
        # the update's own headers: moto routes by the credential scope of its
        # Authorization header and does not check the signature
        headers = dict(request.headers)
        headers["x-amz-target"] = "AWSGlue.GetTable"
        body = json.dumps({"DatabaseName": database, "Name": name}).encode()
        status, _, answer = super()._forward(Request("POST", "/", "/", {}, headers, body))
        return str(json.loads(answer)["Table"]["VersionId"]) if status == 200 else None

    def _forward(self, request: Request) -> tuple[int, list[tuple[str, str]], bytes]:
        gate = self._take(request, after=False)
        if gate is not None and not gate.wait():
            return 503, [("Content-Type", "text/plain")], b"dropped by the test"
        if glue_update_table(request):
            update = json.loads(request.body)
            with self._commit_lock:  # the check and the update, as one step
                wanted = update.get("VersionId")
                current = self._version(
                    request, update["DatabaseName"], update["TableInput"]["Name"]
                )
                if wanted is not None and wanted != current:
                    self.updates_refused += 1
                    refusal = {
                        "__type": "ConcurrentModificationException",
                        "message": f"table version {wanted} is not the current one ({current})",
                    }
                    content = [("Content-Type", "application/x-amz-json-1.1")]
                    return 400, content, json.dumps(refusal).encode()
                answer = super()._forward(request)
        else:
            answer = super()._forward(request)
        gate = self._take(request, after=True)
        if gate is not None:
            gate.wait()
        return answer


def config(endpoint: str) -> str:
    """A configuration: glue metastore, s3 storage, local execution, both AWS
    clients at ``endpoint`` (the proxy)."""
    client = f"    configuration:\n      endpoint_url: {endpoint}\n"
    return (
        "type: config\nid: 'glue-faults'\nmetastore_engine: glue\nstorage_engine: s3\n"
        f"execution_engine: local\nclients:\n  glue:\n{client}  s3:\n{client}"
        "  local:\n    configuration: {}\n"
    )


def mason_cli(home: Path, *args: str) -> subprocess.Popen[str]:
    """``mason <args>`` in a process of its own on ``home``."""
    return subprocess.Popen(
        [sys.executable, "-m", "mason", *args],
        env={**os.environ, "MASON_HOME": str(home)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def params(**values: object) -> str:
    return ",".join(f"{k}:{json.dumps(v)}" for k, v in values.items())


def until(condition: Callable[[], bool], child: subprocess.Popen[str], timeout: float = 90) -> None:
    """Wait for ``condition`` while ``child`` runs."""
    deadline = time.monotonic() + timeout
    while not condition():
        if child.poll() is not None:
            out, err = child.communicate()
            raise AssertionError(f"the child ended first ({child.returncode}): {out}{err}")
        if time.monotonic() > deadline:
            raise AssertionError(f"not reached within {timeout}s")
        time.sleep(0.02)


def direct_catalog(moto: str) -> Any:
    """pyiceberg's Glue catalog on moto itself (not through Mason or the proxy)."""
    import boto3
    from pyiceberg.catalog.glue import GlueCatalog

    return GlueCatalog(
        "check",
        client=boto3.client("glue", endpoint_url=moto, region_name=REGION),
        **{
            "py-io-impl": "pyiceberg.io.pyarrow.PyArrowFileIO",
            "s3.endpoint": moto,
            "s3.region": REGION,
            "s3.access-key-id": os.environ["AWS_ACCESS_KEY_ID"],
            "s3.secret-access-key": os.environ["AWS_SECRET_ACCESS_KEY"],
        },
    )


def s3_objects(s3: Any, bucket: str) -> set[str]:
    """Every file of ``bucket`` as an ``s3://`` URI."""
    found: set[str] = set()
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        keys = (o["Key"] for o in page.get("Contents", []))
        # (not the empty "folder/" markers pyarrow leaves when it empties a folder)
        found |= {f"s3://{bucket}/{key}" for key in keys if not key.endswith("/")}
    return found


def check_intact(moto: str, s3: Any, glue: Any, bucket: str) -> Any:
    """The table as Glue points at it now: its metadata file exists, every
    file any of its snapshots references exists on S3, and every snapshot
    reads. Returns the table (pyiceberg, loaded directly)."""
    from mason.sdk.iceberg_maintenance import reachable

    entry = glue.get_table(DatabaseName=TABLE[0], Name=TABLE[1])["Table"]
    on_s3 = s3_objects(s3, bucket)
    location = entry["Parameters"]["metadata_location"]
    assert location in on_s3, f"Glue points at a missing metadata file {location}"
    table = direct_catalog(moto).load_table(TABLE)
    assert table.metadata_location == location
    files = reachable(table, table.metadata.snapshots, live_only=True)
    missing = sorted(set(files) - on_s3)
    assert not missing, f"referenced files missing on S3: {missing[:5]}"
    for snapshot in table.metadata.snapshots:
        table.scan(snapshot_id=snapshot.snapshot_id).to_arrow()
    return table


def rows_of(table: Any) -> list[tuple[int, str]]:
    """The table's (event_id, kind) rows now, sorted."""
    data = table.scan(selected_fields=("event_id", "kind")).to_arrow()
    return sorted(zip(data.column(0).to_pylist(), data.column(1).to_pylist(), strict=True))
