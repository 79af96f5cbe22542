"""A read-only pyarrow filesystem over S3 whose reads are verified.

Engines that read S3 through pyarrow (DuckDB in mason-local, for queries,
previews and jobs over ``s3://`` tables) get this filesystem rather than
pyarrow's own ``S3FileSystem``, which accepts whatever body an answer holds:
a proxy that cuts a ranged GET short made a query return a wrong sum with
exit code 0. Here:

- listing an object records its size and ETag (one ``ListObjectsV2`` per
  prefix, as :mod:`mason_aws.s3.listing` does everywhere else; hidden and
  staging keys are left out, as from every other listing);
- every read is a ranged GET (obstore, else boto3: :func:`read_range`) that
  asks for the listed ETag (``If-Match``) and checks it got exactly the bytes
  it asked for; anything else fails the read with one line naming the
  object, and no result is built from it;
- a folder listed for a plain read that holds a Delta table (a key under a
  ``_delta_log/``) fails the read in one line: its parquet objects include
  files the table has removed (:func:`mason_aws.s3.inference.delta_refusal`),
  whatever catalog registered the folder as plain files;
- the client's timeouts, attempts and credentials are the ones every other
  reader of the client uses (:mod:`mason_aws.session`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mason_aws.s3.inference import delta_refusal, delta_root_listed
from mason_aws.s3.listing import S3Object, head, under
from mason_aws.s3.paths import S3Location, is_data_key
from mason_aws.s3.readers import read_range

if TYPE_CHECKING:
    import pyarrow
    import pyarrow.fs

    from mason_aws.session import AwsSession


def verified_filesystem(aws: AwsSession) -> pyarrow.fs.PyFileSystem:
    """A pyarrow filesystem reading S3 with ``aws``'s settings, every read verified."""
    from pyarrow.fs import PyFileSystem

    return PyFileSystem(_handler_class()(aws))


class ObjectReader:
    """A seekable reader of one listed object; every read one verified ranged GET."""

    def __init__(self, aws: AwsSession, bucket: str, listed: S3Object) -> None:
        self.aws = aws
        self.bucket = bucket
        self.listed = listed
        self.position = 0
        self.closed = False

    def size(self) -> int:
        return self.listed.size

    def seek(self, offset: int, whence: int = 0) -> int:
        base = {0: 0, 1: self.position, 2: self.listed.size}[whence]
        self.position = max(0, base + offset)
        return self.position

    def tell(self) -> int:
        return self.position

    def read(self, nbytes: int | None = -1) -> bytes:
        end = self.listed.size if nbytes is None or nbytes < 0 else self.position + nbytes
        end = min(end, self.listed.size)
        data = read_range(
            self.aws, self.bucket, self.listed.key, self.position, end, self.listed.etag
        )
        self.position += len(data)
        return data

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def writable(self) -> bool:
        return False

    def close(self) -> None:
        self.closed = True


def _handler_class() -> type:
    from pyarrow.fs import FileInfo, FileSelector, FileSystemHandler, FileType

    class VerifiedS3Handler(FileSystemHandler):  # type: ignore[misc]
        def __init__(self, aws: AwsSession) -> None:
            self.aws = aws
            self.listed: dict[str, S3Object] = {}
            self._s3: Any = None

        @property
        def s3(self) -> Any:
            if self._s3 is None:
                self._s3 = self.aws.client("s3")
            return self._s3

        def get_type_name(self) -> str:
            return "mason-s3"

        def equals(self, other: Any) -> bool:
            return self is other

        def normalize_path(self, path: str) -> str:
            return path

        def _info(self, bucket: str, obj: S3Object) -> Any:
            self.listed[f"{bucket}/{obj.key}"] = obj
            return FileInfo(f"{bucket}/{obj.key}", FileType.File, size=obj.size)

        def get_file_info(self, paths: list[str]) -> list[Any]:
            out = []
            for path in paths:
                loc = _location(path)
                client = self.aws.client_name
                single = head(self.s3, client, loc) if loc.key else None
                if single is not None:
                    out.append(self._info(loc.bucket, single))
                elif not loc.key or under(self.s3, client, loc.child(loc.prefix), 1):
                    out.append(FileInfo(path.rstrip("/"), FileType.Directory))
                else:
                    out.append(FileInfo(path.rstrip("/"), FileType.NotFound))
            return out

        def get_file_info_selector(self, selector: FileSelector) -> list[Any]:
            loc = _location(selector.base_dir)
            folder = loc.child(loc.prefix)
            base = len(folder.prefix)
            listed = under(self.s3, self.aws.client_name, folder)
            root = delta_root_listed(loc.bucket, listed)
            if root is not None:
                raise delta_refusal(self.aws.client_name, folder.uri, root)
            found = [
                o
                for o in listed
                if is_data_key(o.key[base:])
                and (selector.recursive or "/" not in o.key[base:].strip("/"))
            ]
            if (
                not found
                and not selector.allow_not_found
                and not self.get_file_info([selector.base_dir])[0].type == FileType.Directory
            ):
                raise FileNotFoundError(selector.base_dir)
            found = [o for o in found if not o.key.endswith("/")]
            return [self._info(loc.bucket, o) for o in found]

        def open_input_file(self, path: str) -> Any:
            import pyarrow as pa

            listed = self.listed.get(path)
            loc = _location(path)
            if listed is None:
                listed = head(self.s3, self.aws.client_name, loc)
                if listed is None:
                    raise FileNotFoundError(path)
                self.listed[path] = listed
            return pa.PythonFile(ObjectReader(self.aws, loc.bucket, listed), mode="r")

        def open_input_stream(self, path: str) -> Any:
            return self.open_input_file(path)

        def _read_only(self, *args: Any, **kwargs: Any) -> Any:
            raise PermissionError("Mason's S3 filesystem for engines is read-only")

        create_dir = delete_dir = delete_dir_contents = delete_root_dir_contents = _read_only
        delete_file = move = copy_file = _read_only
        open_output_stream = open_append_stream = _read_only

    return VerifiedS3Handler


def _location(path: str) -> S3Location:
    bucket, _, key = path.lstrip("/").partition("/")
    return S3Location(bucket, key)
