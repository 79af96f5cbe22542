"""The entry point Mason loads: registration only, so it imports nothing heavy."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from mason import hookimpl

if TYPE_CHECKING:
    from mason.sdk.plugin import RegisterOperators, RegisterWorkflows

_HERE = Path(__file__).parent


@hookimpl
def mason_register_operators(register: RegisterOperators) -> None:
    register(_HERE / "operators")


@hookimpl
def mason_register_workflows(register: RegisterWorkflows) -> None:
    # the example workflows are maintained apart from the operators and may be absent
    workflows = _HERE / "workflows"
    if workflows.is_dir():
        register(workflows)
