"""Workflow tests run real operators (``testing echo|fail|sleep`` from
fixtures/operators) on the real local scheduler, in the per-test MASON_HOME
that the top-level conftest sets up."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from mason_core.register import register_path
from mason_core.runtime import Session, default_session

FIXTURES = Path(__file__).parent / "fixtures"

MakeWorkflow = Callable[..., str]


@pytest.fixture
def session() -> Session:
    """The current MASON_HOME's session with the testing operators registered."""
    s = default_session()
    register_path(s.home, FIXTURES / "operators")
    s.reload()
    return s


@pytest.fixture
def make_workflow(session: Session, tmp_path: Path) -> MakeWorkflow:
    """Write and register ``testing <command>`` with the given steps (and an
    optional definition class source); returns the command."""

    def make(
        command: str,
        steps: list[dict[str, Any]],
        definition: str | None = None,
        **extra: Any,
    ) -> str:
        folder = tmp_path / "workflows" / command
        folder.mkdir(parents=True, exist_ok=True)
        spec = {"type": "workflow", "namespace": "testing", "command": command, "dag": steps}
        spec.update(extra)
        (folder / "workflow.yaml").write_text(yaml.safe_dump(spec, sort_keys=False))
        if definition is not None:
            (folder / "__init__.py").write_text(definition)
        register_path(session.home, folder)
        session.reload()
        return command

    return make


def step(step_id: str, command: str = "echo", *deps: str, **extra: Any) -> dict[str, Any]:
    """A ``testing`` operator step."""
    return {
        "id": step_id,
        "namespace": "testing",
        "command": command,
        "dependencies": list(deps),
        **extra,
    }


def echo(message: str, **more: Any) -> dict[str, Any]:
    return {"parameters": {"message": message, **more}}
