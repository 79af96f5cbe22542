"""``mason``: the Typer application and its top-level commands.

Operator, config and plugin commands live in their own modules; this one
wires them together and owns the global options.
"""

from __future__ import annotations

import logging
import os
import sys

import typer

from mason_core.__about__ import __version__

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
    _configure_logging(debug)


def _configure_logging(debug: bool) -> None:
    from mason_core.secrets import ScrubbingFilter, ScrubbingFormatter

    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(ScrubbingFilter())
    handler.setFormatter(ScrubbingFormatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger("mason")
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if debug else logging.WARNING)
    root.propagate = False


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
    from mason_core.cli.operators import operator_index

    try:
        rows = operator_index()["operators"]
    except Exception:
        return None
    commands: dict[str, list[str]] = {}
    for row in rows:
        commands.setdefault(row["namespace"], []).append(row["command"])
    parts = [f"{ns} ({', '.join(sorted(cmds))})" for ns, cmds in sorted(commands.items())]
    if not parts:
        from mason_core.config.providers import OPERATOR_BUNDLE, install_hint

        return f"No operators installed: {install_hint(OPERATOR_BUNDLE)}, or mason register PATH."
    return f"Operators: {'; '.join(parts)}. Run 'mason op NAMESPACE COMMAND --help' for one."


def main(argv: list[str] | None = None) -> None:
    from mason_core.cli import streams

    streams.guard_standard_streams()
    command = streams.utf8_mode_command() if argv is None else None
    if command is not None:  # an ASCII-only Python: run again in UTF-8 mode
        sys.stdout.flush()
        os.execv(command[0], command)
    try:
        _main(sys.argv[1:] if argv is None else argv)
    except BrokenPipeError:  # the reader of stdout went away (| head): quietly
        streams.discard_stdout()
        raise SystemExit(streams.BROKEN_PIPE_EXIT) from None


def _main(args: list[str]) -> None:
    from mason_core.cli.operators import answer_listing, listing_request

    listing = listing_request(args)
    if listing is not None:  # answered from the registry index, before Typer
        _configure_logging(debug=False)
        raise SystemExit(answer_listing(listing))
    if not args or (args[-1] in ("-h", "--help") and len(args) == 1):
        app.info.epilog = _operator_epilog()
    from mason_core.interrupts import INTERRUPTIONS, interrupted_exit, raise_on_signals

    raise_on_signals()
    try:
        app(args=args, prog_name="mason")
    except INTERRUPTIONS as exc:
        message, code = interrupted_exit(exc)
        typer.echo(f"error: {message}", err=True)
        raise SystemExit(code) from None
    except BrokenPipeError:
        raise
    except Exception as exc:  # a bug: one scrubbed line, the traceback only with --debug
        from mason_core.cli.output import debug_enabled, fail
        from mason_core.machine import no_space_error

        if debug_enabled():
            logging.getLogger("mason").error("unexpected error", exc_info=True)
        full = no_space_error(exc)  # the machine's fault, not a bug
        if full is not None:
            raise SystemExit(fail(full.message, full.exit_code).exit_code) from None
        raise SystemExit(
            fail(f"internal error: {type(exc).__name__}: {exc}", 1).exit_code
        ) from None


if __name__ == "__main__":  # pragma: no cover
    main()
