"""A job's local output checked on this side, before the job is submitted.

When the output is a path on this machine (no scheme, or ``file:``), what an
overwrite may replace (:mod:`mason.sdk.outputs`) is decided here, so a
refusal is the caller's mistake (exit code 2) instead of a failed job. The
driver checks again, through its Hadoop file system, whatever the scheme.
"""

from __future__ import annotations

from pathlib import Path

from mason.sdk.models import DedupeJob, FormatJob, Job, MergeJob, QueryJob
from mason.sdk.outputs import check_local_overwrite, check_not_input, extensions_for
from mason.sdk.state import absolute_path


def _local(path: str | None) -> Path | None:
    if not path:
        return None
    if path.startswith("file:"):
        path = "/" + path[len("file:") :].lstrip("/")
    elif "://" in path or ":/" in path.split("/", 1)[0]:
        return None
    return absolute_path(path)


def check_local_output(job: Job, home: Path) -> None:
    """Raise the usage error ``job``'s local output would meet, if any."""
    inputs: list[str | None]
    if isinstance(job, MergeJob):
        output, fmt, inputs = job.output_path, job.format, [job.input_path]
    elif isinstance(job, (FormatJob, DedupeJob)):
        output, fmt, inputs = job.output_path, job.format, [job.table.location]
    elif isinstance(job, QueryJob) and job.output_path:
        output, fmt, inputs = job.output_path, job.output_format, [t.location for t in job.tables]
    else:
        return
    target = _local(output)
    if target is None:
        return
    sources = [p for p in (_local(i) for i in inputs) if p is not None]
    if job.overwrite and (target.exists() or target.is_symlink()):
        check_local_overwrite(target, extensions_for(fmt), fmt, inputs=sources, home=home)
    else:
        check_not_input(str(target), [str(s) for s in sources])
