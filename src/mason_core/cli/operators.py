"""``mason op`` / ``mason operator``: list, describe, validate and run operators."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from mason_core.cli.listing import list_or_describe
from mason_core.cli.output import OutputFormat, cli_errors, resolve_output
from mason_core.cli.params import UnknownParams, unknown_params_option
from mason_core.cli.run import RunRequest, run_operator

if TYPE_CHECKING:
    from mason_core.operators.spec import OperatorSpec
    from mason_core.registry import Registry


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
    from mason_core.cli.app import root_help
    from mason_core.index import render_run

    rows = [operator_row(s, registry) for s in registry.operator_specs()]
    return {
        "operators": rows,
        "help": {s.name: describe_operator(s, registry) for s in registry.operator_specs()},
        "root_help": root_help(rows),
        "run": render_run(registry),
    }


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
            list_or_describe(namespace, command, out)
            return
    request = RunRequest(
        namespace, command, params, param_file, config_id, out, validate_only, unknown_params.mode
    )
    code = run_operator(request)
    if code:
        raise typer.Exit(code)


def register(app: typer.Typer) -> None:
    settings: dict[str, list[str]] = {"help_option_names": []}
    app.command("op", context_settings=settings, add_help_option=False)(op)
    app.command("operator", context_settings=settings, add_help_option=False, hidden=True)(op)
