"""A job's output checked before the job is recorded.

An output that may not be written (outside the root, over an input, over
something that is not a previous output) is the caller's mistake: it is
refused here with exit code 2, before a job record exists, rather than
reported as a failed job. The runners check again when they write.
"""

from __future__ import annotations

from contextlib import suppress
from pathlib import Path

from mason.sdk.errors import AlreadyExistsError
from mason.sdk.models import DedupeJob, FormatJob, Job, MergeJob, QueryJob
from mason_local.config import LocalClientConfig
from mason_local.paths import confinement_root, resolve_anywhere, resolve_local
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
    rules = Replaceable.of_format(fmt, sources, confinement_root(config.root), home)
    with suppress(AlreadyExistsError):  # not a usage error: the job reports it, as it ran
        check_target(target, job.overwrite, rules)
