"""Running one operator from the command line: ``mason op NS CMD [-p "k:v,..."]
[-f FILE] [-c CONFIG_ID] [-o json|table] [--validate] [--unknown-params M]``.

Typer-free, like :mod:`mason_core.cli.listing`: :mod:`mason_core.cli.entry`
recognises a plain call (:func:`run_request`) and runs it here without
importing Typer or the other commands; anything else (``--debug``, a repeated
or unknown option, a bad value) goes to Typer, whose ``op`` command runs
:func:`run_operator` too, so both ways check, run and report alike.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from mason_core.cli.output import OutputFormat, cli_errors, emit_response, resolve_output
from mason_core.cli.params import UNKNOWN_PARAMS_ENV, collect_parameters
from mason_core.cli.session import current_session, run_session
from mason_core.interrupts import interruption

#: the options of ``mason op NS CMD`` that take a value -> RunRequest field
_VALUED = {
    "-p": "params",
    "--parameters": "params",
    "-f": "param_file",
    "--file": "param_file",
    "-c": "config_id",
    "--config": "config_id",
    "-o": "output",
    "--output": "output",
    "--unknown-params": "unknown",
}


@dataclass(frozen=True)
class RunRequest:
    namespace: str
    command: str
    params: str | None
    param_file: Path | None
    config_id: str | None
    output: OutputFormat
    validate_only: bool
    unknown_mode: Literal["error", "warn"]


def run_request(args: list[str]) -> RunRequest | None:
    """The call ``args`` ask for when they are a plain ``op NS CMD`` with each
    option at most once and every value well-formed; else None (Typer parses
    them, and reports what is wrong)."""
    if len(args) < 3 or args[0] not in ("op", "operator"):
        return None
    namespace, command, *rest = args[1:]
    if namespace.startswith("-") or command.startswith("-"):
        return None
    values: dict[str, str] = {}
    validate_only = False
    items = iter(rest)
    for arg in items:
        value: str | None
        if arg == "--validate" and not validate_only:
            validate_only = True
            continue
        name, eq, inline = arg.partition("=")
        if arg.startswith("--") and eq:
            field, value = _VALUED.get(name), inline
        else:
            field, value = _VALUED.get(arg), next(items, None)
            if value is not None and value.startswith("-"):
                return None  # an option where a value belongs: Typer says so
        if field is None or field in values or value is None:
            return None
        values[field] = value
    output = values.get("output")
    unknown = values.get("unknown") or os.environ.get(UNKNOWN_PARAMS_ENV) or "error"
    if output not in (None, "json", "table") or unknown not in ("error", "warn"):
        return None
    param_file = values.get("param_file")
    return RunRequest(
        namespace=namespace,
        command=command,
        params=values.get("params"),
        param_file=Path(param_file) if param_file is not None else None,
        config_id=values.get("config_id"),
        output=resolve_output(OutputFormat(output) if output else None),
        validate_only=validate_only,
        unknown_mode="warn" if unknown == "warn" else "error",
    )


def run_operator(request: RunRequest) -> int:
    """Validate (``--validate``: only that) and run the operator, print its
    response; the exit code."""
    r = request
    with cli_errors():
        given = collect_parameters(r.params, r.param_file)
        if r.validate_only:  # validation vouches for the whole installation
            validation = current_session().validate(
                r.namespace, r.command, given, r.config_id, r.unknown_mode
            )
            emit_response(validation, r.output, "Validation")
            return 0
        from mason_core.cli.progress import progress_for

        session = run_session(r.namespace, r.command)
        prepared = session.prepare(r.namespace, r.command, given, r.config_id, r.unknown_mode)
        progress = progress_for(r.output)
        try:
            response = session.run_prepared(prepared, progress)
        finally:
            progress.finish()
        if not response.ok:
            swallowed_interruption()
    emit_response(response, r.output, f"{r.namespace} {r.command}")
    return 0 if response.ok else (response.exit_code or 1)


def swallowed_interruption() -> None:
    """Raise the Ctrl-C or SIGTERM this process received, if any: a failure
    after one is the interruption, whatever turned it into another error (an
    engine, or pydantic-core building a deferred model's validator, which
    reports an exception raised inside it as a SchemaError)."""
    signalled = interruption()
    if signalled is not None:
        raise signalled
