"""Progress reporting: engines report files and bytes done through a
:class:`Progress`; the CLI draws it on a terminal, everyone else gets
:data:`NO_PROGRESS`."""

from mason_core.progress import NO_PROGRESS, Progress

__all__ = ["NO_PROGRESS", "Progress"]
