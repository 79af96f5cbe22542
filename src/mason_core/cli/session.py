"""The CLI's access to the session, imported late so ``mason --help`` does not
build pydantic models, load plugins or read configurations."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mason_core.runtime import Session


def current_session() -> Session:
    from mason_core.runtime import default_session

    return default_session()
