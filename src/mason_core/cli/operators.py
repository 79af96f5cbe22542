"""``mason op`` / ``mason operator``: list, describe, validate and run operators."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from mason_core.cli.output import (
    OutputFormat,
    cli_errors,
    emit_response,
    emit_table,
    fail,
    resolve_output,
)
from mason_core.cli.params import UnknownParams, collect_parameters, unknown_params_option
from mason_core.cli.session import current_session

if TYPE_CHECKING:
    from mason_core.operators.spec import OperatorSpec
    from mason_core.registry import Registry

#: the columns of ``mason op`` in a terminal (JSON output has every field).
LIST_COLUMNS = ["namespace", "command", "description", "parameters", "plugin"]


def operator_row(spec: OperatorSpec, registry: Registry) -> dict[str, Any]:
    """One operator as ``mason op`` lists it; a registered one says what it overrides."""
    replaced = registry.overridden("operator", spec.namespace, spec.command)
    return {
        "namespace": spec.namespace,
        "command": spec.command,
        "description": spec.description,
        "parameters": {"required": spec.required_names(), "optional": spec.optional_names()},
        "plugin": f"{spec.plugin} (overrides {replaced})" if replaced else spec.plugin,
    }


def render_index(registry: Registry) -> dict[str, Any]:
    """What the listing and help paths print, for the registry index."""
    return {
        "operators": [operator_row(s, registry) for s in registry.operator_specs()],
        "help": {s.name: describe_operator(s, registry) for s in registry.operator_specs()},
    }


def operator_index() -> dict[str, Any]:
    """The cached listing of installed operators: no plugin or pydantic import
    when it is up to date (see :mod:`mason_core.index`)."""
    from mason_core.home import MasonHome
    from mason_core.index import load_index

    return load_index(MasonHome.from_env(), lambda: current_session().registry, render_index)


def _listed(index: dict[str, Any], namespace: str | None = None) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = index["operators"]
    return [r for r in rows if namespace is None or r["namespace"] == namespace]


def describe_operator(spec: OperatorSpec, registry: Registry) -> str:
    """The help text of one operator, from its definition and the installed
    clients (cached in the registry index: it may depend on the registry, never
    on the configuration)."""
    from mason_core.operators.support import capable_clients, describe_combination

    overrides = registry.overridden("operator", spec.namespace, spec.command)
    lines = [
        f'Usage: mason op {spec.namespace} {spec.command} [-p "k:v,..."] [-f FILE] '
        "[-c CONFIG_ID] [--output json|table] [--validate]",
        "",
    ]
    if spec.description:
        lines += [f"  {spec.description}", ""]
    lines.append("Parameters:")
    if not spec.parameters:
        lines.append("  (none)")
    for p in spec.parameters:
        flags = [p.type, "required" if p.required else "optional"]
        if p.default is not None:
            flags.append(f"default: {p.default}")
        if p.choices:
            flags.append(f"one of: {', '.join(map(str, p.choices))}")
        lines.append(f"  {p.name:<22} {'; '.join(flags)}")
        if p.description:
            lines.append(f"  {'':<22} {p.description}")
    if spec.requires:
        lines += ["", "Requires (engine: verbs):"]
        for engine, verbs in spec.requires.items():
            lines.append(f"  {engine}: {', '.join(verbs) or 'any verb'}")
    else:
        lines += ["", "Supported configurations:"]
        if not spec.supported_configurations:
            lines.append("  any")
        for entry in spec.supported_configurations:
            lines.append("  " + ", ".join(f"{e}: {c}" for e, c in entry.items()))
    lines += ["", "Installed clients that can run it:"]
    capable = capable_clients(spec, registry)
    lines += [f"  {describe_combination(c)}" for c in capable] or ["  none"]
    example = ",".join(f"{n}:<{n}>" for n in spec.required_names())
    if example:
        lines += ["", "Example:", f'  mason op {spec.namespace} {spec.command} -p "{example}"']
    lines += [
        "",
        f"Defined by plugin '{spec.plugin}'"
        + (f" in {spec.source_dir}" if spec.source_dir else "")
        + (f" (overrides {overrides})" if overrides else ""),
    ]
    return "\n".join(lines)


def op(
    namespace: str | None = typer.Argument(None, help="Operator namespace (e.g. table)."),
    command: str | None = typer.Argument(None, help="Operator command (e.g. get)."),
    params: str | None = typer.Option(
        None, "-p", "--parameters", help='Parameters as "k:v,k2:v2"; quote values holding commas.'
    ),
    param_file: Path | None = typer.Option(
        None, "-f", "--file", help="YAML file of parameters (applied before -p)."
    ),
    config_id: str | None = typer.Option(
        None, "-c", "--config", help="Configuration id (default: the current one)."
    ),
    output: OutputFormat | None = typer.Option(
        None, "--output", "-o", help="json or table (default: table on a terminal)."
    ),
    validate_only: bool = typer.Option(
        False, "--validate", help="Check parameters and configuration, run nothing."
    ),
    show_help: bool = typer.Option(False, "--help", "-h", help="Show help and exit."),
    unknown_params: UnknownParams = unknown_params_option(),
) -> None:
    """List operators, or run one: mason op NAMESPACE COMMAND -p "k:v,..."."""
    out = resolve_output(output)
    with cli_errors():
        if namespace is None and show_help:
            import click

            typer.echo(click.get_current_context().get_help())
            raise typer.Exit()
        if namespace is None or command is None or show_help:
            _list_or_describe(namespace, command, out)
            return
        session = current_session()
        given = collect_parameters(params, param_file)
        if validate_only:
            emit_response(
                session.validate(namespace, command, given, config_id, unknown_params.mode),
                out,
                "Validation",
            )
            return
        from mason_core.cli.progress import progress_for

        prepared = session.prepare(namespace, command, given, config_id, unknown_params.mode)
        progress = progress_for(out)
        try:
            response = session.run_prepared(prepared, progress)
        finally:
            progress.finish()
    emit_response(response, out, f"{namespace} {command}")
    if not response.ok:
        raise typer.Exit(response.exit_code or 1)


def _list_or_describe(namespace: str | None, command: str | None, out: OutputFormat) -> None:
    """``mason op [NS]`` and ``mason op NS CMD --help``, from the registry index."""
    index = operator_index()
    if namespace is None:
        rows = _listed(index)
        if not rows:
            from mason_core.config.providers import OPERATOR_BUNDLE, install_hint

            typer.echo(
                "No operators registered. Install an operator plugin "
                f"({install_hint(OPERATOR_BUNDLE)}) or run 'mason register PATH'."
            )
            return
        emit_table(rows, LIST_COLUMNS, "Available operators", out)
        return
    if command is None:
        rows = _listed(index, namespace)
        if not rows:
            from mason_core.registry import unknown_namespace_hint

            known = (r["namespace"] for r in _listed(index))
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
            namespace, command, ((r["namespace"], r["command"]) for r in _listed(index))
        )
    typer.echo(text)
    raise typer.Exit()


def listing_request(args: list[str]) -> tuple[str | None, str | None, OutputFormat] | None:
    """``(namespace, command, output)`` when ``args`` only list operators or ask
    for one's help (``op [NS] [--output F]``, ``op NS CMD --help``), else None.

    Typer coerces every parsed parameter through pydantic; these requests are
    answered from the registry index before Typer parses anything, so a warm
    start imports neither pydantic nor a plugin. Anything else goes to Typer.
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
            _list_or_describe(*request)
    except typer.Exit as exc:
        return int(exc.exit_code)
    return 0


def register(app: typer.Typer) -> None:
    settings: dict[str, list[str]] = {"help_option_names": []}
    app.command("op", context_settings=settings, add_help_option=False)(op)
    app.command("operator", context_settings=settings, add_help_option=False, hidden=True)(op)
