"""For execution-client authors: job records and the one job-id scheme.

:class:`mason.sdk.engines.ExecutionEngine` keeps a client's records through
:class:`JobStore` (``self.jobs``): its ``run_job`` template checks the kinds
the client declares, records the job and calls the client's ``submit`` (and
``poll`` for a job that goes on elsewhere). A client reads and writes
:class:`JobRecord` fields there: ``handle`` (what it needs to poll or cancel),
``metrics``, and times its engine knows better. :func:`process_alive` tells a
driver process that still runs from one that ended; keep
:func:`process_started` beside a pid you record, and :func:`same_process`
also tells it from a newer process the system gave the same pid. Work that
blocks the main thread in native code runs under :func:`interruptible`, so
that Ctrl-C and SIGTERM stop it (the job is then recorded ``cancelled``).
"""

from mason_core.interrupts import interruptible
from mason_core.jobrecords import JobRecord, JobStore, new_job_id
from mason_core.models.job import JobOutcome, JobStatus
from mason_core.processes import process_alive, process_started, same_process

__all__ = [
    "JobOutcome",
    "JobRecord",
    "JobStatus",
    "JobStore",
    "interruptible",
    "new_job_id",
    "process_alive",
    "process_started",
    "same_process",
]
