"""``/api/operators``: list, describe, validate and run operators.

Each installed operator gets its own validate and run operations, whose
request body is the schema of its typed parameters; a catch-all pair (left out
of the API description) answers 404, in the envelope, for unknown ones.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from mason_core.operators.spec import OperatorSpec
from mason_core.response import Response
from mason_core.runtime import PreparedRun
from mason_core.secrets import remember
from mason_core.server.envelope import (
    COMMON_RESPONSES,
    Envelope,
    envelope,
    reply,
    response_body,
    response_reply,
    response_status,
)
from mason_core.server.openapi import json_body, operator_body_schema, operator_example
from mason_core.server.paths import check_paths
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

BODY_KEYS: dict[str, tuple[type, ...]] = {"parameters": (dict,), "config_id": (str, int)}


def operator_data(spec: OperatorSpec) -> dict[str, Any]:
    return {
        "namespace": spec.namespace,
        "command": spec.command,
        "description": spec.description,
        "plugin": spec.plugin,
        "parameters": [p.model_dump(mode="json") for p in spec.parameters],
        "supported_configurations": spec.supported_configurations,
        "requires": spec.requires,
    }


def _prepare(s: ServerState, namespace: str, command: str, body: dict[str, Any]) -> PreparedRun:
    prepared = s.session.prepare(namespace, command, body.get("parameters"), config_id_of(body))
    for parameter in prepared.spec.parameters:
        value = prepared.params.get(parameter.name)
        if parameter.secret and isinstance(value, str):
            remember(value)  # scrubbed from every error and log line from now on
    check_paths(s.session, prepared)
    return prepared


async def validate_operator(request: Request, namespace: str, command: str) -> JSONResponse:
    s = state(request)
    body = await read_body(request, BODY_KEYS)

    def work() -> Response:
        prepared = _prepare(s, namespace, command, body)
        response = Response()
        response.add_info(
            f"operator '{prepared.spec.name}' is valid with configuration '{prepared.config.id}'"
        )
        return response

    return response_reply(await run_in_threadpool(work))


async def run_operator(
    request: Request, namespace: str, command: str, run_async: bool
) -> JSONResponse:
    s = state(request)
    body = await read_body(request, BODY_KEYS)
    prepared = await run_in_threadpool(_prepare, s, namespace, command, body)
    if not run_async:
        return response_reply(await run_in_threadpool(s.session.run_prepared, prepared))

    def work() -> Outcome:
        response = s.session.run_prepared(prepared)
        return Outcome(response_status(response), response_body(response))

    task = s.tasks.submit("operator", prepared.spec.name, work)
    return started_reply(request, task, "get_run", f"started run {task.id}")


def router(specs: list[OperatorSpec]) -> APIRouter:
    api = APIRouter(prefix="/api/operators", responses=COMMON_RESPONSES)

    @api.get("", response_model=Envelope, summary="List operators", tags=["operators"])
    async def list_operators(
        request: Request,
        namespace: str | None = Query(None, description="Only this namespace."),
    ) -> JSONResponse:
        specs = state(request).session.registry.operator_specs(namespace)
        return reply(envelope(operator_data(o) for o in specs))

    @api.get(
        "/{namespace}/{command}",
        response_model=Envelope,
        summary="Describe an operator",
        tags=["operators"],
    )
    async def get_operator(request: Request, namespace: str, command: str) -> JSONResponse:
        spec = state(request).session.registry.operator(namespace, command)
        return reply(envelope([operator_data(spec)]))

    for spec in specs:
        _add_operator_routes(api, spec)

    # for operators registered after start-up, and the 404 for unknown ones
    @api.post("/{namespace}/{command}/validate", include_in_schema=False)
    async def validate_any(request: Request, namespace: str, command: str) -> JSONResponse:
        return await validate_operator(request, namespace, command)

    @api.post("/{namespace}/{command}/run", include_in_schema=False)
    async def run_any(
        request: Request, namespace: str, command: str, run_async: bool = ASYNC
    ) -> JSONResponse:
        return await run_operator(request, namespace, command, run_async)

    return api


def _add_operator_routes(api: APIRouter, spec: OperatorSpec) -> None:
    ns, cmd = spec.namespace, spec.command
    body = json_body(
        operator_body_schema(spec), operator_example(spec), bool(spec.required_names())
    )
    ident = f"{ns}_{cmd}".replace("-", "_")
    tags: list[str | Enum] = [f"operators: {ns}"]

    async def validate(request: Request) -> JSONResponse:
        return await validate_operator(request, ns, cmd)

    async def run(request: Request, run_async: bool = ASYNC) -> JSONResponse:
        return await run_operator(request, ns, cmd, run_async)

    common: dict[str, Any] = {
        "methods": ["POST"],
        "response_model": Envelope,
        "tags": tags,
        "openapi_extra": body,
    }
    api.add_api_route(
        f"/{ns}/{cmd}/validate",
        validate,
        summary=f"Validate {ns} {cmd}",
        description=f"Check parameters and configuration without running. {spec.description}",
        operation_id=f"validate_{ident}",
        **common,
    )
    api.add_api_route(
        f"/{ns}/{cmd}/run",
        run,
        summary=f"Run {ns} {cmd}",
        description=spec.description,
        operation_id=f"run_{ident}",
        responses=STARTED_RESPONSES,
        **common,
    )
