"""Reading one object's schema with as few bytes as possible.

Parquet: one suffix-range GET of the object's tail holds the footer, which
arrow parses; data pages are never read. The GET goes through obstore (signed
and sent outside the GIL, see :mod:`mason_aws.session`) for every key it can
name exactly, else through boto3. CSV and JSON lines: one ranged
GET of the first ``sample_bytes`` through s3fs (a compressed object is read
as a decompressed stream), cut at the last full line. What the bytes mean is
decided by :mod:`mason.sdk.tabular`, as for local files.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from mason.sdk.tabular import FileSchema, cut_at_last_line, is_compressed, tail_footer_schema
from mason_aws.errors import aws_errors, translate_obstore

if TYPE_CHECKING:
    import s3fs

    from mason_aws.session import AwsSession


def obstore_addressable(key: str) -> bool:
    """Whether obstore reaches exactly ``key``. Its paths drop a leading or
    trailing ``/`` (so ``/a`` would read ``a``: another object) and refuse
    empty, ``.`` and ``..`` segments, all of which S3 keys may hold."""
    if not key or key.startswith("/") or key.endswith("/"):
        return False
    return all(part not in ("", ".", "..") for part in key.split("/"))


def suffix_reader(aws: AwsSession, bucket: str, key: str) -> Callable[[int], bytes]:
    """``read(n)``: the object's last ``n`` bytes, in one GET."""
    if obstore_addressable(key):
        import obstore

        store = aws.object_store(bucket)

        def through_obstore(n: int) -> bytes:
            try:
                found = obstore.get(store, key, options={"range": {"suffix": n}})
                return bytes(found.bytes())
            except Exception as exc:
                raise translate_obstore(exc, aws.client_name, f"s3://{bucket}/{key}") from None

        return through_obstore
    s3 = aws.client("s3")

    def through_boto3(n: int) -> bytes:
        with aws_errors(aws.client_name, f"s3://{bucket}/{key}"):
            answer = s3.get_object(Bucket=bucket, Key=key, Range=f"bytes=-{n}")
            data: bytes = answer["Body"].read()
            return data

    return through_boto3


def read_parquet_schema(aws: AwsSession, bucket: str, key: str, size: int) -> FileSchema:
    """The footer, fetched with one suffix-range GET (a second only when the
    footer is larger than the first read)."""
    return tail_footer_schema(f"s3://{bucket}/{key}", size, suffix_reader(aws, bucket, key))


def read_sample(fs: s3fs.S3FileSystem, path: str, size: int, limit: int) -> bytes:
    """The object's first ``limit`` bytes of text, ending on a complete line."""
    if is_compressed(path):
        with fs.open(path, "rb", compression="infer") as stream:
            data: bytes = stream.read(limit)
            return cut_at_last_line(data, bool(stream.read(1)))
    data = fs.cat_file(path, start=0, end=min(size, limit))
    return cut_at_last_line(data, size > limit)
