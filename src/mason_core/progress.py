"""Progress reporting for long work (merge, format, dedupe over many files).

Engines report through a :class:`Progress`; the CLI supplies one that draws a
bar on a terminal, everyone else gets :data:`NO_PROGRESS`.
"""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    def start(self, description: str, total_files: int, total_bytes: int) -> None: ...

    def advance(self, files: int = 0, bytes_done: int = 0) -> None: ...

    def finish(self) -> None: ...


class _NoProgress:
    def __repr__(self) -> str:
        return "NO_PROGRESS"

    def start(self, description: str, total_files: int, total_bytes: int) -> None:
        return None

    def advance(self, files: int = 0, bytes_done: int = 0) -> None:
        return None

    def finish(self) -> None:
        return None


NO_PROGRESS: Progress = _NoProgress()
