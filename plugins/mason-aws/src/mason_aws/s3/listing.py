"""Listing objects: a key itself, or everything under a prefix, page by page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mason_aws.errors import aws_errors, is_code
from mason_aws.s3.paths import S3Location, is_data_key


@dataclass(frozen=True)
class S3Object:
    key: str
    size: int
    #: the ETag S3 gave when the object was listed: a read that must see the same
    #: object asks for it (``If-Match``).
    etag: str | None = None


def head(s3: Any, client: str, loc: S3Location) -> S3Object | None:
    """The object at exactly ``loc``, or ``None`` when there is none."""
    if not loc.key or loc.key.endswith("/"):
        return None
    try:
        answer = s3.head_object(Bucket=loc.bucket, Key=loc.key)
    except Exception as exc:
        if is_code(exc, "404", "NoSuchKey", "NotFound"):
            return None
        with aws_errors(client, loc.uri):
            raise
    return S3Object(loc.key, int(answer.get("ContentLength", 0)), answer.get("ETag"))


def under(s3: Any, client: str, loc: S3Location, limit: int | None = None) -> list[S3Object]:
    """Every object below ``loc``'s prefix (``limit`` caps how many are fetched)."""
    found: list[S3Object] = []
    paginator = s3.get_paginator("list_objects_v2")
    pagination = {"PageSize": min(limit, 1000)} if limit else {}
    with aws_errors(client, loc.uri):
        for page in paginator.paginate(
            Bucket=loc.bucket, Prefix=loc.prefix, PaginationConfig=pagination
        ):
            for item in page.get("Contents", []):
                found.append(S3Object(item["Key"], int(item.get("Size", 0)), item.get("ETag")))
                if limit and len(found) >= limit:
                    return found
    return found


def objects(s3: Any, client: str, loc: S3Location) -> list[S3Object]:
    """``loc`` itself when it is an object, else the objects under it."""
    single = head(s3, client, loc)
    return [single] if single is not None else under(s3, client, loc)


def data_objects(s3: Any, client: str, loc: S3Location) -> list[S3Object]:
    """The data objects at ``loc``: hidden files, markers and staging areas left out."""
    return only_data(loc, objects(s3, client, loc))


def only_data(loc: S3Location, found: list[S3Object]) -> list[S3Object]:
    """The data objects among ``found`` (what :func:`objects` gave for ``loc``)."""
    if len(found) == 1 and found[0].key == loc.key:
        return found
    base = len(loc.prefix)
    return [o for o in found if is_data_key(o.key[base:])]


def children(s3: Any, client: str, loc: S3Location) -> tuple[list[str], list[S3Object]]:
    """Direct children of a prefix: sub-prefixes and objects."""
    prefixes: list[str] = []
    files: list[S3Object] = []
    paginator = s3.get_paginator("list_objects_v2")
    with aws_errors(client, loc.uri):
        for page in paginator.paginate(Bucket=loc.bucket, Prefix=loc.prefix, Delimiter="/"):
            prefixes.extend(p["Prefix"] for p in page.get("CommonPrefixes", []))
            files.extend(
                S3Object(item["Key"], int(item.get("Size", 0)), item.get("ETag"))
                for item in page.get("Contents", [])
                if item["Key"] != loc.prefix
            )
    return prefixes, files
