"""The FastAPI application: routes, errors as envelopes, auth, the generated
API description and the UI, built from one :class:`ServerSettings`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from mason_core.__about__ import __version__
from mason_core.errors import MasonError
from mason_core.secrets import remember
from mason_core.server.auth import NoTracebacks, TokenAuth
from mason_core.server.body import BodyLimit
from mason_core.server.envelope import error_reply, error_status
from mason_core.server.openapi import parameters_schema, schema_name
from mason_core.server.routes import jobs, meta, operators, workflows
from mason_core.server.session import ServerSession
from mason_core.server.settings import ServerSettings
from mason_core.server.state import ServerState
from mason_core.server.tasks import TaskRunner
from mason_core.server.ui import mount_ui

OPENAPI_URL = "/openapi.json"
DESCRIPTION = """REST over Mason's operators and workflows. Every answer is the envelope
`{"Errors", "Info", "Warnings", "Data"}`. Request bodies are generated from each
operator's typed parameters. Local paths stay inside the server's root."""


def create_app(
    settings: ServerSettings | None = None, session: ServerSession | None = None
) -> FastAPI:
    settings = settings or ServerSettings()
    if settings.token:
        remember(settings.token)  # scrubbed from every answer and log line
    if session is None:
        session = ServerSession(settings.home, settings.root)
    registry = session.registry  # load plugins once, before serving
    tasks = TaskRunner(settings.workers)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        tasks.shutdown()

    app = FastAPI(
        title="Mason",
        version=__version__,
        description=DESCRIPTION,
        openapi_url=OPENAPI_URL,
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.mason = ServerState(settings, session, tasks)

    op_specs = sorted(registry.operators.values(), key=lambda o: (o.namespace, o.command))
    wf_specs = sorted(registry.workflows.values(), key=lambda w: (w.namespace, w.command))
    app.include_router(meta.router())
    app.include_router(jobs.router())
    app.include_router(operators.router(op_specs))
    app.include_router(workflows.router(wf_specs, registry.operators))
    mount_ui(app, OPENAPI_URL)
    _install_errors(app)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
            )
            components = schema.setdefault("components", {})
            schemas = components.setdefault("schemas", {})
            for spec in op_specs:
                schemas[schema_name("params", spec.namespace, spec.command)] = parameters_schema(
                    spec
                )
            if settings.token is not None:
                components["securitySchemes"] = {"bearer": {"type": "http", "scheme": "bearer"}}
                schema["security"] = [{"bearer": []}]
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign, unused-ignore]
    # outermost last: no traceback escapes, then the token, then the body limit
    app.add_middleware(BodyLimit, max_body=settings.max_body)
    app.add_middleware(TokenAuth, token=settings.token)
    app.add_middleware(NoTracebacks)
    return app


def _install_errors(app: FastAPI) -> None:
    async def mason_error(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, MasonError)
        return error_reply(error_status(exc), exc.message)

    async def bad_request(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        problems = [
            f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg', 'invalid')}"
            for e in exc.errors()
        ]
        return error_reply(400, "; ".join(problems) or "invalid request")

    async def http_error(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, HTTPException)
        return error_reply(exc.status_code, str(exc.detail), dict(exc.headers or {}))

    app.add_exception_handler(MasonError, mason_error)
    app.add_exception_handler(RequestValidationError, bad_request)
    app.add_exception_handler(HTTPException, http_error)
