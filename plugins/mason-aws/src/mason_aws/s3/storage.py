"""S3 as a storage engine: objects listed, opened, inferred, written and deleted.

A path is ``s3://bucket/key`` or ``bucket/key``; a key ending in ``/`` (or
one with objects below it) is a folder. Writes of many objects are staged
(see :mod:`mason_aws.s3.staging`) so a failure leaves nothing at the output.
"""

from __future__ import annotations

import os
from functools import cached_property
from pathlib import Path
from typing import IO, Any, NoReturn

from mason.sdk.engines import EngineContext, RemoteFilesystem, StorageEngine
from mason.sdk.errors import MasonUsageError, NotFoundError
from mason.sdk.models import InferredTable, StoragePath
from mason_aws.config import S3ClientConfig
from mason_aws.errors import aws_errors, is_code
from mason_aws.s3.listing import children, data_objects, head, under
from mason_aws.s3.paths import S3Location, parse_s3
from mason_aws.s3.staging import (
    Replaceable,
    check_target,
    delete_keys,
    staged_prefix,
    upload_tree,
)
from mason_aws.session import AwsSession


class S3Storage(StorageEngine):
    config: S3ClientConfig

    def __init__(self, config: S3ClientConfig, context: EngineContext) -> None:
        super().__init__(config, context)
        self.aws = AwsSession(config, context.client, max_pool=config.infer_workers)

    @cached_property
    def s3(self) -> Any:
        return self.aws.client("s3")

    def arrow_filesystem(self, uri: str) -> RemoteFilesystem | None:
        """``s3://`` (and Hadoop's ``s3a://``/``s3n://``) URIs through a pyarrow
        filesystem with this client's settings whose every read is verified
        (:mod:`mason_aws.s3.arrowfs`), and the same settings as delta-rs's
        ``storage_options`` (:meth:`AwsSession.object_store_options`); see
        mason.sdk.engines.ArrowFilesystemSource."""
        scheme, sep, rest = uri.partition("://")
        if not sep or scheme not in ("s3", "s3a", "s3n"):
            return None
        path = parse_s3(f"s3://{rest}").path.rstrip("/")
        from mason_aws.s3.arrowfs import verified_filesystem

        return RemoteFilesystem(
            verified_filesystem(self.aws),
            path,
            self.client_name,
            storage_options=self.aws.object_store_options,
        )

    # -- paths ------------------------------------------------------------------------

    def resolve_path(self, path: str) -> StoragePath:
        return StoragePath(protocol="s3", path=parse_s3(path).path)

    def table_path(self, database_name: str, table_name: str) -> StoragePath:
        """By the original convention the database is the bucket, the table a prefix."""
        loc = parse_s3(f"{database_name}/{table_name.strip('/')}/")
        return StoragePath(protocol="s3", path=loc.path, is_dir=True)

    def exists(self, path: str) -> bool:
        loc = parse_s3(path)
        if not loc.key:
            return self._bucket_exists(loc)
        return bool(
            head(self.s3, self.client_name, loc) or under(self.s3, self.client_name, loc, 1)
        )

    # -- reading ----------------------------------------------------------------------

    def open(self, path: str, mode: str = "rb") -> IO[bytes]:
        """A seekable reader doing ranged GETs (s3fs); writing goes through :meth:`save`."""
        if mode not in ("rb", "r"):
            raise MasonUsageError(
                f"s3 storage opens objects for reading only (mode '{mode}'); use save to write"
            )
        loc = parse_s3(path)
        with aws_errors(self.client_name, loc.uri):
            handle: IO[bytes] = self.aws.s3fs.open(loc.path, "rb")
        return handle

    def list_path(self, path: str) -> list[StoragePath]:
        loc = parse_s3(path)
        single = head(self.s3, self.client_name, loc)
        if single is not None:
            return [self._file(loc.bucket, single.key, single.size)]
        prefixes, files = children(self.s3, self.client_name, loc)
        if not prefixes and not files:
            self.missing(loc)
        out = [StoragePath(protocol="s3", path=f"{loc.bucket}/{p}", is_dir=True) for p in prefixes]
        out += [self._file(loc.bucket, f.key, f.size) for f in files]
        return sorted(out, key=lambda p: p.path)

    def expand_path(self, path: str) -> list[StoragePath]:
        loc = parse_s3(path)
        found = data_objects(self.s3, self.client_name, loc)
        if not found:
            self.missing(loc)
        return [self._file(loc.bucket, o.key, o.size) for o in found]

    def infer_table(
        self, path: str, database_name: str, table_name: str | None = None
    ) -> InferredTable:
        from mason_aws.s3.inference import infer_s3

        return infer_s3(self, parse_s3(path), database_name, table_name)

    # -- writing ----------------------------------------------------------------------

    def save(self, local_path: str, destination: str, overwrite: bool = False) -> StoragePath:
        """Upload a local file (one atomic PUT or multipart upload) or a folder (staged)."""
        source = Path(local_path).expanduser().resolve()
        if not source.exists():
            raise NotFoundError(f"path {source} does not exist")
        target = parse_s3(destination)
        if source.is_file():
            if not target.key or target.key.endswith("/"):
                target = target.child(target.prefix + source.name)
            rules = Replaceable.of_keys([source.name])
            check_target(self.s3, self.client_name, target, overwrite, rules)
            upload_tree(self.s3, self.client_name, [(str(source), target.key)], target.bucket, 1)
            return self._file(target.bucket, target.key, source.stat().st_size)
        files = _local_files(source)
        rules = Replaceable.of_keys([f.name for f in files])
        with staged_prefix(
            self.s3, self.client_name, target, overwrite, self._staging, rules
        ) as stage:
            pairs = [(str(f), stage.prefix + f.relative_to(source).as_posix()) for f in files]
            upload_tree(self.s3, self.client_name, pairs, stage.bucket, self.config.infer_workers)
        return StoragePath(protocol="s3", path=f"{target.bucket}/{target.prefix}", is_dir=True)

    def copy(self, source: str, destination: str, overwrite: bool = False) -> StoragePath:
        src, target = parse_s3(source), parse_s3(destination)
        single = head(self.s3, self.client_name, src)
        if single is not None:
            if not target.key or target.key.endswith("/"):
                target = target.child(target.prefix + src.key.rpartition("/")[2])
            rules = Replaceable.of_keys([src.key], [src.uri])
            check_target(self.s3, self.client_name, target, overwrite, rules)
            with aws_errors(self.client_name, target.uri):
                self.s3.copy({"Bucket": src.bucket, "Key": src.key}, target.bucket, target.key)
            return self._file(target.bucket, target.key, single.size)
        found = data_objects(self.s3, self.client_name, src)
        if not found:
            self.missing(src)
        rules = Replaceable.of_keys([o.key for o in found], [src.uri])
        with staged_prefix(
            self.s3, self.client_name, target, overwrite, self._staging, rules
        ) as stage:
            for obj in found:
                key = stage.prefix + obj.key[len(src.prefix) :]
                with aws_errors(self.client_name, f"s3://{stage.bucket}/{key}"):
                    self.s3.copy({"Bucket": src.bucket, "Key": obj.key}, stage.bucket, key)
        return StoragePath(protocol="s3", path=f"{target.bucket}/{target.prefix}", is_dir=True)

    def delete(self, path: str, recursive: bool = False) -> None:
        loc = parse_s3(path)
        if not loc.key:
            raise MasonUsageError(f"refusing to delete the whole bucket {loc.bucket}")
        single = head(self.s3, self.client_name, loc)
        if single is not None:
            delete_keys(self.s3, self.client_name, loc.bucket, [single.key])
            return
        found = under(self.s3, self.client_name, loc)
        if not found:
            self.missing(loc)
        if not recursive:
            raise MasonUsageError(f"'{loc.uri}' is a folder; pass recursive to delete it")
        delete_keys(self.s3, self.client_name, loc.bucket, [o.key for o in found])

    # -- helpers ----------------------------------------------------------------------

    @property
    def _staging(self) -> str:
        return self.config.staging_prefix

    def _file(self, bucket: str, key: str, size: int) -> StoragePath:
        return StoragePath(protocol="s3", path=f"{bucket}/{key}", size_bytes=size)

    def _bucket_exists(self, loc: S3Location) -> bool:
        try:
            self.s3.head_bucket(Bucket=loc.bucket)
        except Exception as exc:
            if is_code(exc, "404", "NoSuchBucket", "NotFound"):
                return False
            with aws_errors(self.client_name, f"bucket {loc.bucket}"):
                raise
        return True

    def missing(self, loc: S3Location) -> NoReturn:
        """Raise the right not-found error: no bucket, or nothing at the key."""
        if not self._bucket_exists(loc):
            raise NotFoundError(f"{self.client_name}: bucket {loc.bucket} not found")
        raise NotFoundError(f"{self.client_name}: nothing at {loc.uri}")


def _local_files(source: Path) -> list[Path]:
    files: list[Path] = []
    for folder, dirs, names in os.walk(source):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".mason-"))
        files.extend(Path(folder) / n for n in sorted(names))
    if not files:
        raise NotFoundError(f"folder {source} holds no files")
    return files
