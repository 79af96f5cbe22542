"""Checks made before any Spark work, so a doomed job fails in milliseconds."""

from __future__ import annotations

from mason.sdk.errors import MasonUsageError
from mason_spark.jobs.fs import HadoopFS
from mason_spark.jobs.staging import check_target


def check_output(fs: HadoopFS, source: str, target: str, overwrite: bool) -> None:
    """Refuse an output that is, holds or sits inside its input (replacing it
    would destroy the input), or that exists when ``overwrite`` is not set."""
    src = fs.qualify(source).rstrip("/")
    dst = fs.qualify(target).rstrip("/")
    if src == dst or dst.startswith(src + "/") or src.startswith(dst + "/"):
        raise MasonUsageError(f"output {dst} overlaps the input {src}; write it somewhere else")
    check_target(fs, dst, overwrite)
