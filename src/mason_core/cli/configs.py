"""``mason config``: validate and save configurations, pick the current one."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from mason_core.cli.output import OutputFormat, cli_errors, emit_table, resolve_output
from mason_core.cli.session import current_session

if TYPE_CHECKING:
    from mason_core.config.model import ValidConfig
    from mason_core.config.store import InvalidConfig


def config_rows(
    configs: list[ValidConfig | InvalidConfig], current: str | None
) -> list[dict[str, Any]]:
    """One row per engine of each configuration; invalid saved files get one row."""
    from mason_core.config.store import InvalidConfig

    rows: list[dict[str, Any]] = []
    for config in configs:
        if isinstance(config, InvalidConfig):
            rows.append(
                {
                    "current": "*" if config.id == current else ".",
                    "id": config.id,
                    "engine": "",
                    "client": "",
                    "configuration": f"INVALID: {config.problem}",
                }
            )
            continue
        first = True
        for engine, clients in config.redacted().items():
            for client, settings in clients.items():
                rows.append(
                    {
                        "current": ("*" if config.id == current else ".") if first else "",
                        "id": config.id if first else "",
                        "engine": engine,
                        "client": client,
                        "configuration": settings,
                    }
                )
                first = False
    return rows


def show_configs(output: OutputFormat) -> None:
    from mason_core.config.store import InvalidConfig

    store = current_session().configs
    current = store.current_id()
    loaded = store.entries()
    if output is OutputFormat.json:
        from mason_core.cli.output import echo_json

        echo_json(
            [
                {"Id": c.id, "Current": c.id == current, "Error": c.problem}
                if isinstance(c, InvalidConfig)
                else {
                    "Id": c.id,
                    "Current": c.id == current,
                    "Builtin": c.builtin,
                    "Engines": c.redacted(),
                }
                for c in loaded
            ]
        )
        return
    if not any(isinstance(c, InvalidConfig) or c.engines for c in loaded):
        typer.echo("No client installed to configure: pip install mason-local, or another client.")
        return
    emit_table(
        config_rows(loaded, current),
        ["current", "id", "engine", "client", "configuration"],
        "Configurations (* = current)",
        output,
    )


def config(
    path: Path | None = typer.Argument(
        None, help="A configuration file, or a folder of them, to validate and save."
    ),
    set_current: str | None = typer.Option(
        None, "-s", "--set-current", help="Make this configuration id current."
    ),
    output: OutputFormat | None = typer.Option(None, "--output", "-o"),
) -> None:
    """Configure which client serves each engine; list configurations."""
    out = resolve_output(output)
    with cli_errors():
        session = current_session()
        store = session.configs
        if path is not None:
            from mason_core.config.store import UninstalledConfig

            saved = store.save_all(store.read_path(path))  # all validated before any is saved
            for c, target in saved.files:
                if isinstance(c, UninstalledConfig):
                    typer.echo(
                        f"Saved config {c.id} from {c.source} to {target}, but it cannot be "
                        f"used until its clients are installed: {c.problem}",
                        err=True,
                    )
                    continue
                typer.echo(
                    f"Valid configuration. Saved config {c.id} from {c.source} to {target}",
                    err=True,
                )
            if saved.made_current is not None and set_current is None:
                typer.echo(f"Setting current config to {saved.made_current}", err=True)
        if set_current is not None:
            chosen = store.set_current(set_current)
            typer.echo(f"Current configuration is now {chosen.id}", err=True)
        show_configs(out)


def register(app: typer.Typer) -> None:
    app.command("config")(config)
