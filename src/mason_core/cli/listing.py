"""What ``mason op``, ``mason op NS``, ``mason op NS CMD --help`` and
``mason --help`` print, answered from the registry index (see
:mod:`mason_core.index`) without Typer, pydantic or any plugin.

This module and what it imports stay light: :mod:`mason_core.cli.entry`
reaches it on every start-up before deciding whether Typer is needed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mason_core.cli.output import (
    OutputFormat,
    cli_errors,
    echo,
    emit_table,
    exit_code_of,
    fail,
    resolve_output,
)

if TYPE_CHECKING:
    from mason_core.home import MasonHome

#: the columns of ``mason op`` in a terminal (JSON output has every field).
LIST_COLUMNS = ["namespace", "command", "description", "parameters", "plugin"]
#: the width ``mason --help`` is rendered at for the index; Typer's help wraps
#: at ``min(terminal columns, 80) - 2``, so the cached text is what Typer would
#: print on any terminal at least this wide plus two (and on a pipe).
ROOT_HELP_WIDTH = 78


def operator_index(home: MasonHome | None = None) -> dict[str, Any]:
    """The cached listing of installed operators of ``home`` (default: the
    environment's MASON_HOME): no plugin or pydantic import when it is up to
    date (see :mod:`mason_core.index`); when it is not, the registry of
    ``home``'s session is built, and that session keeps it."""
    from mason_core.home import MasonHome
    from mason_core.index import load_index

    where = home or MasonHome.from_env()
    return load_index(where, lambda: _build_registry(where), _render)


def _build_registry(home: MasonHome) -> Any:
    from mason_core.runtime import home_session

    return home_session(home).registry


def _render(registry: Any) -> dict[str, Any]:
    from mason_core.cli.operators import render_index

    return render_index(registry)


def listed(index: dict[str, Any], namespace: str | None = None) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = index["operators"]
    return [r for r in rows if namespace is None or r["namespace"] == namespace]


def list_or_describe(namespace: str | None, command: str | None, out: OutputFormat) -> None:
    """``mason op [NS]`` and ``mason op NS CMD --help``, from the registry index."""
    index = operator_index()
    if namespace is None:
        rows = listed(index)
        if not rows:
            from mason_core.config.providers import OPERATOR_BUNDLE, install_hint

            echo(
                "No operators registered. Install an operator plugin "
                f"({install_hint(OPERATOR_BUNDLE)}) or run 'mason register PATH'."
            )
            return
        emit_table(rows, LIST_COLUMNS, "Available operators", out)
        return
    if command is None:
        rows = listed(index, namespace)
        if not rows:
            from mason_core.registry import unknown_namespace_hint

            known = (r["namespace"] for r in listed(index))
            raise fail(
                f"unknown operator namespace '{namespace}'"
                + unknown_namespace_hint(namespace, known)
            )
        emit_table(rows, LIST_COLUMNS, f"Available {namespace} operators", out)
        return
    text = index["help"].get(f"{namespace} {command}")
    if text is None:
        from mason_core.registry import unknown_operator

        raise unknown_operator(
            namespace, command, ((r["namespace"], r["command"]) for r in listed(index))
        )
    echo(text)


def listing_request(args: list[str]) -> tuple[str | None, str | None, OutputFormat] | None:
    """``(namespace, command, output)`` when ``args`` only list operators or ask
    for one's help (``op [NS] [--output F]``, ``op NS CMD --help``), else None.

    Typer coerces every parsed parameter through pydantic; these requests are
    answered from the registry index before Typer is imported, so a warm start
    imports neither Typer, pydantic nor a plugin. Anything else goes to Typer.
    """
    if not args or args[0] not in ("op", "operator"):
        return None
    positional: list[str] = []
    output: str | None = None
    show_help = False
    rest = iter(args[1:])
    for arg in rest:
        if arg in ("-h", "--help"):
            show_help = True
        elif arg in ("-o", "--output") or arg.startswith("--output="):
            output = arg.partition("=")[2] if "=" in arg else next(rest, None)
            if output not in ("json", "table"):
                return None  # Typer reports the bad value
        elif arg.startswith("-") or len(positional) == 2:
            return None
        else:
            positional.append(arg)
    namespace, command = [*positional, None, None][:2]
    if (command is not None) != show_help or (namespace is None and show_help):
        return None  # a run, or ``mason op --help`` (Typer's own help)
    return namespace, command, resolve_output(OutputFormat(output) if output else None)


def answer_listing(request: tuple[str | None, str | None, OutputFormat]) -> int:
    """Print what :func:`listing_request` asked for; the exit code."""
    try:
        with cli_errors():
            list_or_describe(*request)
    except Exception as exc:
        code = exit_code_of(exc)
        if code is None:
            raise
        return code
    return 0


def cached_root_help() -> str | None:
    """``mason --help`` as cached in the index, when the terminal is wide enough
    for it to be what Typer would print; else None (Typer renders it)."""
    import shutil  # (with bz2 and lzma): not on the way of a run, which imports this module

    if shutil.get_terminal_size().columns < ROOT_HELP_WIDTH + 2:
        return None
    try:
        text = operator_index().get("root_help")
    except Exception:  # an unreadable index or a broken plugin: Typer says it
        return None
    return text if isinstance(text, str) else None
