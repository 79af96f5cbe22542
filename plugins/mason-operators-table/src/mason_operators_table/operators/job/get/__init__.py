"""``job get``: a job's record. Fetching a failed job's record succeeds; the
failure is reported as a warning, since the lookup itself went fine."""

from __future__ import annotations

from mason import OperatorContext, OperatorDefinition, models
from mason_operators_table.jobs import describe_job


class JobGet(OperatorDefinition):
    def run(self, ctx: OperatorContext) -> models.ExecutedJob:
        job = ctx.execution.get_job(ctx.params["job_id"])
        if job.status.unsuccessful:
            ctx.warn(describe_job(job))
        else:
            ctx.info(describe_job(job))
        return job
