"""Writes that are all or nothing at the destination prefix.

S3 has no rename, and a reader listing a prefix mid-upload would see a
partial table. So many-object writes go first to a hidden staging prefix
beside the destination (skipped by every listing of data), are copied
server-side to the destination only once complete, and the staging objects
are deleted whatever happens. If the commit copy fails half way, what it
already copied is deleted again. A single object needs none of this: S3
makes a PUT (and a completed multipart upload) visible whole or not at all,
and boto3's transfer manager aborts a failed multipart upload.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from typing import Any

from mason_aws.errors import aws_errors
from mason_aws.s3.listing import S3Object, objects, under
from mason_aws.s3.paths import S3Location
from mason_core.errors import AlreadyExistsError


def check_target(s3: Any, client: str, target: S3Location, overwrite: bool) -> list[S3Object]:
    """What is at ``target`` now; an error if something is and overwriting was not asked."""
    present = objects(s3, client, target)
    if present and not overwrite:
        raise AlreadyExistsError(
            f"{client}: output {target.uri} already exists; pass overwrite: true to replace it"
        )
    return present


def delete_keys(s3: Any, client: str, bucket: str, keys: list[str]) -> None:
    """Delete ``keys`` in batches of 1,000 (the DeleteObjects limit)."""
    for start in range(0, len(keys), 1000):
        batch = [{"Key": k} for k in keys[start : start + 1000]]
        with aws_errors(client, f"s3://{bucket}"):
            answer = s3.delete_objects(Bucket=bucket, Delete={"Objects": batch, "Quiet": True})
        failed = answer.get("Errors") or []
        if failed:
            first = failed[0]
            with aws_errors(client, f"s3://{bucket}/{first.get('Key')}"):
                from botocore.exceptions import ClientError

                raise ClientError({"Error": first}, "DeleteObjects")


@contextmanager
def staged_prefix(
    s3: Any,
    client: str,
    target: S3Location,
    overwrite: bool,
    staging_name: str,
    workers: int = 16,
) -> Iterator[S3Location]:
    """Yield a hidden staging prefix; on success its objects replace ``target``'s."""
    old = check_target(s3, client, target, overwrite)
    parent = target.prefix.rstrip("/").rpartition("/")[0]
    staging_key = f"{parent + '/' if parent else ''}{staging_name}-{uuid.uuid4().hex[:12]}/"
    staging = S3Location(target.bucket, staging_key)
    try:
        yield staging
        staged = under(s3, client, staging)
        old = check_target(s3, client, target, overwrite)  # a concurrent writer got there first?
        _commit(s3, client, staging, target, staged, old, workers)
    finally:
        with suppress(Exception):  # cleanup must not hide the write's own outcome
            delete_keys(s3, client, staging.bucket, [o.key for o in under(s3, client, staging)])


def _commit(
    s3: Any,
    client: str,
    staging: S3Location,
    target: S3Location,
    staged: list[S3Object],
    old: list[S3Object],
    workers: int,
) -> None:
    copied: list[str] = []
    pairs = [(o.key, target.prefix + o.key[len(staging.prefix) :]) for o in staged]

    def copy(pair: tuple[str, str]) -> str:
        source, dest = pair
        with aws_errors(client, f"s3://{target.bucket}/{dest}"):
            s3.copy({"Bucket": staging.bucket, "Key": source}, target.bucket, dest)
        return dest

    try:
        with ThreadPoolExecutor(max_workers=max(1, min(workers, len(pairs) or 1))) as pool:
            for future in [pool.submit(copy, pair) for pair in pairs]:
                copied.append(future.result())
    except BaseException:
        with suppress(Exception):
            delete_keys(s3, client, target.bucket, _copied_so_far(s3, client, target, pairs))
        raise
    stale = sorted({o.key for o in old} - {dest for _, dest in pairs})
    if stale:
        delete_keys(s3, client, target.bucket, stale)


def _copied_so_far(
    s3: Any, client: str, target: S3Location, pairs: list[tuple[str, str]]
) -> list[str]:
    wanted = {dest for _, dest in pairs}
    return [o.key for o in under(s3, client, target) if o.key in wanted]


def upload_tree(
    s3: Any,
    client: str,
    files: list[tuple[str, str]],
    bucket: str,
    workers: int,
    on_done: Callable[[int], None] | None = None,
) -> None:
    """Upload ``(local file, key)`` pairs concurrently; the first failure stops the rest."""

    def put(pair: tuple[str, str]) -> int:
        local, key = pair
        with aws_errors(client, f"s3://{bucket}/{key}"):
            s3.upload_file(local, bucket, key)
        return 1

    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(files) or 1))) as pool:
        futures = [pool.submit(put, pair) for pair in files]
        try:
            for done, future in enumerate(futures, 1):
                future.result()
                if on_done:
                    on_done(done)
        except BaseException:
            for future in futures:
                future.cancel()
            raise
