"""MASON_HOME: where saved configurations, registered definitions, run records
and the local catalog live. Every state file is written atomically."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:  # imported where a model is read: listing paths stay light
    from pydantic import BaseModel

from mason_core.errors import MasonUsageError

DEFAULT_HOME = "~/.mason"

_Model = TypeVar("_Model", bound="BaseModel")


class StateFileError(MasonUsageError, ValueError):
    """A state file that is not the JSON of the model it should hold: one line
    naming the file and what is wrong, exit 2 (never a traceback)."""


def read_state_text(path: Path) -> str | None:
    """The UTF-8 text of a state file; ``None`` when there is none."""
    try:
        return path.read_text("utf-8")
    except FileNotFoundError:
        return None
    except UnicodeDecodeError as exc:
        raise StateFileError(
            f"{path} is unreadable: not UTF-8 text (invalid byte at offset {exc.start})"
        ) from None
    except IsADirectoryError:
        raise StateFileError(f"{path} is unreadable: a directory, not a file") from None
    except OSError as exc:
        raise StateFileError(
            f"{path} is unreadable: {exc.strerror or type(exc).__name__}"
        ) from None


def atomic_write_bytes(path: Path, data: bytes, mode: int = 0o644) -> None:
    """Write ``data`` to ``path`` so readers see the old file or the new, never half."""
    import tempfile

    from mason_core.machine import writing

    with writing(path):
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


def read_json_model(path: Path, model: type[_Model]) -> _Model | None:
    """The ``model`` stored at ``path`` as JSON; ``None`` when there is no such
    file, :class:`StateFileError` when it does not hold one."""
    from pydantic import ValidationError

    text = read_state_text(path)
    if text is None:
        return None
    try:
        return model.model_validate(json.loads(text))
    except json.JSONDecodeError as exc:
        raise StateFileError(f"{path} is unreadable: not JSON (line {exc.lineno})") from exc
    except RecursionError as exc:
        raise StateFileError(f"{path} is unreadable: JSON nested too deep") from exc
    except ValidationError as exc:
        raise StateFileError(f"{path} is unreadable: not a {model.__name__}") from exc


def iter_json_models(
    folder: Path,
    model: type[_Model],
    reverse: bool = False,
    skipped: Callable[[Path], None] | None = None,
) -> Iterator[_Model]:
    """Every ``model`` stored as ``*.json`` in ``folder``, in file name order;
    unreadable files are passed over (and given to ``skipped``)."""
    if not folder.is_dir():
        return
    for path in sorted(folder.glob("*.json"), reverse=reverse):
        try:
            found = read_json_model(path, model)
        except (OSError, StateFileError):
            found = None
        if found is not None:
            yield found
        elif skipped is not None:
            skipped(path)


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
        try:
            path = Path(raw).expanduser().resolve()
        except (OSError, RuntimeError) as exc:  # a symlink loop, an unknown ~user
            raise MasonUsageError(f"MASON_HOME {raw}: cannot be resolved ({exc})") from None
        existing = next((p for p in (path, *path.parents) if p.exists()), None)
        if existing is not None and not existing.is_dir():
            where = "" if existing == path else f"{existing} "
            raise MasonUsageError(f"MASON_HOME {path}: {where}is a file, not a folder")
        return cls(path)

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
        """``state.json``; empty when missing or not JSON (it is rewritten whole)."""
        text = read_state_text(self.state_file)
        if text is None:
            return {}
        try:
            data = json.loads(text)
        except json.JSONDecodeError:
            return {}
        return data if isinstance(data, dict) else {}

    def write_state(self, **changes: Any) -> None:
        state = self.read_state()
        state.update(changes)
        atomic_write_json(self.state_file, state)
