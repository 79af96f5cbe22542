"""``mason plugins``: what is installed and what each plugin registers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typer

from mason_core.cli.output import OutputFormat, cli_errors, echo_json, emit_table, resolve_output
from mason_core.cli.session import current_session

if TYPE_CHECKING:
    from mason_core.registry import Registry


def client_verbs(registry: Registry) -> list[dict[str, Any]]:
    """Per client and engine, the verbs its implementation serves.

    Implementation modules are imported (they must be light); one that fails
    to import is reported instead of its verbs.
    """
    rows: list[dict[str, Any]] = []
    for name, spec in sorted(registry.clients.items()):
        for engine in sorted(spec.engines):
            try:
                verbs = ", ".join(spec.implementation(engine).served_verbs()) or "(none)"
            except Exception as exc:
                verbs = f"UNAVAILABLE: {exc}"
            rows.append({"client": name, "engine": engine, "verbs": verbs, "plugin": spec.plugin})
    return rows


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
        verbs = client_verbs(registry)
        if out is OutputFormat.json:
            echo_json({"Plugins": rows, "Clients": verbs})
            return
        emit_table(
            rows,
            ["plugin", "version", "status", "clients", "operators", "workflows"],
            "Plugins",
            out,
        )
        if verbs:
            emit_table(verbs, ["client", "engine", "verbs", "plugin"], "Clients", out)


def register(app: typer.Typer) -> None:
    app.command("plugins")(plugins)
