"""Checks made before any Spark work, so a doomed job fails in milliseconds."""

from __future__ import annotations

from mason_spark.jobs.fs import HadoopFS
from mason_spark.jobs.staging import check_target


def check_output(fs: HadoopFS, source: str, target: str, overwrite: bool, fmt: str) -> None:
    """Refuse an output that is, holds or sits inside its input (replacing it
    would destroy the input), that exists when ``overwrite`` is not set, or that
    is not a previous ``fmt`` output when it is (see :mod:`mason.sdk.outputs`)."""
    src = fs.qualify(source).rstrip("/")
    dst = fs.qualify(target).rstrip("/")
    check_target(fs, dst, overwrite, fmt, [src])
