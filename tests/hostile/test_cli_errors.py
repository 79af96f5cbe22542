"""Damaged or wrong input is one ``error:`` line naming the file and what is
wrong, exit 2, never a traceback; stderr errors stay one line at any width."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import SECRET, assert_one_line_error, cli

pytestmark = pytest.mark.usefixtures("vault")

OK = f"token:{SECRET}"


def test_parameter_file_that_is_a_directory(tmp_path: Path) -> None:
    line = assert_one_line_error(cli("op", "vault", "open", "-f", str(tmp_path)))
    assert str(tmp_path) in line and "is a directory" in line


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_parameter_file_that_is_not_a_regular_file(tmp_path: Path, kind: str) -> None:
    """A FIFO with no writer would block ``open``; /dev/zero never ends."""
    if kind == "fifo":
        path = tmp_path / "params.fifo"
        os.mkfifo(path)
    else:
        path = Path("/dev/zero")
    line = assert_one_line_error(cli("op", "vault", "open", "-f", str(path)))
    assert str(path) in line and "not a regular file" in line


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (os.urandom(64) + b"\x00" + os.urandom(64), "binary data"),
        ("token: caf\xe9\n".encode("latin-1"), "not UTF-8 text"),
        (b"token: [unclosed\n", "not valid YAML"),
        (b"- just\n- a list\n", "expected a mapping"),
    ],
)
def test_parameter_file_that_is_not_yaml_parameters(
    tmp_path: Path, content: bytes, problem: str
) -> None:
    path = tmp_path / "params.yaml"
    path.write_bytes(content)
    line = assert_one_line_error(cli("op", "vault", "open", "-f", str(path)))
    assert str(path) in line and problem in line


def test_missing_parameter_file_with_a_non_utf8_name(tmp_path: Path) -> None:
    name = os.fsdecode(b"\xff\xfeparams.yaml")
    line = assert_one_line_error(cli("op", "vault", "open", "-f", str(tmp_path / name)))
    assert "no such file" in line


def test_non_utf8_bytes_in_p() -> None:
    garbled = os.fsdecode(b"token:\xff\xfe")
    line = assert_one_line_error(cli("op", "vault", "open", "-p", garbled))
    assert "-p: not UTF-8" in line


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("99999999999999999999999", "must be at most 1000"),
        ("-1", "must be at least 0"),
        ("9" * 5000, "expected an integer"),
    ],
)
def test_integers_out_of_bounds_exit_2(value: str, problem: str) -> None:
    line = assert_one_line_error(cli("op", "vault", "open", "-p", f"{OK},count:{value}"))
    assert problem in line and len(line) < 300


@pytest.mark.parametrize("value", ["nan", "inf", "-inf"])
def test_numbers_must_be_finite(value: str) -> None:
    line = assert_one_line_error(cli("op", "vault", "open", "-p", f"{OK},ratio:{value}"))
    assert "finite" in line


def test_table_fake_rows_are_bounded(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = cli("op", "table", "fake", "-p", f"output_path:{out},rows:99999999999999999999999")
    line = assert_one_line_error(result)
    assert "parameter 'rows': must be at most 100000000" in line
    assert not out.exists()


def test_a_configuration_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_bytes(b"type: config\nid: c\ndescription: \xff\n")
    line = assert_one_line_error(cli("config", str(path)))
    assert str(path) in line and "not UTF-8" in line


def test_a_saved_configuration_that_is_not_utf8(isolated_mason_home: Path) -> None:
    saved = isolated_mason_home / "configurations" / "config_broken.yaml"
    saved.parent.mkdir(parents=True, exist_ok=True)
    saved.write_bytes(b"type: config\nid: broken\n\xfe\xff\n")
    line = assert_one_line_error(cli("op", "vault", "open", "-p", OK, "-c", "broken"))
    assert str(saved) in line and "not UTF-8" in line
    listed = cli("config", "-o", "json")  # the listing names the broken file, and goes on
    assert listed.code == 0 and "Traceback" not in listed.everything


def test_a_configuration_folder_holding_a_symlink_loop(tmp_path: Path) -> None:
    folder = tmp_path / "configs"
    folder.mkdir()
    (folder / "a.yaml").symlink_to(folder / "b.yaml")
    (folder / "b.yaml").symlink_to(folder / "a.yaml")
    line = assert_one_line_error(cli("config", str(folder)))
    assert "a.yaml" in line and "symbolic links" in line


def test_state_json_that_is_not_utf8(isolated_mason_home: Path) -> None:
    state = isolated_mason_home / "state.json"
    state.write_bytes(b'{"current_config": "\xff"}')
    line = assert_one_line_error(cli("op", "vault", "open", "-p", OK))
    assert str(state) in line and "not UTF-8" in line


def test_a_run_record_that_is_not_utf8(isolated_mason_home: Path) -> None:
    runs = isolated_mason_home / "runs"
    runs.mkdir(parents=True, exist_ok=True)
    record = runs / "20260101T000000-abc.json"
    record.write_bytes(b"\xff\xfe\x00garbage")
    line = assert_one_line_error(cli("wf", "status", "20260101T000000-abc"))
    assert str(record) in line and "not UTF-8" in line
    listed = cli("wf", "runs", "-o", "json")  # listing passes over it
    assert listed.code == 0 and json.loads(listed.out) == []


@pytest.mark.parametrize("below", [False, True])
def test_mason_home_that_is_a_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, below: bool
) -> None:
    file = tmp_path / "home"
    file.write_text("not a folder")
    home = file / "sub" if below else file
    monkeypatch.setenv("MASON_HOME", str(home))
    where = f"{file} " if below else ""
    for args in (("op", "vault", "open"), ("config",), ("wf", "runs")):
        line = assert_one_line_error(cli(*args))
        assert line == f"error: MASON_HOME {home}: {where}is a file, not a folder"


@pytest.mark.parametrize(
    ("content", "problem"), [(b"KEY=caf\xe9\n", "not UTF-8 text"), (None, "symbolic links")]
)
def test_a_dotenv_that_cannot_be_read(
    isolated_mason_home: Path, content: bytes | None, problem: str
) -> None:
    dotenv = isolated_mason_home / ".env"
    if content is None:
        dotenv.symlink_to(dotenv)
    else:
        dotenv.write_bytes(content)
    line = assert_one_line_error(cli("op", "vault", "open", "-p", OK))
    assert str(dotenv) in line and problem in line


def test_an_error_holding_newlines_is_one_line() -> None:
    result = cli("op", "vault", "open", "-p", f'{OK},count:"1\n2\n3"', "-o", "table")
    line = assert_one_line_error(result)
    assert "1 2 3" in line


def test_long_errors_do_not_wrap_off_a_terminal(tmp_path: Path) -> None:
    """-o table with stderr a pipe 80 columns wide: one line of any length."""
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "mason",
            "op",
            "vault",
            "open",
            "-p",
            f"{OK},mode:refused,note:{' because' * 40}",
            "-o",
            "table",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "COLUMNS": "80"},
    )
    assert proc.returncode == 1
    assert proc.stderr.count("\n") == 1 and proc.stderr.startswith("error: ")
    assert len(proc.stderr) > 300 and SECRET not in proc.stderr


@pytest.mark.parametrize("depth", [100, 100_000])
def test_a_deeply_nested_json_mapping_in_p_exits_2(depth: int) -> None:
    deep = '{"a":' * depth + "1" + "}" * depth
    line = assert_one_line_error(cli("op", "vault", "open", "-p", f"{OK},extra:'{deep}'"))
    assert "parameter 'extra': nested deeper than" in line
