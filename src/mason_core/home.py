"""MASON_HOME: where saved configurations, registered definitions, run records
and the local catalog live. Every state file is written atomically."""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEFAULT_HOME = "~/.mason"


def atomic_write_bytes(path: Path, data: bytes, mode: int = 0o644) -> None:
    """Write ``data`` to ``path`` so readers see the old file or the new, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def atomic_write_text(path: Path, text: str, mode: int = 0o644) -> None:
    atomic_write_bytes(path, text.encode("utf-8"), mode)


def atomic_write_json(path: Path, data: Any, mode: int = 0o644) -> None:
    atomic_write_text(path, json.dumps(data, indent=2, sort_keys=True, default=str) + "\n", mode)


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@dataclass(frozen=True)
class MasonHome:
    path: Path

    @classmethod
    def from_env(cls, override: str | Path | None = None) -> MasonHome:
        raw = override or os.environ.get("MASON_HOME") or DEFAULT_HOME
        return cls(Path(raw).expanduser().resolve())

    @property
    def configurations(self) -> Path:
        return self.path / "configurations"

    @property
    def registered_operators(self) -> Path:
        return self.path / "registered_operators"

    @property
    def registered_workflows(self) -> Path:
        return self.path / "registered_workflows"

    @property
    def runs(self) -> Path:
        return self.path / "runs"

    @property
    def state_file(self) -> Path:
        return self.path / "state.json"

    def client_dir(self, client: str) -> Path:
        """A private folder for one client's state (the local catalog, job records)."""
        d = self.path / "clients" / client
        d.mkdir(parents=True, exist_ok=True)
        return d

    def ensure(self) -> None:
        for d in (
            self.path,
            self.configurations,
            self.registered_operators,
            self.registered_workflows,
            self.runs,
        ):
            d.mkdir(parents=True, exist_ok=True)

    def read_state(self) -> dict[str, Any]:
        try:
            data = json.loads(self.state_file.read_text("utf-8"))
        except (FileNotFoundError, json.JSONDecodeError):
            return {}
        return data if isinstance(data, dict) else {}

    def write_state(self, **changes: Any) -> None:
        state = self.read_state()
        state.update(changes)
        atomic_write_json(self.state_file, state)
