"""A job's output (and a merge's input) checked before the job is recorded.

An output that may not be written (outside the root, over an input, over
something that is not a previous output) is the caller's mistake: it is
refused here with exit code 2, before a job record exists, rather than
reported as a failed job. The runners check again when they write.
"""

from __future__ import annotations

from contextlib import suppress
from pathlib import Path

from mason.sdk.errors import AlreadyExistsError, MasonRuntimeError
from mason.sdk.models import DedupeJob, FormatJob, Job, MergeJob, QueryJob
from mason_local.config import LocalClientConfig
from mason_local.paths import confinement_root, data_files, resolve_anywhere, resolve_local
from mason_local.staging import Replaceable, check_target


def check_job_output(job: Job, config: LocalClientConfig, home: Path) -> None:
    """Raise the usage error ``job``'s output would meet, if any."""
    inputs: list[str | None]
    if isinstance(job, MergeJob):
        output, fmt, inputs = job.output_path, job.format, [job.input_path]
    elif isinstance(job, (FormatJob, DedupeJob)):
        output, fmt, inputs = job.output_path, job.format, [job.table.location]
    elif isinstance(job, QueryJob) and job.output_path:
        output, fmt = job.output_path, job.output_format
        inputs = [t.location for t in job.tables]
    else:
        return
    target = resolve_local(output, config.root)
    sources = tuple(resolve_anywhere(i, config.root) for i in inputs if i)
    root = confinement_root(config.root)
    rules = Replaceable.of_format(fmt, sources, root, home)
    with suppress(AlreadyExistsError):  # not a usage error: the job reports it, as it ran
        check_target(target, job.overwrite, rules)
    if isinstance(job, MergeJob) and root is not None:
        # a symlink leading out of the root is the caller's mistake too
        with suppress(MasonRuntimeError):  # a missing input: the job reports it
            data_files(resolve_local(job.input_path, config.root), root)
