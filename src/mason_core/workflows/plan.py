"""A validated workflow: its steps in execution order, ready to print or run."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mason_core.config.model import ValidConfig
from mason_core.models import Dag, DagStep, Schedule
from mason_core.operators.parameters import validate_parameters
from mason_core.operators.spec import OperatorSpec
from mason_core.runtime import PreparedRun
from mason_core.secrets import REDACTED, scrub
from mason_core.workflows.definition import PlannedStep, WorkflowDefinition
from mason_core.workflows.references import Reference, resolve
from mason_core.workflows.retry import RetryPolicy
from mason_core.workflows.spec import StepSpec, WorkflowSpec

if TYPE_CHECKING:
    from mason_core.runtime import Session


@dataclass
class StepPlan:
    step: StepSpec
    operator: OperatorSpec
    config: ValidConfig
    #: engine -> client chosen by the operator's supported configuration.
    chosen: dict[str, str]
    #: the parameters as given (references unresolved).
    given: dict[str, Any]
    references: list[Reference]
    retry: RetryPolicy
    #: typed parameters, when no reference needs resolving first.
    typed: dict[str, Any] | None = None
    dependents: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.step.id

    @property
    def dependencies(self) -> list[str]:
        return list(self.step.dependencies)

    def planned(self) -> PlannedStep:
        return PlannedStep(
            self.id, self.step.namespace, self.step.command, self.config.id, dict(self.given)
        )

    def prepare(self, outputs: Mapping[str, Mapping[str, Any]]) -> PreparedRun:
        """The operator call, with references resolved from earlier steps' outputs.

        Raises a usage error when a resolved value does not fit its parameter,
        or :class:`~mason_core.workflows.references.StepOutputError`.
        """
        typed = self.typed
        if typed is None:
            resolved = resolve(self.given, outputs)
            typed = validate_parameters(
                f"operator '{self.operator.name}'", self.operator.parameters, resolved
            )
        return PreparedRun(self.operator, dict(typed), self.config, dict(self.chosen))

    def redacted_parameters(self) -> dict[str, Any]:
        """The given parameters for printing: secret ones REDACTED, known secrets scrubbed."""
        out: dict[str, Any] = {}
        for name, value in self.given.items():
            spec = self.operator.parameter(name)
            if spec is not None and spec.secret:
                out[name] = REDACTED
            else:
                out[name] = scrub_value(value)
        return out


def scrub_value(value: Any) -> Any:
    """``value`` with every known secret replaced by REDACTED, at any depth."""
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, Mapping):
        return {k: scrub_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [scrub_value(v) for v in value]
    return value


@dataclass
class WorkflowPlan:
    session: Session
    spec: WorkflowSpec
    #: step id -> plan, in execution order.
    steps: dict[str, StepPlan]
    #: the configuration whose scheduler runs the workflow.
    config: ValidConfig
    scheduler: str | None
    definition: type[WorkflowDefinition] | None
    schedule: str | None = None
    #: undeclared parameters dropped under ``--unknown-params warn``.
    warnings: list[str] = field(default_factory=list)

    @property
    def order(self) -> list[str]:
        return list(self.steps)

    def rows(self) -> list[dict[str, Any]]:
        """The dry-run plan: one row per step, in execution order."""
        return [
            {
                "order": i,
                "step": s.id,
                "operator": s.operator.name,
                "dependencies": s.dependencies,
                "config_id": s.config.id,
                "retry": _retry_text(s.retry),
                "parameters": s.redacted_parameters(),
            }
            for i, s in enumerate(self.steps.values(), start=1)
        ]

    def to_dag(self) -> Dag:
        """The canonical DAG a scheduler registers."""
        return Dag(
            name=self.spec.dag_name,
            namespace=self.spec.namespace,
            command=self.spec.command,
            steps=[
                DagStep(
                    id=s.id,
                    namespace=s.step.namespace,
                    command=s.step.command,
                    dependencies=s.dependencies,
                    retry_method=s.step.retry_method,
                    retry_max=s.step.retry_max,
                    config_id=s.config.id,
                    parameters=dict(s.given),
                )
                for s in self.steps.values()
            ],
            schedule=Schedule(name=self.spec.dag_name, expression=self.schedule)
            if self.schedule
            else None,
        )

    def new_definition(self) -> WorkflowDefinition:
        from mason_core.workflows.definition import ProceedAlways

        return self.definition() if self.definition is not None else ProceedAlways()


def _retry_text(policy: RetryPolicy) -> str:
    if policy.max_retries == 0:
        return ""
    if policy.kind == "none":
        return f"{policy.max_retries}x"
    return f"{policy.max_retries}x {policy.kind}({policy.base_seconds:g})"
