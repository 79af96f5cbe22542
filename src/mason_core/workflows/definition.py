"""``WorkflowDefinition``: the optional class that decides how a run proceeds.

After a step succeeds, the runner asks ``step(current, next)`` for each step
that depends on it. Returning ``next`` lets that step run; ``next.skip(why)``
skips it (and whatever depends on it) without failing the run, which is how a
clean-up branch runs only when needed; ``current.failed(why)`` fails the
finished step after all, so its dependents are skipped and the run fails.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any

from mason_core.response import Response


@dataclass(frozen=True)
class FailedStep:
    """``current.failed(reason)``: the finished step is failed after all."""

    step_id: str
    reason: str


@dataclass(frozen=True)
class SkippedStep:
    """``next.skip(reason)``: the next step does not run; the run may still succeed."""

    step_id: str
    reason: str


@dataclass(frozen=True)
class PlannedStep:
    """A step about to run, as the definition sees it."""

    id: str
    namespace: str
    command: str
    config_id: str
    #: the parameters as given, step-output references not yet resolved.
    parameters: dict[str, Any] = field(default_factory=dict)

    def skip(self, reason: str) -> SkippedStep:
        return SkippedStep(self.id, reason)


@dataclass(frozen=True)
class ExecutedStep:
    """A step that finished successfully, with what its operator returned.

    ``response.data`` holds typed models when the step ran in this process,
    plain dicts when its output was reused from an earlier run (``--resume``);
    ``output`` is the JSON envelope either way.
    """

    id: str
    namespace: str
    command: str
    response: Response
    output: dict[str, Any]
    attempts: int

    @property
    def data(self) -> list[Any]:
        return self.response.data

    def failed(self, reason: str) -> FailedStep:
        return FailedStep(self.id, reason)


Decision = PlannedStep | SkippedStep | FailedStep


class WorkflowDefinition(ABC):
    """Subclass in a workflow folder's ``__init__.py`` as ``<Namespace><Command>``."""

    @abstractmethod
    def step(self, current: ExecutedStep, next: PlannedStep) -> Decision: ...


class ProceedAlways(WorkflowDefinition):
    """What a workflow without a definition class does: every edge proceeds."""

    def step(self, current: ExecutedStep, next: PlannedStep) -> Decision:
        return next
