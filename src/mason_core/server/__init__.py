"""Mason's REST server (extra ``mason-core[server]``): the operators,
workflows, configurations and plugins of one MASON_HOME over HTTP, described
by an OpenAPI document generated from the operators' typed parameters, with
Swagger UI at ``/api/ui``.

FastAPI is imported only with :func:`create_app` (lazily), so the CLI can read
:mod:`mason_core.server.settings` without the extra installed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mason_core.server.app import create_app
    from mason_core.server.settings import ServerSettings

__all__ = ["ServerSettings", "create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from mason_core.server.app import create_app

        return create_app
    if name == "ServerSettings":
        from mason_core.server.settings import ServerSettings

        return ServerSettings
    raise AttributeError(name)
