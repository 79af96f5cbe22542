"""Turning an executed job's record into an operator outcome.

A failed job is an operator failure (exit 1) whose message carries the job id,
so ``job get`` can fetch the full record afterwards.
"""

from __future__ import annotations

from mason import MasonRuntimeError, OperatorContext, models


def job_outcome(ctx: OperatorContext, job: models.ExecutedJob) -> models.ExecutedJob:
    """Return ``job`` with an info line on success or while it runs; raise if it failed."""
    if job.status.unsuccessful:
        reason = job.error or "no error reported"
        raise MasonRuntimeError(f"{job.kind} job {job.id} {job.status.value}: {reason}")
    ctx.info(describe_job(job))
    return job


def describe_job(job: models.ExecutedJob) -> str:
    """``query job abc succeeded in 0.12s: 3 rows, written to /out``; when
    the query's WHERE pruned Iceberg data files, how many were read of all."""
    text = f"{job.kind} job {job.id} {job.status.value}"
    if job.duration_seconds is not None:
        text += f" in {job.duration_seconds:.2f}s"
    details = []
    if job.row_count is not None:
        details.append(f"{job.row_count} row{'s' if job.row_count != 1 else ''}")
    if job.result_location:
        details.append(f"written to {job.result_location}")
    planned = job.metrics.get("iceberg_files_planned")
    pruned = job.metrics.get("iceberg_files_pruned")
    if isinstance(planned, int) and isinstance(pruned, int) and pruned:
        details.append(
            f"read {planned} of {planned + pruned} Iceberg data files "
            f"({pruned} pruned by the query's WHERE)"
        )
    if job.status.unsuccessful and job.error:
        details.append(f"error: {job.error}")
    if not job.status.finished:
        details.append(f"check on it with 'job get -p job_id:{job.id}'")
    return f"{text}: {', '.join(details)}" if details else text
