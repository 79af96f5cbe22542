"""HTTP answers in the envelope of DESIGN.md, and which status each outcome gets.

Every answer, errors included, is ``{"Errors", "Info", "Warnings", "Data"}``;
an error is one line, scrubbed of secrets, never a traceback.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from mason_core.errors import (
    AlreadyExistsError,
    MasonError,
    MasonUsageError,
    NotFoundError,
    UnknownOperatorError,
)
from mason_core.messages import one_line
from mason_core.response import Response, to_jsonable


class Envelope(BaseModel):
    """The schema of every answer, for the OpenAPI document."""

    model_config = ConfigDict(title="Envelope", defer_build=True)

    Errors: list[str] = Field(default_factory=list, description="One line per error.")
    Info: list[str] = Field(default_factory=list)
    Warnings: list[str] = Field(default_factory=list)
    Data: list[Any] = Field(default_factory=list, description="What the call produced.")


def envelope(
    data: Iterable[Any] = (),
    *,
    errors: Iterable[str] = (),
    info: Iterable[str] = (),
    warnings: Iterable[str] = (),
) -> dict[str, Any]:
    return {
        "Errors": [one_line(e) for e in errors],
        "Info": list(info),
        "Warnings": list(warnings),
        "Data": [to_jsonable(d) for d in data],
    }


def reply(
    body: dict[str, Any], status: int = 200, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(body, status_code=status, headers=headers)


def error_reply(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return reply(envelope(errors=[message]), status, headers)


def response_status(response: Response) -> int:
    """200 when the operator succeeded; otherwise the status of the error that
    failed it (404 for a missing table or job, 409 for an existing output, 400
    for bad input found while running), 500 when a client failed."""
    if response.ok:
        return 200
    if isinstance(response.failure, MasonError):
        return error_status(response.failure)
    return 400 if response.exit_code == 2 else 500


def response_body(response: Response) -> dict[str, Any]:
    """An operator's envelope, its errors one line each, as every answer's are."""
    body = response.envelope()
    body["Errors"] = [one_line(e) for e in body["Errors"]]
    return body


def response_reply(response: Response) -> JSONResponse:
    return reply(response_body(response), response_status(response))


def error_status(exc: MasonError) -> int:
    if isinstance(exc, (UnknownOperatorError, NotFoundError)):
        return 404
    if isinstance(exc, AlreadyExistsError):
        return 409
    if isinstance(exc, MasonUsageError):
        return 400
    return 500


#: documented on every operation; the body is always an :class:`Envelope`.
COMMON_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": Envelope, "description": "Bad input: parameters, configuration, names."},
    401: {"model": Envelope, "description": "Missing or wrong bearer token."},
    404: {"model": Envelope, "description": "No such operator, workflow, job or run."},
    413: {"model": Envelope, "description": "Request body over the server's limit."},
    500: {"model": Envelope, "description": "The work ran and failed inside a client."},
}
