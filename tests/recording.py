"""Test doubles that record what Mason's code reports to them."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class RecordingProgress:
    """A :class:`mason_core.progress.Progress` that remembers every call."""

    starts: list[tuple[str, int, int]] = field(default_factory=list)
    files: int = 0
    bytes_done: int = 0
    finished: int = 0
    advances: int = 0

    def start(self, description: str, total_files: int, total_bytes: int) -> None:
        self.starts.append((description, total_files, total_bytes))

    def advance(self, files: int = 0, bytes_done: int = 0) -> None:
        self.advances += 1
        self.files += files
        self.bytes_done += bytes_done

    def finish(self) -> None:
        self.finished += 1
