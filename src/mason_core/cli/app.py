"""``mason``: the Typer application and its top-level commands.

Operator, config and plugin commands live in their own modules; this one
wires them together and owns the global options.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import typer

from mason_core.__about__ import __version__
from mason_core.cli.entry import configure_logging, guarded

BANNER = "Mason Data Operator Framework: self-contained, parameterized, composable data operators."

app = typer.Typer(
    name="mason",
    help=BANNER,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"mason {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", "-V", callback=_version, is_eager=True, help="Print the version."
    ),
    debug: bool = typer.Option(
        False, "--debug", help="Show tracebacks and debug logs (never secrets)."
    ),
) -> None:
    if debug:
        os.environ["MASON_DEBUG"] = "1"
    configure_logging(debug)


def _mount() -> None:
    from mason_core.cli import configs, definitions, operators, plugins

    operators.register(app)
    configs.register(app)
    definitions.register(app)
    plugins.register(app)
    from mason_core.cli import server, workflow

    workflow.register(app)
    server.register(app)


_mount()


def _operator_epilog() -> str | None:
    """Installed operator namespaces, shown under ``mason --help`` (from the
    registry index, so a warm start imports no plugin)."""
    from mason_core.cli.listing import operator_index

    try:
        rows = operator_index()["operators"]
    except Exception:
        return None
    return _epilog(rows)


def _epilog(rows: list[dict[str, Any]]) -> str:
    commands: dict[str, list[str]] = {}
    for row in rows:
        commands.setdefault(row["namespace"], []).append(row["command"])
    parts = [f"{ns} ({', '.join(sorted(cmds))})" for ns, cmds in sorted(commands.items())]
    if not parts:
        from mason_core.config.providers import OPERATOR_BUNDLE, install_hint

        return f"No operators installed: {install_hint(OPERATOR_BUNDLE)}, or mason register PATH."
    return f"Operators: {'; '.join(parts)}. Run 'mason op NAMESPACE COMMAND --help' for one."


def root_help(rows: list[dict[str, Any]]) -> str:
    """``mason --help`` with the epilog of ``rows``, as Typer prints it on a
    terminal at least 80 columns wide: cached in the registry index, from which
    :mod:`mason_core.cli.entry` answers it without importing Typer."""
    from mason_core.cli.listing import ROOT_HELP_WIDTH

    app.info.epilog = _epilog(rows)
    command = typer.main.get_command(app)
    with command.make_context(
        "mason", [], terminal_width=ROOT_HELP_WIDTH, resilient_parsing=True
    ) as ctx:
        return command.get_help(ctx)


def main(argv: list[str] | None = None) -> None:
    """The Typer application (the ``mason`` script's :func:`mason_core.cli.entry.main`
    answers listings and help from the index before coming here)."""
    args = sys.argv[1:] if argv is None else argv
    if not args or (args[-1] in ("-h", "--help") and len(args) == 1):
        app.info.epilog = _operator_epilog()
    # typer.Exit and SystemExit end it as Typer means; interruptions and bugs, one line
    raise SystemExit(guarded(lambda: app(args=args, prog_name="mason")))


if __name__ == "__main__":  # pragma: no cover
    main()
