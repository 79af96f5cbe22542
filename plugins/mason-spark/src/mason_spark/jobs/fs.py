"""File operations through the driver's Hadoop FileSystem.

The driver may run beside mason, on a standalone cluster or in a Kubernetes
pod; whatever the path scheme (``file:``, ``hdfs:``, ``s3a:``), the Hadoop
FileSystem that Spark itself writes with is the one view of storage that is
right in every case.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pyspark.sql import SparkSession


def _hidden(name: str) -> bool:
    """Spark and Hadoop skip ``_SUCCESS``, ``.crc`` and staging entries; so do we."""
    return name.startswith((".", "_"))


@dataclass
class FileInfo:
    path: str
    #: the path below the listed root, ``/``-separated.
    relative: str
    size: int


class HadoopFS:
    def __init__(self, spark: SparkSession) -> None:
        jvm: Any = spark._jvm  # the py4j gateway of a classic (non-Connect) session
        self._jvm = jvm
        self._conf = spark._jsc.hadoopConfiguration()  # type: ignore[union-attr]

    def _path(self, path: str) -> tuple[Any, Any]:
        jpath = self._jvm.org.apache.hadoop.fs.Path(path)
        return jpath, jpath.getFileSystem(self._conf)

    def qualify(self, path: str) -> str:
        """The fully qualified form (``file:/abs/path``) Spark reports and accepts."""
        jpath, fs = self._path(path)
        return str(fs.makeQualified(jpath).toString())

    def exists(self, path: str) -> bool:
        jpath, fs = self._path(path)
        return bool(fs.exists(jpath))

    def is_dir(self, path: str) -> bool:
        jpath, fs = self._path(path)
        return bool(fs.exists(jpath) and fs.getFileStatus(jpath).isDirectory())

    def delete(self, path: str) -> None:
        jpath, fs = self._path(path)
        fs.delete(jpath, True)

    def mkdirs(self, path: str) -> None:
        jpath, fs = self._path(path)
        fs.mkdirs(jpath)

    def rename(self, source: str, target: str) -> None:
        src, fs = self._path(source)
        dst, _ = self._path(target)
        if not fs.rename(src, dst):
            raise OSError(f"could not rename {source} to {target}")

    def protected(self, path: str) -> list[tuple[str, str]]:
        """The places of ``path``'s file system no output may replace or hold:
        its root (a bucket, on object stores), its working and home directories."""
        _jpath, fs = self._path(path)
        root = str(fs.makeQualified(self._jvm.org.apache.hadoop.fs.Path("/")).toString())
        scheme = root.split(":", 1)[0]
        places = [(root, "a bucket root" if scheme.startswith("s3") else "the filesystem root")]
        places.append((str(fs.getWorkingDirectory().toString()), "the working directory"))
        places.append((str(fs.getHomeDirectory().toString()), "a home directory"))
        return places

    def is_file(self, path: str) -> bool:
        jpath, fs = self._path(path)
        return bool(fs.exists(jpath) and fs.getFileStatus(jpath).isFile())

    def all_files(self, root: str) -> Iterator[str]:
        """Relative paths of every file under the folder ``root``, hidden ones too."""
        jroot, fs = self._path(root)
        base = str(fs.makeQualified(jroot).toString()).rstrip("/")
        files = fs.listFiles(jroot, True)
        while files.hasNext():
            yield str(files.next().getPath().toString())[len(base) :].lstrip("/")

    def create_new(self, path: str) -> bool:
        """Create the empty file ``path`` unless it exists; ``False`` when it did."""
        jpath, fs = self._path(path)
        try:
            fs.create(jpath, False).close()
        except Exception as exc:  # py4j wraps FileAlreadyExistsException
            if "FileAlreadyExists" in str(exc) or fs.exists(jpath):
                return False
            raise
        return True

    def write_text(self, path: str, text: str) -> None:
        """Create or replace the file ``path`` with ``text`` (UTF-8)."""
        jpath, fs = self._path(path)
        stream = fs.create(jpath, True)
        try:
            stream.write(bytearray(text.encode("utf-8")))
        finally:
            stream.close()

    def list_files(self, root: str) -> list[FileInfo]:
        """Data files under ``root`` (a file or folder), recursively, in path order,
        skipping hidden names at any depth."""
        jroot, fs = self._path(root)
        if not fs.exists(jroot):
            return []
        status = fs.getFileStatus(jroot)
        base = str(fs.makeQualified(jroot).toString()).rstrip("/")
        if status.isFile():
            return [FileInfo(base, base.rsplit("/", 1)[-1], int(status.getLen()))]
        found = []
        files = fs.listFiles(jroot, True)
        while files.hasNext():
            entry = files.next()
            path = str(entry.getPath().toString())
            relative = path[len(base) :].lstrip("/")
            if any(_hidden(part) for part in relative.split("/")):
                continue
            found.append(FileInfo(path, relative, int(entry.getLen())))
        return sorted(found, key=lambda f: f.path)

    def first_line(self, path: str) -> str:
        """The first line of a (possibly compressed) text file; ``""`` when empty."""
        jvm = self._jvm
        jpath, fs = self._path(path)
        stream = fs.open(jpath)
        codec = jvm.org.apache.hadoop.io.compress.CompressionCodecFactory(self._conf).getCodec(
            jpath
        )
        if codec is not None:
            stream = codec.createInputStream(stream)
        reader = jvm.java.io.BufferedReader(jvm.java.io.InputStreamReader(stream, "UTF-8"))
        try:
            line = reader.readLine()
        finally:
            reader.close()
        return "" if line is None else str(line).lstrip("\ufeff")
