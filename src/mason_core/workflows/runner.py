"""Running a validated workflow in this process: the local scheduler's engine.

Independent steps run in parallel on a bounded thread pool. A step is retried
per its retry policy when its operator fails at run time (exit code 1; bad
input is not retried). A failed step marks its dependents skipped while other
branches go on. The run record is saved when the run starts, at most every
``checkpoint_seconds`` while it runs (a change inside that window is saved by a
checkpoint thread when it closes, so a killed run's record shows where it
was), and when it ends.
"""

from __future__ import annotations

import os
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from mason_core.errors import MasonError, MasonUsageError
from mason_core.machine import describe
from mason_core.processes import process_started
from mason_core.response import Response
from mason_core.secrets import scrub
from mason_core.workflows.definition import (
    ExecutedStep,
    FailedStep,
    PlannedStep,
    SkippedStep,
    WorkflowDefinition,
)
from mason_core.workflows.plan import WorkflowPlan, scrub_value
from mason_core.workflows.records import (
    RunRecord,
    RunStore,
    StepRecord,
    StepStatus,
    new_run_id,
    utcnow,
)

DEFAULT_PARALLEL = 4
PARALLEL_ENV = "MASON_WORKFLOW_PARALLEL"


class RunListener(Protocol):
    """Told about every change of a run (``step`` is ``None`` for the run itself).

    Called with the runner's lock held, possibly from worker threads: keep it quick.
    """

    def update(self, run: RunRecord, step: StepRecord | None) -> None: ...


def default_parallel() -> int:
    raw = os.environ.get(PARALLEL_ENV, "").strip()
    if not raw:
        return DEFAULT_PARALLEL
    if not raw.isdigit() or int(raw) < 1:
        raise MasonUsageError(f"{PARALLEL_ENV} must be a positive whole number, got '{raw}'")
    return int(raw)


@dataclass
class RunOptions:
    #: steps running at once; default MASON_WORKFLOW_PARALLEL or 4.
    parallel: int | None = None
    #: how the runner waits between attempts (tests pass a recorder).
    sleep: Callable[[float], None] = time.sleep
    listener: RunListener | None = None
    #: an earlier run of the same workflow whose succeeded steps are reused.
    resume: RunRecord | None = None
    checkpoint_seconds: float = 1.0
    #: how often a run on a scheduler that runs it elsewhere is polled.
    poll_seconds: float = 1.0
    run_id: str | None = None

    def workers(self) -> int:
        n = self.parallel if self.parallel is not None else default_parallel()
        if n < 1:
            raise MasonUsageError(f"parallel must be 1 or more, got {n}")
        return n


@dataclass
class _Outcome:
    response: Response | None
    output: dict[str, Any] | None
    attempts: int
    started_at: datetime
    finished_at: datetime
    error: str | None = None


@dataclass
class _Progress:
    waiting: dict[str, set[str]] = field(default_factory=dict)
    ready: deque[str] = field(default_factory=deque)


