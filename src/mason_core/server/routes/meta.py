"""Health, plugins and configurations: what this server has installed and
configured (client settings with every secret shown as REDACTED)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from mason_core.__about__ import __version__
from mason_core.config.model import ValidConfig
from mason_core.config.store import BUILTIN_ID, InvalidConfig
from mason_core.errors import NotFoundError
from mason_core.server.envelope import COMMON_RESPONSES, Envelope, envelope, reply
from mason_core.server.state import state


def config_data(config: ValidConfig, current: str | None) -> dict[str, Any]:
    return {
        "Id": config.id,
        "Current": config.id == current,
        "Builtin": config.builtin,
        "Description": config.description,
        "Engines": config.redacted(),
    }


def entry_data(entry: ValidConfig | InvalidConfig, current: str | None) -> dict[str, Any]:
    if isinstance(entry, InvalidConfig):
        return {"Id": entry.id, "Current": entry.id == current, "Error": entry.problem}
    return config_data(entry, current)


def _invalid(entries: list[ValidConfig | InvalidConfig]) -> list[InvalidConfig]:
    return [e for e in entries if isinstance(e, InvalidConfig)]


def router() -> APIRouter:
    api = APIRouter(prefix="/api", responses=COMMON_RESPONSES)

    @api.get(
        "/health",
        response_model=Envelope,
        summary="Health check (no token)",
        tags=["server"],
        openapi_extra={"security": []},
    )
    async def health() -> JSONResponse:
        return reply(envelope([{"status": "ok", "version": __version__}]))

    @api.get("/plugins", response_model=Envelope, summary="Installed plugins", tags=["server"])
    async def plugins(request: Request) -> JSONResponse:
        registry = state(request).session.registry
        # the rows 'mason plugins' prints (distribution, version, status,
        # conflicts), plus ok/error for clients that only check health
        rows = [{**p.row(), "ok": p.ok, "error": p.error} for p in registry.plugins]

        def capabilities() -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
            from mason_core.operators.support import operator_capabilities

            return registry.client_verbs(), operator_capabilities(registry)

        verbs, runnable = await run_in_threadpool(capabilities)
        return reply(envelope([{"plugins": rows, "clients": verbs, "operators": runnable}]))

    @api.get("/configs", response_model=Envelope, summary="Configurations", tags=["configs"])
    async def list_configs(request: Request) -> JSONResponse:
        store = state(request).session.configs

        def work() -> dict[str, Any]:
            current = store.current_id()
            entries = store.entries()  # what 'mason config' lists: saved, then the built-in
            problems = [f"configuration '{c.id}': {c.problem}" for c in _invalid(entries)]
            return envelope([entry_data(c, current) for c in entries], warnings=problems)

        return reply(await run_in_threadpool(work))

    @api.get(
        "/configs/{config_id}",
        response_model=Envelope,
        summary="One configuration",
        tags=["configs"],
    )
    async def get_config(request: Request, config_id: str) -> JSONResponse:
        store = state(request).session.configs

        def work() -> dict[str, Any]:
            known = dict.fromkeys([*store.saved_files(), BUILTIN_ID])  # the built-in: always
            if config_id not in known:
                listed = ", ".join(known)
                raise NotFoundError(f"no configuration '{config_id}' (known: {listed})")
            return envelope([config_data(store.get(config_id), store.current_id())])

        return reply(await run_in_threadpool(work))

    return api
