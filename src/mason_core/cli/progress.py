"""A terminal progress bar for long jobs (files and bytes done).

Drawn on stderr only when it is a terminal and output is a table, so JSON
output and pipes stay clean.
"""

from __future__ import annotations

import sys
from typing import Any

from mason_core.cli.output import OutputFormat
from mason_core.progress import NO_PROGRESS, Progress


class RichProgress:
    def __init__(self) -> None:
        self._progress: Any = None
        self._task: Any = None
        self._files_total = 0
        self._files_done = 0
        self._by_bytes = False

    def start(self, description: str, total_files: int, total_bytes: int) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            DownloadColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
        )

        self.finish()
        self._files_total = total_files
        self._files_done = 0
        self._by_bytes = total_bytes > 0
        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            DownloadColumn() if total_bytes else MofNCompleteColumn(),
            TextColumn("{task.fields[files]}"),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self._progress.start()
        self._task = self._progress.add_task(
            description, total=total_bytes or total_files or None, files=self._files_label()
        )

    def _files_label(self) -> str:
        return f"{self._files_done}/{self._files_total} files" if self._files_total else ""

    def advance(self, files: int = 0, bytes_done: int = 0) -> None:
        if self._progress is None:
            return
        self._files_done += files
        step = bytes_done if self._by_bytes else files
        self._progress.update(self._task, advance=step, files=self._files_label())

    def finish(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None


def progress_for(output: OutputFormat) -> Progress:
    if output is OutputFormat.table and sys.stderr.isatty():
        return RichProgress()
    return NO_PROGRESS
