"""The hostile-input suite: the real CLI, run in-process through ``main`` (the
console script's entry point, so its last-resort handler is exercised too),
and a ``vault open`` operator with a secret parameter, registered per test."""

from __future__ import annotations

import hashlib
import io
import os
import textwrap
from collections.abc import Callable
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import pytest

from mason_core.cli.app import main
from mason_core.runtime import reset_sessions

#: the secret every test hands to Mason; it must never come back out.
SECRET = "s3cr3t-T0KEN-9f8e7d"

VAULT_YAML = """\
type: operator
namespace: vault
command: open
description: Open a vault with a secret token; fails on demand, quoting the token
parameters:
  required:
    - name: token
      secret: true
  optional:
    - name: mode
      choices: [ok, refused, crash]
      default: ok
    - name: count
      type: integer
      minimum: 0
      maximum: 1000
    - name: ratio
      type: number
    - name: flag
      type: boolean
    - name: names
      type: list
    - name: where
      type: path
    - name: extra
      type: mapping
    - name: note
      description: appended to the refusal, to make long errors
    - name: pin
      type: integer
      secret: true
"""

VAULT_PY = """\
from typing import Any

from mason import MasonRuntimeError, OperatorContext, OperatorDefinition


class VaultOpen(OperatorDefinition):
    def run(self, ctx: OperatorContext) -> Any:
        token = ctx.params["token"]
        if ctx.params["mode"] == "refused":
            note = ctx.params.get("note") or ""
            raise MasonRuntimeError(f"token {token} was refused by the vault{note}")
        if ctx.params["mode"] == "crash":
            raise ValueError(f"cannot open the vault with {token}")
        return {k: v for k, v in ctx.params.items() if k not in ("token", "pin")}
"""


@dataclass
class Result:
    code: int
    out: str
    err: str

    @property
    def everything(self) -> str:
        return self.out + self.err


def cli(*args: str) -> Result:
    """Run ``mason ARGS`` in this process; stdout and stderr captured."""
    out, err = io.StringIO(), io.StringIO()
    debug = os.environ.get("MASON_DEBUG")
    code = 0
    with redirect_stdout(out), redirect_stderr(err):
        try:
            main(list(args))
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        finally:  # --debug sets MASON_DEBUG for the process: undo it
            if debug is None:
                os.environ.pop("MASON_DEBUG", None)
            else:
                os.environ["MASON_DEBUG"] = debug
            reset_sessions()
    return Result(code, out.getvalue(), err.getvalue())


def assert_one_line_error(result: Result, code: int = 2) -> str:
    """Exit ``code``, exactly one ``error:`` line on stderr, no traceback; the line."""
    assert result.code == code, result
    assert result.err.startswith("error: "), result
    assert result.err.count("\n") == 1, result
    assert "Traceback" not in result.everything, result
    return result.err.strip()


def tree_digest(root: Path, skip: Path | None = None) -> dict[str, str]:
    """Every file under ``root`` (but ``skip``) with a hash of its content."""
    out: dict[str, str] = {}
    for path in sorted(root.rglob("*")):
        if skip is not None and (path == skip or skip in path.parents):
            continue
        if path.is_symlink() or not path.is_file():
            out[str(path)] = "link" if path.is_symlink() else "dir"
            continue
        out[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def secret_in_home(home: Path, secret: str = SECRET) -> list[Path]:
    """Files under MASON_HOME that hold ``secret``."""
    needle = secret.encode()
    return [p for p in home.rglob("*") if p.is_file() and needle in p.read_bytes()]


@pytest.fixture
def vault(tmp_path_factory: pytest.TempPathFactory) -> None:
    """``mason op vault open`` registered in this test's MASON_HOME."""
    folder = tmp_path_factory.mktemp("plugins") / "vault" / "open"
    folder.mkdir(parents=True)
    (folder / "operator.yaml").write_text(VAULT_YAML)
    (folder / "__init__.py").write_text(textwrap.dedent(VAULT_PY))
    result = cli("register", str(folder))
    assert result.code == 0, result


MasonRunner = Callable[..., Result]
