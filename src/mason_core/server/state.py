"""What every route shares: settings, the confined session, background runs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import Query, Request
from fastapi.responses import JSONResponse

from mason_core.errors import ParameterError
from mason_core.server.body import parse_json_body, shown_key
from mason_core.server.envelope import Envelope, envelope, reply
from mason_core.server.session import ServerSession
from mason_core.server.settings import ServerSettings
from mason_core.server.tasks import Task, TaskRunner

#: the ``?async=true`` flag of every run operation.
ASYNC = Query(False, alias="async", description="Start the run and answer 202 with its run id.")
#: the OpenAPI entry of a run operation's 202 answer.
STARTED_RESPONSES: dict[int | str, dict[str, object]] = {
    202: {"model": Envelope, "description": "Started; poll the run id."}
}


@dataclass
class ServerState:
    settings: ServerSettings
    session: ServerSession
    tasks: TaskRunner


def state(request: Request) -> ServerState:
    found: ServerState = request.app.state.mason
    return found


async def read_body(request: Request, allowed: dict[str, tuple[type, ...]]) -> dict[str, Any]:
    """The JSON object sent, checked only for shape (keys and their JSON types);
    an empty body is ``{}``. Parameters themselves are the core's to validate."""
    raw = await request.body()
    if not raw.strip():
        return {}
    data = parse_json_body(raw)
    if not isinstance(data, dict):
        raise ParameterError(["request body must be a JSON object"])
    problems: list[str] = []
    unknown = sorted(shown_key(k) for k in data if k not in allowed)
    if unknown:
        problems.append(f"unknown body keys {', '.join(unknown)} (accepted: {', '.join(allowed)})")
    for key, kinds in allowed.items():
        value = data.get(key)
        if value is not None and (
            not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds)
        ):
            problems.append(f"body key '{key}' has the wrong type")
    if problems:
        raise ParameterError(problems)
    return data


def config_id_of(body: dict[str, Any]) -> str | None:
    value = body.get("config_id")
    return None if value is None else str(value)


def started_reply(request: Request, task: Task, status_route: str, info: str) -> JSONResponse:
    """202 for a background run, pointing (``Location`` and ``href``) at its status route."""
    href = str(request.url_for(status_route, run_id=task.id).path)
    return reply(envelope([{**task.to_data(), "href": href}], info=[info]), 202, {"Location": href})
