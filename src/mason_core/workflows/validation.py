"""Validating a workflow as a whole before anything runs.

Every problem is collected (unknown dependencies, cycles, duplicate ids,
unknown operators, each step's parameters, references and configuration, the
scheduler, the schedule) and reported in one error, each naming its step.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from mason_core.config.model import ValidConfig
from mason_core.errors import MasonError, MasonUsageError
from mason_core.messages import some_of
from mason_core.operators.parameters import (
    UnknownParameters,
    drop_unknown,
    unknown_parameter,
    validate_parameters,
)
from mason_core.operators.support import match_configuration, match_operator
from mason_core.secrets import remember
from mason_core.workflows.definition import WorkflowDefinition
from mason_core.workflows.graph import dependents, execution_order, find_cycles, is_ancestor
from mason_core.workflows.inputs import StepInput, parse_inputs, split_schedule
from mason_core.workflows.plan import StepPlan, WorkflowPlan
from mason_core.workflows.references import Reference, find_references
from mason_core.workflows.retry import RetryPolicy, parse_retry
from mason_core.workflows.spec import StepSpec, WorkflowSpec

if TYPE_CHECKING:
    from mason_core.runtime import Session

WORKFLOW = "workflow"


class WorkflowValidationError(MasonUsageError):
    """A workflow that cannot run; ``problems`` lists each one, naming its step."""

    def __init__(self, name: str, problems: list[str]) -> None:
        self.problems = list(problems)
        count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
        shown = some_of(self.problems, separator="; ")
        super().__init__(f"workflow '{name}' is invalid ({count}): {shown}")


class _Configs:
    """Each configuration read once per validation, errors remembered too."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._seen: dict[str | None, ValidConfig | MasonError] = {}

    def get(self, config_id: str | None) -> ValidConfig:
        if config_id not in self._seen:
            try:
                self._seen[config_id] = self.session.configs.get(config_id)
            except MasonError as exc:
                self._seen[config_id] = exc
        found = self._seen[config_id]
        if isinstance(found, MasonError):
            raise found
        return found


def validate_workflow_spec(
    session: Session,
    spec: WorkflowSpec,
    raw_inputs: Any,
    config_id: str | None = None,
    schedule: str | None = None,
    unknown: UnknownParameters = "error",
) -> WorkflowPlan:
    """The runnable plan, or :class:`WorkflowValidationError` with every problem.
    ``unknown='warn'`` drops parameters a step's operator does not declare, with
    a warning in the plan."""
    problems: list[str] = []
    warnings: list[str] = []
    raw_inputs, file_schedule = split_schedule(raw_inputs)
    if file_schedule is not None:
        if schedule is not None and schedule.strip() != file_schedule.strip():
            problems.append(
                f"schedule: the parameters file gives '{file_schedule}' and --schedule "
                f"'{schedule}'; give one"
            )
        schedule = file_schedule
    inputs, input_problems = parse_inputs(raw_inputs)
    problems.extend(input_problems)
    configs = _Configs(session)

    if not spec.dag:
        problems.append(f"{WORKFLOW}: the dag has no steps")
    counts = Counter(s.id for s in spec.dag)
    for step_id, n in counts.items():
        if n > 1:
            problems.append(f"{step_id}: duplicate step id (declared {n} times)")
    steps: dict[str, StepSpec] = {}
    for step in spec.dag:
        steps.setdefault(step.id, step)
    deps = {sid: list(s.dependencies) for sid, s in steps.items()}

    for sid, step in steps.items():
        for dep in step.dependencies:
            if dep not in steps:
                problems.append(f"{sid}: depends on unknown step '{dep}'")
    for cycle in find_cycles(deps):
        problems.append(f"{cycle[0]}: dependency cycle {' -> '.join(cycle)}")
    for sid in inputs:
        if sid not in steps:
            problems.append(f"{sid}: parameters given for a step that is not in the dag")

    order, stuck = execution_order(deps)
    scheduler_config: ValidConfig | None = None
    try:
        scheduler_config = configs.get(config_id)
    except MasonError as exc:
        problems.append(f"{WORKFLOW}: {exc.message}")

    plans: dict[str, StepPlan] = {}
    for sid in order + stuck:
        step_input = inputs.get(sid, StepInput())
        plan = _check_step(
            steps[sid],
            step_input,
            config_id,
            configs,
            deps,
            problems,
            session,
            unknown,
            warnings,
        )
        if plan is not None:
            plans[sid] = plan

    scheduler = None
    if scheduler_config is not None:
        scheduler = _check_scheduler(spec, scheduler_config, problems)
    definition = _load_definition(spec, problems)
    if schedule is not None and scheduler_config is not None and scheduler is not None:
        _check_schedule(session, scheduler_config, scheduler, schedule, problems)

    if problems:
        raise WorkflowValidationError(spec.full_name, problems)
    assert scheduler_config is not None
    for sid, children in dependents(deps).items():
        plans[sid].dependents = children
    return WorkflowPlan(
        session=session,
        spec=spec,
        steps={sid: plans[sid] for sid in order},
        config=scheduler_config,
        scheduler=scheduler,
        definition=definition,
        schedule=schedule,
        warnings=warnings,
    )


