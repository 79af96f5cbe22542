"""One writer per S3 output, with S3's conditional writes.

The lock is an object ``.mason-lock-<name>`` beside the output, created with
``If-None-Match: *``: S3 creates it only when no such object exists, so of two
writers racing for one output exactly one gets it and the other fails before
it has staged anything. The holder deletes it with ``If-Match`` on its own
ETag, so it never removes a lock someone else took since.

A lock left by a killed job is taken over only when its record shows a
process on this machine that is gone; any other holder is named in the error,
with the key to delete once that job is known to be dead. The guarantee
assumes S3's strong read-after-write consistency and conditional requests
(AWS S3 has both; some S3-compatible stores ignore ``If-None-Match``).
"""

from __future__ import annotations

import json
import os
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

from mason.sdk.jobs import process_started, same_process
from mason.sdk.outputs import LOCK_PREFIX, OutputBusyError
from mason_aws.errors import aws_errors, is_code
from mason_aws.s3.paths import S3Location


def lock_location(target: S3Location) -> S3Location:
    parent, _, name = target.prefix.rstrip("/").rpartition("/")
    return S3Location(target.bucket, f"{parent + '/' if parent else ''}{LOCK_PREFIX}{name}")


def _acquire(s3: Any, client: str, lock: S3Location, body: bytes) -> str | None:
    """The new lock's ETag, or ``None`` when someone holds it."""
    try:
        answer = s3.put_object(Bucket=lock.bucket, Key=lock.key, Body=body, IfNoneMatch="*")
    except Exception as exc:
        if is_code(exc, "PreconditionFailed", "412", "ConditionalRequestConflict", "409"):
            return None
        with aws_errors(client, lock.uri):
            raise
    return str(answer.get("ETag", ""))


def _holder(s3: Any, lock: S3Location) -> tuple[dict[str, Any], str] | None:
    try:
        answer = s3.get_object(Bucket=lock.bucket, Key=lock.key)
        record = json.loads(answer["Body"].read().decode("utf-8"))
    except Exception:
        return None
    return (record if isinstance(record, dict) else {}), str(answer.get("ETag", ""))


def _int_or_none(value: Any) -> int | None:
    return value if isinstance(value, int) else None


@contextmanager
def s3_output_lock(s3: Any, client: str, target: S3Location) -> Iterator[None]:
    """Hold the lock of the output ``target`` for the block, or fail at once
    with :class:`OutputBusyError` naming its holder."""
    lock = lock_location(target)
    me = {
        "host": socket.gethostname(),
        "pid": os.getpid(),
        "started": process_started(os.getpid()),
        "since": time.time(),
    }
    body = json.dumps(me).encode("utf-8")
    etag = _acquire(s3, client, lock, body)
    if etag is None:
        held = _holder(s3, lock)
        record = held[0] if held else {}
        stale = (
            held is not None
            and record.get("host") == me["host"]
            and isinstance(record.get("pid"), int)
            and not same_process(record["pid"], _int_or_none(record.get("started")))
        )
        if stale and held is not None:
            with suppress(Exception):
                s3.delete_object(Bucket=lock.bucket, Key=lock.key, IfMatch=held[1])
            etag = _acquire(s3, client, lock, body)
        if etag is None:
            owner = f" (pid {record.get('pid')} on {record.get('host')})" if record else ""
            raise OutputBusyError(
                f"{client}: output {target.uri} is being written by another job{owner}; "
                f"try again when it is done, or delete {lock.uri} if that job is gone"
            )
    try:
        yield
    finally:
        with suppress(Exception):
            s3.delete_object(Bucket=lock.bucket, Key=lock.key, IfMatch=etag)
