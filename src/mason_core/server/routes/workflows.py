"""``/api/workflows``: list, describe, validate, deploy and run workflows, and
read their run records.

As with operators, each installed workflow gets its own operations, whose
body schema keys each step id to that step's operator parameters.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from mason_core.errors import MasonUsageError, NotFoundError
from mason_core.operators.spec import OperatorSpec
from mason_core.server.envelope import COMMON_RESPONSES, Envelope, envelope, reply
from mason_core.server.openapi import json_body, workflow_body_schema
from mason_core.server.state import (
    ASYNC,
    STARTED_RESPONSES,
    ServerState,
    config_id_of,
    read_body,
    started_reply,
    state,
)
from mason_core.server.tasks import Outcome
from mason_core.workflows.api import deploy_validated, run_validated, validate_workflow
from mason_core.workflows.plan import WorkflowPlan
from mason_core.workflows.records import RunRecord, RunStore, new_run_id
from mason_core.workflows.runner import RunOptions
from mason_core.workflows.spec import WorkflowSpec

PLAN_KEYS: dict[str, tuple[type, ...]] = {
    "parameters": (dict,),
    "config_id": (str, int),
    "schedule": (str,),
}
RUN_KEYS: dict[str, tuple[type, ...]] = {
    "parameters": (dict,),
    "config_id": (str, int),
    "parallel": (int,),
}


def workflow_data(spec: WorkflowSpec) -> dict[str, Any]:
    return {
        "namespace": spec.namespace,
        "command": spec.command,
        "description": spec.description,
        "plugin": spec.plugin,
        "steps": [s.model_dump(mode="json", exclude_none=True) for s in spec.dag],
        "supported_schedulers": spec.supported_schedulers,
    }


def _plan(s: ServerState, namespace: str, command: str, body: dict[str, Any]) -> WorkflowPlan:
    return validate_workflow(
        namespace,
        command,
        body.get("parameters") or {},
        config_id=config_id_of(body),
        schedule=body.get("schedule"),
        session=s.session,
    )


def _record_outcome(record: RunRecord) -> Outcome:
    body = envelope([record.to_json()], errors=record.errors if not record.ok else ())
    if record.status == "failed" and not body["Errors"]:
        body["Errors"] = [f"workflow run {record.run_id} failed"]
    return Outcome(500 if record.status == "failed" else 200, body)


def _load_run(s: ServerState, run_id: str) -> RunRecord | None:
    store = RunStore(s.session.home)
    try:
        if not store.path(run_id).is_file():
            return None
    except MasonUsageError:
        return None
    return store.load(run_id)


def router(specs: list[WorkflowSpec], operators: dict[tuple[str, str], OperatorSpec]) -> APIRouter:
    api = APIRouter(prefix="/api/workflows", responses=COMMON_RESPONSES)

    @api.get("", response_model=Envelope, summary="List workflows", tags=["workflows"])
    async def list_workflows(request: Request) -> JSONResponse:
        specs = state(request).session.registry.workflow_specs()
        return reply(envelope(workflow_data(w) for w in specs))

    @api.get("/runs", response_model=Envelope, summary="List workflow runs", tags=["workflows"])
    async def list_workflow_runs(
        request: Request,
        workflow: str | None = Query(None, description="Only runs of 'namespace command'."),
        limit: int = Query(50, ge=1, le=1000),
    ) -> JSONResponse:
        store = RunStore(state(request).session.home)
        runs = await run_in_threadpool(store.list, workflow, limit)
        return reply(envelope(r.to_json() for r in runs))

    @api.get(
        "/runs/{run_id}",
        response_model=Envelope,
        summary="Workflow run status",
        tags=["workflows"],
    )
    async def get_workflow_run(request: Request, run_id: str) -> JSONResponse:
        s = state(request)
        record = await run_in_threadpool(_load_run, s, run_id)
        if record is not None:
            return reply(envelope([record.to_json()]))
        task = s.tasks.get(run_id)
        if task is None or task.kind != "workflow":
            raise NotFoundError(f"no workflow run '{run_id}'")
        # started here, but no record yet (or it failed before writing one)
        if task.outcome is not None and task.status == "failed":
            return reply(task.outcome.body, task.outcome.status)
        return reply(envelope([{"run_id": run_id, "workflow": task.name, "status": "running"}]))

    @api.get(
        "/{namespace}/{command}",
        response_model=Envelope,
        summary="Describe a workflow",
        tags=["workflows"],
    )
    async def get_workflow(request: Request, namespace: str, command: str) -> JSONResponse:
        spec = state(request).session.registry.workflow(namespace, command)
        return reply(envelope([workflow_data(spec)]))

    for spec in specs:
        _add_workflow_routes(api, spec, operators)
    for action in ("validate", "deploy", "run"):
        api.add_api_route(
            f"/{{namespace}}/{{command}}/{action}",
            _ACTIONS[action],
            methods=["POST"],
            include_in_schema=False,
        )
    return api


async def validate_action(request: Request, namespace: str, command: str) -> JSONResponse:
    s = state(request)
    body = await read_body(request, PLAN_KEYS)
    plan = await run_in_threadpool(_plan, s, namespace, command, body)
    info = f"workflow '{plan.spec.full_name}' is valid: {len(plan.steps)} steps"
    return reply(envelope(plan.rows(), info=[info]))


async def deploy_action(request: Request, namespace: str, command: str) -> JSONResponse:
    s = state(request)
    body = await read_body(request, PLAN_KEYS)

    def work() -> dict[str, Any]:
        plan = _plan(s, namespace, command, body)
        dag = deploy_validated(plan).to_data()
        for step in dag.get("Steps", []):
            # what was registered, with secrets shown as REDACTED
            step["Parameters"] = plan.steps[step["Id"]].redacted_parameters()
        return dag

    dag = await run_in_threadpool(work)
    return reply(envelope([dag], info=[f"deployed workflow '{namespace} {command}'"]))


async def run_action(
    request: Request, namespace: str, command: str, run_async: bool = ASYNC
) -> JSONResponse:
    s = state(request)
    body = await read_body(request, RUN_KEYS)
    plan = await run_in_threadpool(_plan, s, namespace, command, body)
    run_id = new_run_id()
    options = RunOptions(parallel=body.get("parallel"), run_id=run_id)
    options.workers()  # a bad parallel is a 400 now, not a failed run later

    def work() -> Outcome:
        return _record_outcome(run_validated(plan, options))

    if not run_async:
        outcome = await run_in_threadpool(work)
        return reply(outcome.body, outcome.status)
    task = s.tasks.submit("workflow", plan.spec.full_name, work, task_id=run_id)
    return started_reply(request, task, "get_workflow_run", f"started workflow run {run_id}")


_ACTIONS = {"validate": validate_action, "deploy": deploy_action, "run": run_action}


def _add_workflow_routes(
    api: APIRouter, spec: WorkflowSpec, operators: dict[tuple[str, str], OperatorSpec]
) -> None:
    ns, cmd = spec.namespace, spec.command
    ident = f"{ns}_{cmd}".replace("-", "_")
    tags: list[str | Enum] = [f"workflows: {ns}"]
    plan_body = json_body(workflow_body_schema(spec, operators))
    run_body = json_body(workflow_body_schema(spec, operators, run=True))

    async def validate(request: Request) -> JSONResponse:
        return await validate_action(request, ns, cmd)

    async def deploy(request: Request) -> JSONResponse:
        return await deploy_action(request, ns, cmd)

    async def run(request: Request, run_async: bool = ASYNC) -> JSONResponse:
        return await run_action(request, ns, cmd, run_async)

    common: dict[str, Any] = {"methods": ["POST"], "response_model": Envelope, "tags": tags}
    api.add_api_route(
        f"/{ns}/{cmd}/validate",
        validate,
        summary=f"Validate workflow {ns} {cmd} (dry run: the plan)",
        operation_id=f"validate_workflow_{ident}",
        openapi_extra=plan_body,
        **common,
    )
    api.add_api_route(
        f"/{ns}/{cmd}/deploy",
        deploy,
        summary=f"Deploy workflow {ns} {cmd} to its scheduler",
        operation_id=f"deploy_workflow_{ident}",
        openapi_extra=plan_body,
        **common,
    )
    api.add_api_route(
        f"/{ns}/{cmd}/run",
        run,
        summary=f"Run workflow {ns} {cmd}",
        operation_id=f"run_workflow_{ident}",
        openapi_extra=run_body,
        responses=STARTED_RESPONSES,
        **common,
    )
