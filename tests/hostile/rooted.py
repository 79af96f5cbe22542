"""Helpers of the hostile tests: a local configuration confined to a root,
saved in the test's MASON_HOME and made current, and snapshots of folders to
prove nothing outside an output changed."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import yaml

import mason


def use_root(home: Path, root: Path, config_id: str = "rooted") -> None:
    """Save and select a configuration whose local client is confined to ``root``."""
    config = {
        "type": "config",
        "id": config_id,
        "metastore_engine": "local",
        "storage_engine": "local",
        "execution_engine": "local",
        "scheduler_engine": "local",
        "clients": {"local": {"configuration": {"root": str(root)}}},
    }
    folder = home / "configurations"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"config_{config_id}.yaml").write_text(yaml.safe_dump(config))
    mason.set_config(config_id)


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (links not followed) and a digest of its bytes."""
    found = {}
    for base, dirs, names in os.walk(folder):
        for name in names + [d for d in dirs if os.path.islink(os.path.join(base, d))]:
            path = Path(base) / name
            rel = path.relative_to(folder).as_posix()
            if path.is_symlink():
                found[rel] = "-> " + os.readlink(path)
            elif path.is_file():
                found[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def cli(
    *args: str, cwd: Path | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """``python -m mason ARGS`` in a real process (the test's MASON_HOME is inherited)."""
    return subprocess.run(
        [sys.executable, "-m", "mason", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=timeout,
        env={**os.environ, "COLUMNS": "200"},
    )


def one_error(done: subprocess.CompletedProcess[str]) -> str:
    """The single error of a CLI run: its envelope's one entry (stdout), no traceback."""
    import json

    assert "Traceback" not in done.stderr + done.stdout, done
    errors = json.loads(done.stdout)["Errors"]
    assert len(errors) == 1 and "\n" not in errors[0], errors
    return str(errors[0])