class WorkflowRunner:
    def __init__(self, plan: WorkflowPlan, options: RunOptions | None = None) -> None:
        self.plan = plan
        self.options = options or RunOptions()
        self.parallel = self.options.workers()
        self.store = RunStore(plan.session.home)
        self._lock = threading.RLock()
        self._last_save = 0.0
        self._dirty = False
        self._stop_checkpoints = threading.Event()
        resume = self.options.resume
        if resume is not None and resume.workflow != plan.spec.full_name:
            raise MasonUsageError(
                f"run '{resume.run_id}' is of workflow '{resume.workflow}', "
                f"not '{plan.spec.full_name}'"
            )
        self.record = RunRecord(
            run_id=self.options.run_id or new_run_id(),
            workflow=plan.spec.full_name,
            namespace=plan.spec.namespace,
            command=plan.spec.command,
            dag_name=plan.spec.dag_name,
            scheduler=plan.scheduler,
            config_id=plan.config.id,
            parallel=self.parallel,
            resumed_from=resume.run_id if resume else None,
            pid_started=process_started(os.getpid()),
            steps=[
                StepRecord(
                    id=s.id,
                    operator=s.operator.name,
                    config_id=s.config.id,
                    dependencies=s.dependencies,
                    parameters=s.redacted_parameters(),
                )
                for s in plan.steps.values()
            ],
        )
        self._steps = {s.id: s for s in self.record.steps}
        self.outputs: dict[str, dict[str, Any]] = {}

    # -- bookkeeping (always under the lock) ----------------------------------------------

    def _changed(self, step: StepRecord | None, force_save: bool = False) -> None:
        if self.options.listener is not None:
            self.options.listener.update(self.record, step)
        now = time.monotonic()
        if force_save or now - self._last_save >= self.options.checkpoint_seconds:
            self.store.save(self.record)
            self._last_save = now
            self._dirty = False
        else:
            self._dirty = True

    def _checkpoints(self) -> None:
        """Save changes that arrived inside a checkpoint window once it closes."""
        while not self._stop_checkpoints.wait(self.options.checkpoint_seconds):
            with self._lock:
                if self._dirty:
                    self.store.save(self.record)
                    self._last_save = time.monotonic()
                    self._dirty = False

    def _set(self, step_id: str, **changes: Any) -> None:
        with self._lock:
            step = self._steps[step_id]
            for key, value in changes.items():
                setattr(step, key, value)
            self._changed(step)

    def _skip_from(self, step_id: str, reason: str | None, downstream_reason: str) -> None:
        """Skip ``step_id`` (when ``reason`` is given) and every pending step downstream."""
        if reason is not None:
            if self._steps[step_id].status != "pending":
                return
            self._set(step_id, status="skipped", error=reason)
        todo = list(self.plan.steps[step_id].dependents)
        while todo:
            sid = todo.pop()
            if self._steps[sid].status != "pending":
                continue
            self._set(sid, status="skipped", error=downstream_reason)
            todo.extend(self.plan.steps[sid].dependents)

    # -- running --------------------------------------------------------------------------

    def run(self) -> RunRecord:
        with self._lock:
            self._changed(None, force_save=True)
        saver = threading.Thread(target=self._checkpoints, name="mason-checkpoint", daemon=True)
        saver.start()
        try:
            return self._run()
        finally:
            self._stop_checkpoints.set()
            saver.join()

    def _run(self) -> RunRecord:
        definition = self.plan.new_definition()
        progress = _Progress(
            waiting={sid: set(s.dependencies) for sid, s in self.plan.steps.items()}
        )
        self._reuse(definition, progress)
        self._load_operators()
        for sid, needs in progress.waiting.items():
            if not needs and self._steps[sid].status == "pending":
                progress.ready.append(sid)
        with ThreadPoolExecutor(self.parallel, thread_name_prefix="mason-step") as pool:
            running: dict[Future[_Outcome], str] = {}
            while progress.ready or running:
                while progress.ready and len(running) < self.parallel:
                    sid = progress.ready.popleft()
                    if self._steps[sid].status != "pending":
                        continue
                    self._set(sid, status="running", attempts=1, started_at=utcnow())
                    inputs = {r.step: self.outputs[r.step] for r in self.plan.steps[sid].references}
                    running[pool.submit(self._execute, sid, inputs)] = sid
                if not running:
                    break
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    sid = running.pop(future)
                    outcome = self._outcome(sid, future)
                    if outcome.error is None:
                        self._succeeded(sid, outcome, definition, progress)
                    else:
                        self._failed(sid, outcome)
        return self._finish()

    def _load_operators(self) -> None:
        """Import each operator's code once, here, before steps run on threads:
        loading a folder operator is not safe from several threads at once."""
        seen: set[str] = set()
        for step in self.plan.steps.values():
            if step.operator.name in seen or self._steps[step.id].status != "pending":
                continue
            seen.add(step.operator.name)
            try:
                step.operator.load_class()
            except Exception:  # reported by the step itself when it runs
                continue

    def _outcome(self, sid: str, future: Future[_Outcome]) -> _Outcome:
        try:
            return future.result()
        except Exception as exc:  # a crash in the runner's own step code
            now = utcnow()
            started = self._steps[sid].started_at or now
            return _Outcome(None, None, self._steps[sid].attempts, started, now, _text(exc))

    def _reuse(self, definition: WorkflowDefinition, progress: _Progress) -> None:
        previous = self.options.resume
        if previous is None:
            return
        earlier = {s.id: s for s in previous.steps}
        for sid in self.plan.steps:
            old = earlier.get(sid)
            if old is None or old.status != "succeeded" or old.output is None:
                continue
            if self._steps[sid].status != "pending":
                continue
            self._set(
                sid,
                attempts=old.attempts,
                started_at=old.started_at,
                finished_at=old.finished_at,
                duration_seconds=old.duration_seconds,
                reused_from=old.reused_from or previous.run_id,
            )
            response = Response(
                errors=list(old.output.get("Errors", [])),
                info=list(old.output.get("Info", [])),
                warnings=list(old.output.get("Warnings", [])),
                data=list(old.output.get("Data", [])),
            )
            outcome = _Outcome(
                response,
                old.output,
                old.attempts,
                old.started_at or utcnow(),
                old.finished_at or utcnow(),
            )
            self._succeeded(sid, outcome, definition, progress)

    def _execute(self, sid: str, inputs: dict[str, dict[str, Any]]) -> _Outcome:
        """One step with its retries; runs on a worker thread."""
        step = self.plan.steps[sid]
        started = utcnow()
        attempts = 0
        response: Response | None = None
        error = "not run"
        for attempt in range(1, step.retry.attempts + 1):
            attempts = attempt
            self._set(sid, status="running", attempts=attempt)
            try:
                prepared = step.prepare(inputs)
            except MasonError as exc:  # a resolved value that does not fit: not retried
                return _Outcome(None, None, attempts, started, utcnow(), scrub(exc.message))
            response = self.plan.session.run_prepared(prepared)
            if response.ok:
                return _Outcome(response, _envelope(response), attempts, started, utcnow())
            error = "; ".join(response.errors) or f"exit code {response.exit_code}"
            if response.exit_code != 1 or attempt == step.retry.attempts:
                break
            self._set(sid, status="retrying", error=error)
            delay = step.retry.delay(attempt)
            if delay > 0:
                self.options.sleep(delay)
        output = _envelope(response) if response is not None else None
        return _Outcome(response, output, attempts, started, utcnow(), error)

    def _succeeded(
        self,
        sid: str,
        outcome: _Outcome,
        definition: WorkflowDefinition,
        progress: _Progress,
    ) -> None:
        step = self.plan.steps[sid]
        assert outcome.response is not None and outcome.output is not None
        executed = ExecutedStep(
            sid,
            step.step.namespace,
            step.step.command,
            outcome.response,
            outcome.output,
            outcome.attempts,
        )
        decisions: dict[str, PlannedStep | SkippedStep] = {}
        failure: str | None = None
        for child in step.dependents:
            if self._steps[child].status != "pending":
                continue
            decision = _decide(definition, executed, self.plan.steps[child].planned())
            if isinstance(decision, FailedStep):
                failure = decision.reason
                break
            decisions[child] = decision
        if failure is not None:
            self._failed(sid, outcome, failure)
            return
        self.outputs[sid] = outcome.output
        self._ended(sid, outcome, "succeeded", None)
        for child, decision in decisions.items():
            if isinstance(decision, SkippedStep):
                self._skip_from(
                    child,
                    decision.reason or "skipped by the workflow definition",
                    f"dependency '{child}' was skipped",
                )
                continue
            waiting = progress.waiting[child]
            waiting.discard(sid)
            if not waiting and self._steps[child].status == "pending":
                progress.ready.append(child)

    def _failed(self, sid: str, outcome: _Outcome, reason: str | None = None) -> None:
        self._ended(sid, outcome, "failed", scrub(reason or outcome.error or "failed"))
        self._skip_from(sid, None, f"dependency '{sid}' failed")

    def _ended(self, sid: str, outcome: _Outcome, status: StepStatus, error: str | None) -> None:
        self._set(
            sid,
            status=status,
            error=error,
            output=outcome.output,
            attempts=outcome.attempts,
            started_at=outcome.started_at,
            finished_at=outcome.finished_at,
            duration_seconds=round((outcome.finished_at - outcome.started_at).total_seconds(), 6),
        )

    def _finish(self) -> RunRecord:
        with self._lock:
            for step in self.record.steps:
                if step.status == "pending":  # unreachable in a valid DAG; never leave it open
                    step.status, step.error = "skipped", "never became ready"
            failed = any(s.status == "failed" for s in self.record.steps)
            self.record.status = "failed" if failed else "succeeded"
            self.record.finished_at = utcnow()
            self.record.duration_seconds = (
                self.record.finished_at - self.record.started_at
            ).total_seconds()
            self._changed(None, force_save=True)
            return self.record


def _decide(
    definition: WorkflowDefinition, current: ExecutedStep, nxt: PlannedStep
) -> PlannedStep | SkippedStep | FailedStep:
    try:
        decision = definition.step(current, nxt)
    except Exception as exc:  # the user's definition code must not crash the run
        return FailedStep(current.id, f"workflow definition failed: {_text(exc)}")
    if isinstance(decision, (PlannedStep, SkippedStep, FailedStep)):
        return decision
    return FailedStep(
        current.id,
        f"workflow definition returned {type(decision).__name__}, expected the next step, "
        "next.skip(...) or current.failed(...)",
    )


def _envelope(response: Response) -> dict[str, Any]:
    out: dict[str, Any] = scrub_value(response.envelope())
    return out


def _text(exc: BaseException) -> str:
    message = exc.message if isinstance(exc, MasonError) else describe(exc)
    return scrub(message)


def run_plan(plan: WorkflowPlan, options: RunOptions | None = None) -> RunRecord:
    """Run a validated plan here and now; returns the finished run record."""
    return WorkflowRunner(plan, options).run()
