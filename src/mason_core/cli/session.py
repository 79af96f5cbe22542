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
    """The session one run of ``namespace command`` uses: only what the call needs,
    from the registry index (:func:`mason_core.index.operators_session`)."""
    from mason_core.index import operators_session

    return operators_session([(namespace, command)])
