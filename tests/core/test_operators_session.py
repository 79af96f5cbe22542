"""``mason.operators_session``: a session for a few named operators, rebuilt
from the registry index, falling back to the whole registry whenever the index
cannot answer. Each ``reset_sessions()`` stands for a new process (a CLI run,
an Airflow task)."""

from __future__ import annotations

from pathlib import Path

import pytest

import mason
from mason_core.home import MasonHome
from mason_core.register import register_path
from mason_core.runtime import reset_sessions

HELLO = "type: operator\nnamespace: greet\ncommand: hello\ndescription: {description}\n"


def _hello_registered(tmp_path: Path, home: Path) -> None:
    folder = tmp_path / "greet" / "hello"
    folder.mkdir(parents=True)
    (folder / "__init__.py").write_text("")
    (folder / "operator.yaml").write_text(HELLO.format(description="say hello"))
    register_path(MasonHome.from_env(home), tmp_path / "greet")


def test_a_warm_index_gives_only_the_named_operators(tmp_path: Path) -> None:
    home = tmp_path / "home"
    _hello_registered(tmp_path, home)
    cold = mason.operators_session([("greet", "hello")], home)  # builds the index
    assert len(cold.registry.operators) > 1  # the whole registry, built for the index
    reset_sessions()
    workflow = ("table", "validated_infer")
    warm = mason.operators_session([("greet", "hello"), ("table", "get")], home, [workflow])
    assert sorted(warm.registry.operators) == [("greet", "hello"), ("table", "get")]
    assert list(warm.registry.workflows) == [workflow]
    assert warm.registry.workflow(*workflow).load_definition() is not None  # its class
    assert warm.registry.plugins == []  # no plugin was loaded
    assert warm.validate("greet", "hello", {}).ok
    with pytest.raises(mason.MasonUsageError, match="colour"):
        warm.validate("greet", "hello", {"colour": "blue"})


def test_a_stale_index_falls_back_to_the_whole_registry(tmp_path: Path) -> None:
    """An edited definition makes the index stale: that process builds the whole
    registry (and sees the edit); the next one answers from the new index."""
    home = tmp_path / "home"
    _hello_registered(tmp_path, home)
    mason.operators_session([("greet", "hello")], home)  # the index, warm
    reset_sessions()
    file = mason.operators_session([("greet", "hello")], home).registry.operator_files[
        ("greet", "hello")
    ]
    file.write_text(HELLO.format(description="say hello again"))
    reset_sessions()
    stale = mason.operators_session([("greet", "hello")], home)
    assert len(stale.registry.operators) > 1
    assert stale.registry.operator("greet", "hello").description == "say hello again"
    reset_sessions()
    fresh = mason.operators_session([("greet", "hello")], home)
    assert list(fresh.registry.operators) == [("greet", "hello")]
    assert fresh.registry.operator("greet", "hello").description == "say hello again"


def test_an_operator_the_index_does_not_know_gets_the_whole_registry(tmp_path: Path) -> None:
    home = tmp_path / "home"
    mason.operators_session([("table", "get")], home)
    reset_sessions()
    session = mason.operators_session([("table", "get"), ("greet", "nope")], home)
    assert len(session.registry.operators) > 2
    with pytest.raises(mason.UnknownOperatorError):
        session.validate("greet", "nope", {})
