"""``mason op`` / ``mason operator``: list, describe, validate and run operators."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

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


def operator_rows(specs: list[OperatorSpec]) -> list[dict[str, object]]:
    return [
        {
            "namespace": s.namespace,
            "command": s.command,
            "description": s.description,
            "parameters": {"required": s.required_names(), "optional": s.optional_names()},
            "plugin": s.plugin,
        }
        for s in specs
    ]


def describe_operator(spec: OperatorSpec) -> str:
    """The help text of one operator, from its definition."""
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
    lines += ["", "Supported configurations:"]
    if not spec.supported_configurations:
        lines.append("  any")
    for entry in spec.supported_configurations:
        lines.append("  " + ", ".join(f"{e}: {c}" for e, c in entry.items()))
    example = ",".join(f"{n}:<{n}>" for n in spec.required_names())
    if example:
        lines += ["", "Example:", f'  mason op {spec.namespace} {spec.command} -p "{example}"']
    lines += [
        "",
        f"Defined by plugin '{spec.plugin}'"
        + (f" in {spec.source_dir}" if spec.source_dir else ""),
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
        session = current_session()
        registry = session.registry
        if namespace is None:
            if show_help:
                import click

                typer.echo(click.get_current_context().get_help())
                raise typer.Exit()
            specs = registry.operator_specs()
            if not specs:
                typer.echo(
                    "No operators registered. Install an operator plugin "
                    "(pip install mason-operators-table) or run 'mason register PATH'."
                )
                return
            emit_table(
                operator_rows(specs),
                ["namespace", "command", "description", "parameters"],
                "Available operators",
                out,
            )
            return
        if command is None:
            specs = registry.operator_specs(namespace)
            if not specs:
                known = ", ".join(registry.operator_namespaces()) or "none"
                raise fail(f"unknown operator namespace '{namespace}' (namespaces: {known})")
            emit_table(
                operator_rows(specs),
                ["namespace", "command", "description", "parameters"],
                f"Available {namespace} operators",
                out,
            )
            return
        spec = registry.operator(namespace, command)
        if show_help:
            typer.echo(describe_operator(spec))
            raise typer.Exit()
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


def register(app: typer.Typer) -> None:
    settings: dict[str, list[str]] = {"help_option_names": []}
    app.command("op", context_settings=settings, add_help_option=False)(op)
    app.command("operator", context_settings=settings, add_help_option=False, hidden=True)(op)
