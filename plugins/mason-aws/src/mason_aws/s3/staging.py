"""Writes that are all or nothing at the destination prefix.

S3 has no rename, and a reader listing a prefix mid-upload would see a
partial table. So many-object writes go first to a hidden staging prefix
beside the destination (skipped by every listing of data), and are committed
to the destination by server-side copies only once complete. The staging
objects are deleted whatever happens.

The commit itself never loses the previous output, even half way:

1. old objects that a new one of the same name will overwrite are first
   copied aside, to a hidden ``<staging>-previous`` prefix;
2. every staged object is copied to its final key;
3. only once every copy succeeded are the old objects the new output does not
   replace (stale keys) deleted, then the copies set aside.

If a copy of step 2 fails, the new objects whose keys did not exist before
are deleted, the overwritten ones are copied back from the side, and the
error is raised: the destination holds exactly the old output again. Should
that restore fail too, the set-aside copies are kept and the error says
where. A single object needs none of this: S3 makes a PUT (and a completed
multipart upload) visible whole or not at all, and boto3's transfer manager
aborts a failed multipart upload.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any

from mason.sdk.errors import AlreadyExistsError, MasonRuntimeError
from mason.sdk.outputs import (
    check_dataset,
    check_not_input,
    check_not_protected,
    check_single_file,
    extensions_for,
)
from mason_aws.errors import aws_errors
from mason_aws.s3.listing import S3Object, head, under
from mason_aws.s3.lock import s3_output_lock
from mason_aws.s3.paths import S3Location


@dataclass(frozen=True)
class Replaceable:
    """What a writer may replace at its target (see :mod:`mason.sdk.outputs`):
    a dataset with ``extensions`` (``what`` names it), never ``inputs`` (URIs)."""

    extensions: Collection[str]
    what: str
    inputs: Sequence[str] = ()

    @classmethod
    def of_format(cls, fmt: str, inputs: Sequence[str] = ()) -> Replaceable:
        return cls(extensions_for(fmt), fmt, inputs)

    @classmethod
    def of_keys(cls, keys: Sequence[str], inputs: Sequence[str] = ()) -> Replaceable:
        """A copy may replace only a dataset of the kinds of files it brings."""
        extensions = sorted(
            {"." + k.rsplit(".", 1)[1].lower() for k in keys if "." in k.rsplit("/", 1)[-1]}
        )
        return cls(extensions, "/".join(e.lstrip(".") for e in extensions) or "file", inputs)


def check_target(
    s3: Any, client: str, target: S3Location, overwrite: bool, rules: Replaceable
) -> list[S3Object]:
    """What is at ``target`` now. An error if it overlaps an input, if
    something is there and overwriting was not asked, and, when it was, if what
    is there is not a previous output (a bucket root, foreign objects)."""
    check_not_input(target.uri, rules.inputs)
    single = head(s3, client, target)
    present = [single] if single is not None else under(s3, client, target)
    if not present:
        return present
    if not overwrite:
        raise AlreadyExistsError(
            f"{client}: output {target.uri} already exists; pass overwrite: true to replace it"
        )
    check_not_protected(target.uri, [(f"s3://{target.bucket}/", "a bucket root")])
    if single is not None:
        check_single_file(target.uri, rules.extensions, rules.what)
    else:
        relative = (o.key[len(target.prefix) :] for o in present)
        check_dataset(target.uri.rstrip("/"), relative, rules.extensions, rules.what)
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
    rules: Replaceable,
    workers: int = 16,
) -> Iterator[S3Location]:
    """Yield a hidden staging prefix; on success its objects replace ``target``'s.

    The target is checked, locked (a concurrent writer of the same output
    fails here, before staging anything) and checked again."""
    check_target(s3, client, target, overwrite, rules)
    parent = target.prefix.rstrip("/").rpartition("/")[0]
    staging_key = f"{parent + '/' if parent else ''}{staging_name}-{uuid.uuid4().hex[:12]}/"
    staging = S3Location(target.bucket, staging_key)
    with s3_output_lock(s3, client, target):
        check_target(s3, client, target, overwrite, rules)
        try:
            yield staging
            staged = under(s3, client, staging)
            old = check_target(s3, client, target, overwrite, rules)
            _commit(s3, client, staging, target, staged, old, workers)
        finally:
            with suppress(Exception):  # cleanup must not hide the write's own outcome
                keys = [o.key for o in under(s3, client, staging)]
                delete_keys(s3, client, staging.bucket, keys)


def _commit(
    s3: Any,
    client: str,
    staging: S3Location,
    target: S3Location,
    staged: list[S3Object],
    old: list[S3Object],
    workers: int,
) -> None:
    bucket = target.bucket
    pairs = [(o.key, target.prefix + o.key[len(staging.prefix) :]) for o in staged]
    old_keys = {o.key for o in old}
    new_keys = {dest for _, dest in pairs}
    overwritten = sorted(old_keys & new_keys)
    aside = S3Location(bucket, staging.prefix.rstrip("/") + "-previous/")
    kept = [(key, aside.prefix + key[len(target.prefix) :]) for key in overwritten]

    try:  # 1. the old objects about to be overwritten, copied aside
        _copy_all(s3, client, bucket, kept, workers)
    except BaseException:
        with suppress(Exception):
            delete_keys(s3, client, bucket, [o.key for o in under(s3, client, aside)])
        raise
    try:  # 2. the new output, copied into place
        _copy_all(s3, client, bucket, pairs, workers)
    except BaseException as failure:
        _roll_back(s3, client, target, sorted(new_keys - old_keys), kept, aside, failure)
        raise
    # 3. the new output is complete: stale old objects, then the copies set aside, go
    delete_keys(s3, client, bucket, sorted(old_keys - new_keys))
    with suppress(Exception):
        delete_keys(s3, client, bucket, [dest for _, dest in kept])


def _copy_all(
    s3: Any, client: str, bucket: str, pairs: list[tuple[str, str]], workers: int
) -> None:
    """Server-side copies of ``(source key, destination key)`` in ``bucket``; the first
    failure cancels the copies not yet started and is raised once the others finished."""
    if not pairs:
        return

    def copy(pair: tuple[str, str]) -> None:
        source, dest = pair
        with aws_errors(client, f"s3://{bucket}/{dest}"):
            s3.copy({"Bucket": bucket, "Key": source}, bucket, dest)

    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(pairs)))) as pool:
        futures = [pool.submit(copy, pair) for pair in pairs]
        try:
            for future in futures:
                future.result()
        except BaseException:
            for future in futures:
                future.cancel()
            raise


def _roll_back(
    s3: Any,
    client: str,
    target: S3Location,
    added: list[str],
    kept: list[tuple[str, str]],
    aside: S3Location,
    failure: BaseException,
) -> None:
    """Put ``target`` back as it was before a failed commit: the keys the commit
    added deleted, the overwritten ones restored from their copies aside."""
    try:
        delete_keys(s3, client, target.bucket, added)
        _copy_all(s3, client, target.bucket, [(side, key) for key, side in kept], 16)
    except Exception as restore:
        raise MasonRuntimeError(
            f"{failure}; restoring the previous output of {target.uri} failed too "
            f"({restore}): its overwritten objects are kept under {aside.uri}"
        ) from None
    with suppress(Exception):
        delete_keys(s3, client, target.bucket, [side for _, side in kept])


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
