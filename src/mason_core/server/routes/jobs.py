"""Job status (through the configuration's execution engine) and the status of
runs this server started in the background."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from mason_core.engines import ExecutionEngine
from mason_core.errors import NotFoundError
from mason_core.models import ExecutedJob
from mason_core.operators.context import EngineSet
from mason_core.server.envelope import COMMON_RESPONSES, Envelope, envelope, reply
from mason_core.server.state import ServerState, state

CONFIG_ID = Query(None, description="Configuration id; default: the current configuration.")


def _jobs(
    s: ServerState, config_id: str | None, job_id: str | None, limit: int
) -> list[ExecutedJob]:
    config = s.session.configs.get(config_id)
    engines = EngineSet(s.session.registry, config, s.session.home)
    try:
        execution = engines.typed("execution", ExecutionEngine)
        return [execution.get_job(job_id)] if job_id is not None else execution.list_jobs(limit)
    finally:
        engines.close()


def router() -> APIRouter:
    api = APIRouter(prefix="/api", responses=COMMON_RESPONSES)

    @api.get("/jobs", response_model=Envelope, summary="Recent jobs", tags=["jobs"])
    async def list_jobs(
        request: Request,
        config_id: str | None = CONFIG_ID,
        limit: int = Query(50, ge=1, le=1000),
    ) -> JSONResponse:
        jobs = await run_in_threadpool(_jobs, state(request), config_id, None, limit)
        return reply(envelope(jobs))

    @api.get("/jobs/{job_id}", response_model=Envelope, summary="Job status", tags=["jobs"])
    async def get_job(
        request: Request, job_id: str, config_id: str | None = CONFIG_ID
    ) -> JSONResponse:
        jobs = await run_in_threadpool(_jobs, state(request), config_id, job_id, 1)
        return reply(envelope(jobs))

    @api.get("/runs", response_model=Envelope, summary="Background runs", tags=["runs"])
    async def list_runs(request: Request) -> JSONResponse:
        return reply(envelope(t.to_data() for t in state(request).tasks.list()))

    @api.get(
        "/runs/{run_id}",
        response_model=Envelope,
        summary="Status of a background run (?async=true)",
        tags=["runs"],
    )
    async def get_run(request: Request, run_id: str) -> JSONResponse:
        task = state(request).tasks.get(run_id)
        if task is None:
            raise NotFoundError(f"no run '{run_id}' (runs are kept while the server is up)")
        return reply(envelope([task.to_data()]))

    return api
