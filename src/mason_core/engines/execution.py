"""The execution engine: run jobs and report on them.

``run_job`` is a template every execution client shares: it refuses a kind
the client does not declare in ``JOB_KINDS``, records the job (running, then
succeeded, failed or cancelled) in the client's :class:`JobStore`, and hands
the work to the client's :meth:`ExecutionEngine.submit`. A job that goes on
without this process (Athena, a detached Spark driver) is brought up to date
by the client's :meth:`ExecutionEngine.poll` whenever its record is read.
A failing job gives a failed record, not an exception: the operator decides
what a failure means for its response.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from functools import cached_property
from typing import ClassVar

from mason_core.engines.base import Engine
from mason_core.errors import MasonError, NotFoundError, UnsupportedConfigurationError
from mason_core.interrupts import interruption
from mason_core.jobrecords import JobRecord, JobStore, utcnow
from mason_core.machine import describe
from mason_core.messages import one_line
from mason_core.models import ExecutedJob, Job, JobOutcome, JobStatus


class ExecutionEngine(Engine):
    _is_interface: ClassVar[bool] = True
    engine_type = "execution"
    VERBS = ("run_job", "get_job", "list_jobs")

    #: job kinds this client can run (``query``, ``merge``...); checked before a run.
    JOB_KINDS: ClassVar[tuple[str, ...]] = ()
    #: table formats (``iceberg``...) whose tables this client's jobs can read;
    #: operators refuse a job reading a table of another table format before it
    #: runs, rather than let the client read its folder as plain files.
    TABLE_FORMATS: ClassVar[tuple[str, ...]] = ()

    # -- what a client implements ------------------------------------------------

    def submit(self, job: Job, record: JobRecord) -> JobOutcome | None:
        """Do ``job`` (its record is saved, ``running``) and return what it produced.

        Raise to fail it: the error's message, on one line with secrets
        scrubbed, becomes the record's. Return ``None`` when the job goes on
        elsewhere: leave ``record.status`` unfinished and put in
        ``record.handle`` what :meth:`poll` needs to follow it (or set a
        finished status, times and error yourself, as a driver reported them).
        """
        self.not_served("run_job")

    def poll(self, record: JobRecord) -> JobOutcome | None:
        """Bring a detached job's ``record`` up to date, as :meth:`submit` does:
        an outcome once it succeeded, else ``None`` with the status it has now.
        An exception here fails the look-up, not the job."""
        return None

    def check_job(self, job: Job) -> None:
        """Refuse ``job`` before anything is recorded or started: raise a usage
        error (exit code 2), for example for an output the overwrite rules
        refuse. By default every job of a declared kind is accepted."""
        return None

    def find_job(self, job_id: str) -> ExecutedJob:
        """A job Mason has no record of, from the engine itself (Athena knows every
        query it ran); by default, not found."""
        raise self.jobs._not_found(job_id)

    # -- the template --------------------------------------------------------------

    @cached_property
    def jobs(self) -> JobStore:
        return JobStore(self.context.home, self.client_name)

    def check_kind(self, job: Job) -> None:
        if job.kind not in self.JOB_KINDS:
            raise UnsupportedConfigurationError(
                f"client '{self.client_name}' does not run {job.kind} jobs "
                f"(it runs: {', '.join(self.JOB_KINDS) or 'none'})"
            )

    def run_job(self, job: Job) -> ExecutedJob:
        """Run ``job``; return its record (finished, or running when it goes on elsewhere)."""
        self.check_kind(job)
        self.check_job(job)
        record = self.jobs.new(job.kind, output=_output(job))
        keep: Callable[[JobRecord], None] = self.jobs.save
        try:
            keep = self._first_save(record)
            self._settle(record, self.submit(job, record))
            keep(record)
        except BaseException as exc:
            # Ctrl-C or SIGTERM (made an exception by the CLI), even when an
            # engine turned it into an error of its own on the way; whenever
            # it comes, the record is saved as the job ended
            stopped = interruption() if isinstance(exc, Exception) else exc
            if stopped is None:
                message = exc.message if isinstance(exc, MasonError) else describe(exc)
                self._end(record, JobStatus.FAILED, message)
                keep(record)
                return record.executed()
            if not record.status.finished:  # else it ended just before the signal
                self._end(record, JobStatus.CANCELLED, f"cancelled: {_reason(stopped)}")
            keep(record)
            if stopped is exc:
                raise
            raise stopped from exc
        return record.executed()

    def _first_save(self, record: JobRecord) -> Callable[[JobRecord], None]:
        """Save the new record; return how to save it from now on. A job that
        stays in this process still runs when MASON_HOME is read-only for this
        user (a shared home): it is then not recorded, and says so in the log."""
        try:
            self.jobs.save(record)
        except PermissionError as exc:
            if not self.in_process:
                raise
            self.context.logger.warning(
                "job %s is not recorded: %s is read-only for this user (%s)",
                record.id,
                self.jobs.root,
                exc.strerror,
            )
            return lambda record: None
        return self.jobs.save

    #: whether jobs run to their end inside run_job (no detached driver to follow
    #: later), so that one can run unrecorded in a read-only MASON_HOME.
    in_process: ClassVar[bool] = False

    def get_job(self, job_id: str) -> ExecutedJob:
        try:
            record = self.jobs.load(job_id)
        except NotFoundError:
            return self.find_job(job_id)
        return self._refreshed(record).executed()

    def list_jobs(self, limit: int = 50) -> list[ExecutedJob]:
        return [self._refreshed(record).executed() for record in self.jobs.list(limit)]

    @classmethod
    def served_verbs(cls) -> list[str]:
        """A client implementing :meth:`submit` serves all three verbs."""
        served = super().served_verbs()
        if inspect.getattr_static(cls, "submit") is ExecutionEngine.__dict__["submit"]:
            return served
        return [*ExecutionEngine.VERBS, *(v for v in served if v not in ExecutionEngine.VERBS)]

    def _refreshed(self, record: JobRecord) -> JobRecord:
        if record.status.finished:
            return record
        if not record.detached:
            return record.settle_if_orphaned()
        outcome = self.poll(record)
        self._settle(record, outcome)
        self.jobs.save(record)
        return record

    def _settle(self, record: JobRecord, outcome: JobOutcome | None) -> None:
        """Take in what submit or poll gave back."""
        if outcome is not None:
            record.status, record.outcome, record.error = JobStatus.SUCCEEDED, outcome, None
        if not record.status.finished:
            record.detached = True
            return
        record.finished_at = record.finished_at or utcnow()
        if record.error:
            record.error = one_line(record.error)
        elif record.status.unsuccessful:
            record.error = f"the job {record.status.value}"

    def _end(self, record: JobRecord, status: JobStatus, message: str) -> None:
        self.context.logger.debug(
            "%s job %s %s", self.client_name, record.id, status.value, exc_info=True
        )
        record.status, record.error, record.finished_at = status, one_line(message), utcnow()


def _reason(exc: BaseException) -> str:
    return str(exc) or ("interrupted" if isinstance(exc, KeyboardInterrupt) else type(exc).__name__)


def _output(job: Job) -> str | None:
    """Where a job's output goes, known before it runs."""
    output = getattr(job, "output_path", None)
    return str(output) if output else None
