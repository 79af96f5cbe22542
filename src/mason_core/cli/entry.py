"""The ``mason`` console script.

Listings and help (``mason op``, ``mason op NS``, ``mason op NS CMD --help``,
``mason --help``) are answered from the registry index before Typer,
pydantic or any plugin is imported; a plain ``mason op NS CMD -p ...`` runs
without Typer (:mod:`mason_core.cli.run`); everything else goes to the Typer
application in :mod:`mason_core.cli.app`. Every way runs under :func:`guarded`.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable


def configure_logging(debug: bool) -> None:
    """Mason's log records go to stderr, scrubbed of secrets."""
    from mason_core.secrets import ScrubbingFilter, ScrubbingFormatter

    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(ScrubbingFilter())
    handler.setFormatter(ScrubbingFormatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger("mason")
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if debug else logging.WARNING)
    root.propagate = False


def guarded(call: Callable[[], int | None]) -> int:
    """Run a command with Ctrl-C and SIGTERM raised as exceptions; the exit code.
    An interruption or a bug ends it with one scrubbed line on stderr (the
    traceback only with ``--debug``), never a traceback."""
    from mason_core.cli.output import debug_enabled, echo, exit_code_of, fail
    from mason_core.interrupts import (
        INTERRUPTIONS,
        interrupted_exit,
        interruption,
        raise_on_signals,
    )

    try:
        # inside the try: a signal that lands while the handlers are set up
        # (the watcher thread starting) is an interruption like any other
        raise_on_signals()
        return call() or 0
    except INTERRUPTIONS as exc:
        message, code = interrupted_exit(exc)
        echo(f"error: {message}", err=True)
        return code
    except BrokenPipeError:  # the reader of stdout went away: main() ends quietly
        raise
    except Exception as exc:
        reported = exit_code_of(exc)  # an error ``fail`` reported already
        if reported is not None:
            return reported
        signalled = interruption()
        if signalled is not None:  # the interruption, turned into another error on its way
            message, code = interrupted_exit(signalled)
            echo(f"error: {message}", err=True)
            return code
        if debug_enabled():  # a bug: one scrubbed line, the traceback only with --debug
            logging.getLogger("mason").error("unexpected error", exc_info=True)
        from mason_core.machine import no_space_error

        full = no_space_error(exc)  # the machine's fault, not a bug
        if full is not None:
            return fail(full.message, full.exit_code).exit_code
        return fail(f"internal error: {type(exc).__name__}: {exc}", 1).exit_code


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
    from mason_core.cli.listing import answer_listing, cached_root_help, listing_request

    listing = listing_request(args)
    if listing is not None:
        configure_logging(debug=False)
        raise SystemExit(answer_listing(listing))
    if args in (["--help"], ["-h"]):
        configure_logging(debug=False)
        text = cached_root_help()
        if text is not None:
            sys.stdout.write(text + "\n")
            raise SystemExit(0)
    from mason_core.cli.run import run_operator, run_request

    request = run_request(args)
    if request is not None:  # a plain operator call: no Typer either
        configure_logging(debug=False)
        raise SystemExit(guarded(lambda: run_operator(request)))
    from mason_core.cli.app import main as run

    run(args)


if __name__ == "__main__":  # pragma: no cover
    main()
