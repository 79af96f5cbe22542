"""S3 locations: what users type (``bucket/key``, ``s3://bucket/key``,
``s3a://...``) parsed into bucket and key, and which keys hold data."""

from __future__ import annotations

import re
from dataclasses import dataclass

from mason.sdk.errors import MasonUsageError

_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9]$")
#: names that are never data: markers and metadata written by Spark, Hive, Mason.
_MARKERS = frozenset({"_SUCCESS", "_metadata", "_common_metadata", "_committed", "_started"})


@dataclass(frozen=True)
class S3Location:
    bucket: str
    key: str = ""

    @property
    def uri(self) -> str:
        return f"s3://{self.bucket}/{self.key}"

    @property
    def path(self) -> str:
        """``bucket/key``: the form s3fs and pyarrow take."""
        return f"{self.bucket}/{self.key}"

    @property
    def prefix(self) -> str:
        """The key as a folder prefix (``a/b/``), empty for the bucket itself."""
        return self.key if not self.key or self.key.endswith("/") else self.key + "/"

    def child(self, key: str) -> S3Location:
        return S3Location(self.bucket, key)


def parse_s3(path: str) -> S3Location:
    """``s3://bucket/key``, ``s3a://bucket/key`` or ``bucket/key``; other schemes refused."""
    raw = path.strip()
    if "://" in raw:
        scheme, _, raw = raw.partition("://")
        if scheme not in ("s3", "s3a", "s3n"):
            raise MasonUsageError(f"the s3 client cannot reach '{path}' ({scheme}:// path)")
    bucket, _, key = raw.lstrip("/").partition("/")
    if not _BUCKET.match(bucket or ""):
        raise MasonUsageError(f"'{path}' does not start with a valid S3 bucket name")
    return S3Location(bucket, key)


def is_data_key(relative_key: str) -> bool:
    """False when any part of the key below the table's prefix is hidden
    (``.x``, ``_x``), a marker, or a checksum file."""
    parts = [p for p in relative_key.split("/") if p]
    if not parts:
        return False
    if any(p.startswith((".", "_")) or p in _MARKERS for p in parts):
        return False
    return not parts[-1].endswith((".crc", "$folder$"))
