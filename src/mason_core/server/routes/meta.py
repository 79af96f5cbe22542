"""Health, plugins and configurations: what this server has installed and
configured (client settings with every secret shown as REDACTED)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from mason_core.__about__ import __version__
from mason_core.config.model import ValidConfig
from mason_core.errors import MasonError, NotFoundError
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
        rows = [
            {
                "name": p.name,
                "version": p.version,
                "ok": p.ok,
                "error": p.error,
                "clients": p.clients,
                "engines": p.engines,
                "operators": p.operators,
                "workflows": p.workflows,
                "warnings": p.warnings,
            }
            for p in registry.plugins
        ]
        verbs = await run_in_threadpool(registry.client_verbs)
        return reply(envelope([{"plugins": rows, "clients": verbs}]))

    @api.get("/configs", response_model=Envelope, summary="Configurations", tags=["configs"])
    async def list_configs(request: Request) -> JSONResponse:
        store = state(request).session.configs

        def work() -> dict[str, Any]:
            current = store.current_id()
            items: list[dict[str, Any]] = []
            errors: list[str] = []
            saved = store.saved_files()
            for config_id, path in saved.items():
                try:
                    items.append(config_data(store.read_file(path), current))
                except MasonError as exc:
                    errors.append(exc.message)
                    items.append({"Id": config_id, "Current": config_id == current})
            builtin = None if saved else store.builtin()
            if builtin is not None:
                items.append(config_data(builtin, current))
            return envelope(items, warnings=errors)

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
            known = set(store.saved_files())
            builtin = None if known else store.builtin()
            if builtin is not None:
                known.add(builtin.id)
            if config_id not in known:
                listed = ", ".join(sorted(known)) or "none"
                raise NotFoundError(f"no configuration '{config_id}' (known: {listed})")
            return envelope([config_data(store.get(config_id), store.current_id())])

        return reply(await run_in_threadpool(work))

    return api