def _check_step(
    step: StepSpec,
    given: StepInput,
    default_config: str | None,
    configs: _Configs,
    deps: Mapping[str, list[str]],
    problems: list[str],
    session: Session,
    unknown: UnknownParameters = "error",
    warnings: list[str] | None = None,
) -> StepPlan | None:
    sid = step.id
    before = len(problems)
    retry = RetryPolicy()
    try:
        retry = parse_retry(step.retry_method, step.retry_max)
    except ValueError as exc:
        problems.append(f"{sid}: {exc}")
    try:
        operator = session.registry.operator(step.namespace, step.command)
    except MasonError as exc:
        problems.append(f"{sid}: {exc.message}")
        return None
    kept, dropped = drop_unknown(
        f"operator '{operator.name}'", operator.parameters, given.parameters, unknown
    )
    if warnings is not None:
        warnings.extend(f"{sid}: {w}" for w in dropped)
    given = StepInput(given.config_id, kept)
    config: ValidConfig | None = None
    try:
        config = configs.get(given.config_id if given.config_id is not None else default_config)
    except MasonError as exc:
        problems.append(f"{sid}: {exc.message}")

    referenced: set[str] = set()
    all_refs: list[Reference] = []
    for name, value in given.parameters.items():
        refs, malformed = find_references(value)
        for text in malformed:
            problems.append(
                f"{sid}: parameter '{name}': malformed step reference in '{text}' "
                "(expected ${steps.STEP_ID.path})"
            )
        if refs or malformed:
            referenced.add(name)
        for ref in refs:
            all_refs.append(ref)
            if ref.step not in deps:
                problems.append(f"{sid}: parameter '{name}' references unknown step '{ref.step}'")
                continue
            if not is_ancestor(deps, sid, ref.step):
                problems.append(
                    f"{sid}: parameter '{name}' references step '{ref.step}', which is not "
                    f"an ancestor of '{sid}' (add it to dependencies)"
                )
    specs = [p for p in operator.parameters if p.name not in referenced]
    for name in sorted(referenced):
        if operator.parameter(name) is None:
            known = [p.name for p in operator.parameters]
            problems.append(f"{sid}: operator '{operator.name}': {unknown_parameter(name, known)}")
    for name, value in given.parameters.items():
        declared = operator.parameter(name)
        if declared is not None and declared.secret and isinstance(value, str):
            remember(value)  # so it is scrubbed from outputs, errors and logs
    static = {k: v for k, v in given.parameters.items() if k not in referenced}
    typed: dict[str, Any] | None = None
    try:
        typed = validate_parameters(f"operator '{operator.name}'", specs, static)
    except MasonError as exc:
        for problem in getattr(exc, "problems", [exc.message]):
            problems.append(f"{sid}: {problem}")
    chosen: dict[str, str] = {}
    if config is not None:
        try:
            chosen = match_operator(operator, config, session.registry)
        except MasonError as exc:
            problems.append(f"{sid}: {exc.message}")
    if len(problems) > before or config is None:
        return None
    return StepPlan(
        step=step,
        operator=operator,
        config=config,
        chosen=chosen,
        given=dict(given.parameters),
        references=all_refs,
        retry=retry,
        typed=typed if not referenced else None,
    )


def _check_scheduler(spec: WorkflowSpec, config: ValidConfig, problems: list[str]) -> str | None:
    client = config.client_for("scheduler")
    if client is None:
        problems.append(
            f"{WORKFLOW}: configuration '{config.id}' assigns no client to the scheduler engine"
        )
        return None
    if not spec.supported_schedulers:
        return client
    try:
        chosen = match_configuration(
            f"workflow '{spec.full_name}'",
            [{"scheduler": name} for name in spec.supported_schedulers],
            config,
        )
    except MasonError as exc:
        problems.append(f"{WORKFLOW}: {exc.message}")
        return None
    return chosen["scheduler"]


def _load_definition(spec: WorkflowSpec, problems: list[str]) -> type[WorkflowDefinition] | None:
    try:
        cls = spec.load_definition()
    except MasonError as exc:
        problems.append(f"{WORKFLOW}: definition: {exc.message}")
        return None
    if cls is None:
        return None
    if not (isinstance(cls, type) and issubclass(cls, WorkflowDefinition)):
        problems.append(f"{WORKFLOW}: definition {cls!r} is not a WorkflowDefinition")
        return None
    return cls


def _check_schedule(
    session: Session, config: ValidConfig, scheduler: str, schedule: str, problems: list[str]
) -> None:
    from mason_core.engines import SchedulerEngine
    from mason_core.operators.context import EngineSet

    engines = EngineSet(session.registry, config, session.home, {"scheduler": scheduler})
    try:
        engines.typed("scheduler", SchedulerEngine).validate_schedule(schedule)
    except MasonError as exc:
        problems.append(f"schedule: {exc.message}")
    finally:
        engines.close()
