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

from mason_core import messages
from mason_core.errors import MasonError
from mason_core.interrupts import INTERRUPTIONS, interrupted_exit
from mason_core.secrets import scrub

if TYPE_CHECKING:
    import typer

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


def echo(text: str, err: bool = False) -> None:
    """One line of output, as ``typer.echo`` prints it, without importing Typer
    (the listings answered from the index never do)."""
    stream = sys.stderr if err else sys.stdout
    stream.write(f"{text}\n")
    stream.flush()


def echo_json(data: Any) -> None:
    echo(scrub(json.dumps(_jsonable(data), indent=1, default=str)))


def _jsonable(data: Any) -> Any:
    """``data`` as JSON types. Only pydantic models need converting, and there
    are none before pydantic is imported: the cached listings stay light."""
    if "pydantic" not in sys.modules:
        return data
    from mason_core.response import to_jsonable

    return to_jsonable(data)


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
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return json.dumps(_jsonable(value), default=str)
    return str(value)


def emit_response(response: Response, output: OutputFormat | None, title: str) -> None:
    """The envelope as JSON, or messages plus a readable rendering of ``Data``."""
    if resolve_output(output) is OutputFormat.json:
        echo_json(response.envelope())
        return
    err = _console(stderr=True)
    # soft_wrap: a message is one line whatever the terminal (or pipe) width
    for line in response.info:
        err.print(f"[dim]{_escape(one_line(line))}[/dim]", soft_wrap=True)
    for line in response.warnings:
        err.print(f"[yellow]warning:[/yellow] {_escape(one_line(line))}", soft_wrap=True)
    for line in response.errors:
        err.print(f"[red]error:[/red] {_escape(one_line(line))}", soft_wrap=True)
    data = response.envelope()["Data"]
    if not data:
        return
    from mason_core.cli.render import render_data

    render_data(data, title)


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def one_line(message: str) -> str:
    """``message`` as a stderr line: one line, scrubbed of secrets, of bounded
    length; bytes that were not UTF-8 (in a file name, say) and control
    characters (a quoted line of a binary file would drive the terminal) show
    as escapes."""
    return messages.one_line(message, printable=True)


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print a one-line error and return the Exit to raise."""
    import typer

    echo(f"error: {one_line(message)}", err=True)
    return typer.Exit(code)


def exit_code_of(exc: BaseException) -> int | None:
    """The exit code of the ``typer.Exit`` that :func:`fail` returned, when
    ``exc`` is one (without importing Typer when nothing has)."""
    if "typer" not in sys.modules:
        return None
    import typer

    return exc.exit_code if isinstance(exc, typer.Exit) else None


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
