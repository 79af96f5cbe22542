"""The CLI's access to the session, imported late so ``mason --help`` does not
build pydantic models, load plugins or read configurations."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mason_core.runtime import Session


def current_session() -> Session:
    from mason_core.runtime import default_session

    return default_session()


def run_session(namespace: str, command: str) -> Session:
    """The session one run of ``namespace command`` uses: its registry holds only
    what the call needs, rebuilt from the registry index (see
    :func:`mason_core.index.run_registry`): no plugin module is imported and no
    other operator is read. When the index cannot answer, the whole registry.

    With no ``pydantic`` entry point installed (as the index records), pydantic
    is spared its search for plugins (:mod:`mason_core.pydantic_plugins`):
    this runs before the call builds its first model."""
    from mason_core.cli.listing import operator_index
    from mason_core.pydantic_plugins import answer_no_plugins

    index = operator_index()
    answer_no_plugins(index.get("pydantic_plugins"))
    from mason_core.index import run_registry
    from mason_core.runtime import Session, default_session

    session = default_session()
    if "registry" in session.__dict__:  # built already (the index was stale)
        return session
    registry = run_registry(index, namespace, command)
    if registry is None:
        return session
    return Session(session.home, registry)
