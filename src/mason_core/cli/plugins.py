"""``mason plugins``: what is installed, from which distribution, what each
plugin registers, and any collision between plugins."""

from __future__ import annotations

import typer

from mason_core.cli.output import OutputFormat, cli_errors, echo_json, emit_table, resolve_output
from mason_core.cli.session import current_session


def plugins(output: OutputFormat | None = typer.Option(None, "--output", "-o")) -> None:
    """Installed plugins, their versions, and their clients, operators and workflows."""
    out = resolve_output(output)
    with cli_errors():
        registry = current_session().registry
        rows = [p.row() for p in registry.plugins]
        verbs = registry.client_verbs()
        from mason_core.operators.support import operator_capabilities

        runnable = operator_capabilities(registry)
        if out is OutputFormat.json:
            echo_json({"Plugins": rows, "Clients": verbs, "Operators": runnable})
            return
        emit_table(
            rows,
            ["plugin", "distribution", "version", "status", "clients", "operators", "workflows"],
            "Plugins",
            out,
        )
        if verbs:
            emit_table(verbs, ["client", "engine", "verbs", "plugin"], "Clients", out)
        if runnable:
            emit_table(runnable, ["operator", "needs", "runs_on"], "Operators", out)
        for p in registry.plugins:
            for note in p.warnings:
                typer.echo(f"note: {p.name}: {note}", err=True)


def register(app: typer.Typer) -> None:
    app.command("plugins")(plugins)
