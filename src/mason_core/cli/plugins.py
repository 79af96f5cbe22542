"""``mason plugins``: what is installed and what each plugin registers."""

from __future__ import annotations

import typer

from mason_core.cli.output import OutputFormat, cli_errors, echo_json, emit_table, resolve_output
from mason_core.cli.session import current_session


def plugins(output: OutputFormat | None = typer.Option(None, "--output", "-o")) -> None:
    """Installed plugins, their versions, and their clients, operators and workflows."""
    out = resolve_output(output)
    with cli_errors():
        registry = current_session().registry
        rows = [
            {
                "plugin": p.name,
                "version": p.version or "",
                "status": "ok" if p.ok else f"FAILED: {p.error}",
                "clients": p.clients,
                "engines": p.engines,
                "operators": p.operators,
                "workflows": p.workflows,
                "warnings": p.warnings,
            }
            for p in registry.plugins
        ]
        verbs = registry.client_verbs()
        from mason_core.operators.support import operator_capabilities

        runnable = operator_capabilities(registry)
        if out is OutputFormat.json:
            echo_json({"Plugins": rows, "Clients": verbs, "Operators": runnable})
            return
        emit_table(
            rows,
            ["plugin", "version", "status", "clients", "operators", "workflows"],
            "Plugins",
            out,
        )
        if verbs:
            emit_table(verbs, ["client", "engine", "verbs", "plugin"], "Clients", out)
        if runnable:
            emit_table(runnable, ["operator", "needs", "runs_on"], "Operators", out)


def register(app: typer.Typer) -> None:
    app.command("plugins")(plugins)
