"""Every YAML Mason reads goes through one loader with limits on aliases,
nesting depth, expanded size and bytes; a document over one is refused with
exit 2 naming the limit, and memory stays small."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from mason_core.errors import MasonUsageError
from mason_core.safe_yaml import (
    MAX_ALIASES,
    MAX_BYTES,
    MAX_DEPTH,
    MAX_NODES,
    YamlInputError,
    load_yaml_text,
)

from .conftest import assert_one_line_error, cli


def billion_laughs(levels: int = 9, width: int = 9, key: str = "lol") -> str:
    """The classic alias bomb: ``width ** levels`` strings in a few hundred bytes."""
    lines = [f"l0: &l0 [{', '.join(['lol'] * width)}]"]
    for i in range(1, levels):
        lines.append(f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * width)}]")
    lines.append(f"{key}: *l{levels - 1}")
    return "\n".join(lines) + "\n"


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def test_loader_refuses_each_limit_by_name() -> None:
    cases = {
        billion_laughs(): f"expands to more than {MAX_NODES} nodes",
        nested(MAX_DEPTH + 1): f"nested deeper than {MAX_DEPTH} levels",
        "a: &a 1\nb: [" + ", ".join(["*a"] * (MAX_ALIASES + 1)) + "]\n": (
            f"more than {MAX_ALIASES} YAML aliases"
        ),
        "x" * (MAX_BYTES + 1): f"larger than the {MAX_BYTES} byte limit",
    }
    for text, problem in cases.items():
        with pytest.raises(YamlInputError, match=problem) as caught:
            load_yaml_text(text, "doc.yaml")
        assert isinstance(caught.value, MasonUsageError) and caught.value.exit_code == 2
        assert str(caught.value).startswith("doc.yaml: ")


def test_loader_reads_ordinary_anchors_and_nesting() -> None:
    text = "base: &base {a: 1, b: [1, 2]}\nother: *base\ndeep: " + nested(MAX_DEPTH - 1) + "\n"
    data = load_yaml_text(text, "ok.yaml")
    assert data["other"] == {"a": 1, "b": [1, 2]}


def test_a_bomb_as_a_list_parameter_exits_2(tmp_path: Path) -> None:
    params = tmp_path / "bomb.yaml"
    params.write_text(billion_laughs(key="columns"))
    out = tmp_path / "out"
    result = cli("op", "table", "fake", "-f", str(params), "-p", f"output_path:{out}")
    line = assert_one_line_error(result)
    assert str(params) in line and "expands to more than" in line
    assert not out.exists()


def test_a_deeply_nested_parameter_file_exits_2(tmp_path: Path) -> None:
    params = tmp_path / "deep.yaml"
    params.write_text("columns: " + nested(10_000) + "\n")
    line = assert_one_line_error(cli("op", "table", "fake", "-f", str(params)))
    assert str(params) in line


def test_a_bomb_as_a_configuration_exits_2(tmp_path: Path) -> None:
    config = tmp_path / "bomb.yaml"
    config.write_text("type: config\nid: bomb\nstorage_engine: local\n" + billion_laughs())
    line = assert_one_line_error(cli("config", str(config)))
    assert str(config) in line and "expands to more than" in line


def test_a_saved_configuration_bomb_exits_2(isolated_mason_home: Path) -> None:
    saved = isolated_mason_home / "configurations" / "config_bomb.yaml"
    saved.parent.mkdir(parents=True, exist_ok=True)
    saved.write_text("type: config\nid: bomb\n" + billion_laughs(key="description"))
    line = assert_one_line_error(cli("op", "table", "list", "-p", "database_name:db", "-c", "bomb"))
    assert str(saved) in line and "expands to more than" in line


@pytest.mark.parametrize("kind", ["operator", "workflow"])
def test_a_bomb_in_a_definition_exits_2(tmp_path: Path, kind: str) -> None:
    folder = tmp_path / "defs" / "bomb"
    folder.mkdir(parents=True)
    definition = folder / f"{kind}.yaml"
    definition.write_text(
        f"type: {kind}\nnamespace: bomb\ncommand: go\n" + billion_laughs(key="description")
    )
    line = assert_one_line_error(cli("register", str(folder)))
    assert str(definition) in line and "expands to more than" in line


def test_a_bomb_as_workflow_parameters_exits_2(tmp_path: Path) -> None:
    folder = tmp_path / "flow"
    folder.mkdir()
    (folder / "workflow.yaml").write_text(
        textwrap.dedent(
            """\
            type: workflow
            namespace: flows
            command: one
            dag:
              - id: a
                namespace: table
                command: list
            """
        )
    )
    assert cli("register", str(folder)).code == 0
    params = tmp_path / "params.yaml"
    params.write_text(billion_laughs(key="a"))
    line = assert_one_line_error(cli("wf", "flows", "one", "-f", str(params)))
    assert str(params) in line and "expands to more than" in line


def test_memory_stays_small_on_a_bomb(tmp_path: Path) -> None:
    """In a fresh interpreter, as a user runs it: peak RSS stays far below a GB."""
    params = tmp_path / "bomb.yaml"
    params.write_text(billion_laughs(levels=12, width=10, key="columns"))
    script = textwrap.dedent(
        f"""
        import json, sys
        from mason_core.cli.app import main
        try:
            main(["op", "table", "fake", "-f", {str(params)!r}, "-p", "output_path:x"])
        except SystemExit as exc:
            code = exc.code
        # VmHWM, not getrusage's ru_maxrss: Linux carries the parent's peak into
        # a child's ru_maxrss across a vfork+exec, so it would measure pytest
        status = open("/proc/self/status").read().split("VmHWM:")[1]
        rss_mb = int(status.split()[0]) / 1024
        print(json.dumps({{"code": code, "rss_mb": rss_mb}}))
        """
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    found = json.loads(proc.stdout.strip().splitlines()[-1])
    assert found["code"] == 2
    assert found["rss_mb"] < 300, found
    assert "expands to more than" in proc.stderr
