"""``mason server`` (the original ``mason run`` kept as a hidden alias): the
REST API and Swagger UI.

FastAPI and uvicorn are the optional extra ``mason-core[server]``; they are
imported only when the command runs, so ``mason --help`` stays fast and works
without them.
"""

from __future__ import annotations

from pathlib import Path

import typer

from mason_core.server.settings import (
    DEFAULT_HOST,
    DEFAULT_MAX_BODY,
    DEFAULT_PORT,
    MAX_BODY_ENV,
    TOKEN_ENV,
)

INSTALL_HINT = "the server needs its extra: pip install 'mason-core[server]'"


def server(
    host: str = typer.Option(DEFAULT_HOST, "--host", help="Address to listen on."),
    port: int = typer.Option(DEFAULT_PORT, "--port", help="Port to listen on."),
    token: str | None = typer.Option(
        None,
        "--token",
        help=f"Bearer token every endpoint but /api/health requires (default: ${TOKEN_ENV}).",
        show_default=False,
    ),
    root: Path | None = typer.Option(
        None,
        "--root",
        help="Local paths reached through the API stay inside this folder "
        "(default: the working directory).",
        show_default=False,
    ),
    workers: int = typer.Option(4, "--workers", help="Background runs (?async=true) at once."),
    max_body: str | None = typer.Option(
        None,
        "--max-body",
        help="Largest request body accepted, in bytes or with K, M or G; larger is a 413 "
        f"(default: ${MAX_BODY_ENV}, else {DEFAULT_MAX_BODY // 2**20}M).",
        show_default=False,
    ),
) -> None:
    """Serve operators, workflows and configurations over HTTP, with Swagger UI at /api/ui."""
    from mason_core.errors import MasonUsageError
    from mason_core.server.settings import ServerSettings

    try:
        import fastapi  # noqa: F401
        import uvicorn
    except ImportError as exc:
        typer.echo(f"error: {INSTALL_HINT} ({exc})", err=True)
        raise typer.Exit(2) from None
    try:
        settings = ServerSettings.from_options(
            host, port, token, root, workers=workers, max_body=max_body
        )
        sock = settings.listen()  # a bad host or a port in use: one line, exit 2
    except MasonUsageError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(2) from None

    from mason_core.server import create_app
    from mason_core.server.body import size_text
    from mason_core.server.logs import log_config

    try:
        app = create_app(settings)
    except MasonUsageError as exc:
        sock.close()
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(2) from None
    port = sock.getsockname()[1]
    typer.echo(
        f"Mason API on http://{settings.url_host}:{port}/api (UI: /api/ui, root: {settings.root}, "
        f"token: {'required' if settings.token else 'none'}, "
        f"max body: {size_text(settings.max_body)})",
        err=True,
    )
    config = uvicorn.Config(app, log_config=log_config(), lifespan="on")
    uvicorn.Server(config).run(sockets=[sock])


def register(app: typer.Typer) -> None:
    app.command("server")(server)
    app.command("run", hidden=True, help="Alias of 'mason server'.")(server)
