"""Job runners of the local execution engine, one module per job kind."""

from __future__ import annotations

#: job kind -> ``module:function`` taking ``(job, JobRun)`` and returning ``JobOutcome``.
RUNNERS: dict[str, str] = {
    "query": "mason_local.jobs.query:run_query",
    "preview": "mason_local.jobs.preview:run_preview",
    "merge": "mason_local.jobs.merge:run_merge",
    "format": "mason_local.jobs.format:run_format",
    "summarize": "mason_local.jobs.summarize:run_summarize",
    "dedupe": "mason_local.jobs.dedupe:run_dedupe",
}
