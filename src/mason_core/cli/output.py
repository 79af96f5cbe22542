"""How the CLI prints: the JSON envelope, readable tables, one-line errors."""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from enum import Enum
from typing import TYPE_CHECKING, Any

import typer

from mason_core.errors import MasonError
from mason_core.interrupts import INTERRUPTIONS, interrupted_exit
from mason_core.secrets import scrub

if TYPE_CHECKING:
    from mason_core.response import Response

log = logging.getLogger("mason")


class OutputFormat(str, Enum):
    json = "json"
    table = "table"


def default_output() -> OutputFormat:
    """Tables for people at a terminal, JSON for pipes and scripts."""
    return OutputFormat.table if sys.stdout.isatty() else OutputFormat.json


def resolve_output(output: OutputFormat | None) -> OutputFormat:
    return output if output is not None else default_output()


def _console(stderr: bool = False) -> Any:
    from rich.console import Console

    return Console(stderr=stderr, soft_wrap=False, highlight=False)


def echo_json(data: Any) -> None:
    from mason_core.response import to_jsonable

    typer.echo(scrub(json.dumps(to_jsonable(data), indent=1, default=str)))


def emit_table(
    rows: Sequence[dict[str, Any]],
    columns: Sequence[str],
    title: str,
    output: OutputFormat | None = None,
) -> None:
    """A list of records: a rich table on a terminal, a JSON array otherwise."""
    if resolve_output(output) is OutputFormat.json:
        echo_json([{c: r.get(c) for c in columns} for r in rows])
        return
    from rich.table import Table

    table = Table(title=title, title_justify="left", show_lines=False)
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*(scrub(_cell(row.get(c))) for c in columns))
    _console().print(table)


def _cell(value: Any) -> str:
    from mason_core.response import to_jsonable

    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return json.dumps(to_jsonable(value), default=str)
    return str(value)


def emit_response(response: Response, output: OutputFormat | None, title: str) -> None:
    """The envelope as JSON, or messages plus a readable rendering of ``Data``."""
    if resolve_output(output) is OutputFormat.json:
        echo_json(response.envelope())
        return
    err = _console(stderr=True)
    for line in response.info:
        err.print(f"[dim]{_escape(scrub(line))}[/dim]")
    for line in response.warnings:
        err.print(f"[yellow]warning:[/yellow] {_escape(scrub(line))}")
    for line in response.errors:
        err.print(f"[red]error:[/red] {_escape(scrub(line))}")
    data = response.envelope()["Data"]
    if not data:
        return
    from mason_core.cli.render import render_data

    render_data(data, title)


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print a one-line error and return the Exit to raise."""
    typer.echo(f"error: {scrub(message)}", err=True)
    return typer.Exit(code)


@contextmanager
def cli_errors() -> Iterator[None]:
    """Turn Mason's errors into one stderr line and the contract's exit code.

    With ``--debug`` (or MASON_DEBUG=1) the traceback is shown too.
    """
    try:
        yield
    except MasonError as exc:
        if debug_enabled():
            log.exception("mason error")
        raise fail(exc.message, exc.exit_code) from None
    except INTERRUPTIONS as exc:
        raise fail(*interrupted_exit(exc)) from None


def debug_enabled() -> bool:
    return os.environ.get("MASON_DEBUG", "") not in ("", "0", "false")
