"""Reading one object's schema with as few bytes as possible.

Parquet: one suffix-range GET of the object's tail holds the footer, which
arrow parses; data pages are never read. CSV and JSON lines: one ranged GET
of the first ``sample_bytes``, cut at the last full line (a compressed object
is read as a decompressed stream through s3fs). Ranged GETs go through
obstore (signed and sent outside the GIL, see :mod:`mason_aws.session`) for
every key it can name exactly, else through boto3. What the bytes mean is
decided by :mod:`mason.sdk.tabular`, as for local files.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from mason.sdk.errors import MasonError, MasonRuntimeError
from mason.sdk.tabular import FileSchema, cut_at_last_line, is_compressed, tail_footer_schema
from mason_aws.errors import aws_errors, translate_obstore

if TYPE_CHECKING:
    from obstore import GetOptions

    from mason_aws.session import AwsSession


def obstore_addressable(key: str) -> bool:
    """Whether obstore reaches exactly ``key``. Its paths drop a leading or
    trailing ``/`` (so ``/a`` would read ``a``: another object) and refuse
    empty, ``.`` and ``..`` segments and control characters, all of which S3
    keys may hold."""
    if not key or key.startswith("/") or key.endswith("/"):
        return False
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in key):
        return False
    return all(part not in ("", ".", "..") for part in key.split("/"))


def read_bytes(
    aws: AwsSession, bucket: str, key: str, *, last: int | None = None, first: int | None = None
) -> bytes:
    """The object's ``last`` final bytes (fewer when the object is shorter), or
    its ``first`` leading ones (which it must hold: see :func:`read_range`), in one GET."""
    if (last is None) == (first is None):
        raise ValueError("read_bytes takes one of last= and first=")
    if first is not None:
        return read_range(aws, bucket, key, 0, first)
    if last == 0:
        return b""
    return _get(aws, bucket, key, {"suffix": last or 0}, f"bytes=-{last}", None)


def read_range(
    aws: AwsSession, bucket: str, key: str, start: int, end: int, etag: str | None = None
) -> bytes:
    """Bytes ``start`` to ``end`` (exclusive) of the object, in one GET, verified:
    an answer shorter or longer than asked for (a proxy or middlebox bug) fails,
    naming the object, and so does an object whose ETag is no longer ``etag``
    (replaced since it was listed): a reader never builds a result from bytes
    that are not the ones it asked for."""
    if end <= start:
        return b""
    data = _get(aws, bucket, key, (start, end), f"bytes={start}-{end - 1}", etag)
    if len(data) != end - start:
        raise MasonRuntimeError(
            f"{aws.client_name}: short read of s3://{bucket}/{key}: asked for bytes "
            f"{start}-{end - 1} ({end - start} bytes), got {len(data)}; not using it"
        )
    return data


def _get(
    aws: AwsSession,
    bucket: str,
    key: str,
    span: tuple[int, int] | dict[str, int],
    header: str,
    etag: str | None,
) -> bytes:
    resource = f"s3://{bucket}/{key}"
    store = aws.object_store(bucket) if obstore_addressable(key) else None
    started = time.monotonic()
    if store is not None:
        import obstore

        options: GetOptions = {"range": span}  # type: ignore[typeddict-item]
        if etag:
            options["if_match"] = etag
        try:
            found = obstore.get(store, key, options=options)
            return bytes(found.bytes())
        except Exception as exc:
            if etag and _precondition_failed(exc):
                raise changed_since_listed(aws.client_name, resource) from None
            raise translate_obstore(
                exc, aws.client_name, resource, time.monotonic() - started
            ) from None
    extra = {"IfMatch": etag} if etag else {}
    try:
        with aws_errors(aws.client_name, resource):
            answer = aws.client("s3").get_object(Bucket=bucket, Key=key, Range=header, **extra)
            data: bytes = answer["Body"].read()
            return data
    except MasonError as exc:
        if etag and ("PreconditionFailed" in str(exc) or "(412" in str(exc)):
            raise changed_since_listed(aws.client_name, resource) from None
        raise


def _precondition_failed(exc: Exception) -> bool:
    text = str(exc)
    return "Precondition" in text or "status code: 412" in text or "PreconditionFailed" in text


def changed_since_listed(client: str, resource: str) -> MasonRuntimeError:
    return MasonRuntimeError(
        f"{client}: {resource} changed since its table was listed (its ETag differs); "
        "run the job again to read the new version"
    )


def read_parquet_schema(aws: AwsSession, bucket: str, key: str, size: int) -> FileSchema:
    """The footer, fetched with one suffix-range GET (a second only when the
    footer is larger than the first read)."""

    def tail(n: int) -> bytes:
        return read_bytes(aws, bucket, key, last=n)

    return tail_footer_schema(f"s3://{bucket}/{key}", size, tail)


def read_sample(aws: AwsSession, bucket: str, key: str, size: int, limit: int) -> bytes:
    """The object's first ``limit`` bytes of text, ending on a complete line; a
    compressed object is read as a decompressed stream (s3fs, fsspec's codecs)."""
    if is_compressed(key):
        with aws.s3fs.open(f"{bucket}/{key}", "rb", compression="infer") as stream:
            data: bytes = stream.read(limit)
            return cut_at_last_line(data, bool(stream.read(1)))
    data = read_bytes(aws, bucket, key, first=min(size, limit))
    return cut_at_last_line(data, size > limit)
