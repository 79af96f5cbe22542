"""State files written atomically (temporary file, fsync, rename), and read back
as pydantic models with a one-line :class:`StateFileError` when damaged; and
the machine's faults around them: a full disk (:class:`NoSpaceError`, one line
naming the path; :func:`writing` turns one into it) and a deleted working
directory (:func:`working_directory`, :func:`absolute_path`)."""

from mason_core.home import (
    StateFileError,
    atomic_write_bytes,
    atomic_write_json,
    atomic_write_text,
    iter_json_models,
    read_json_model,
)
from mason_core.machine import (
    NoSpaceError,
    WorkingDirectoryGoneError,
    absolute_path,
    no_space_error,
    working_directory,
    writing,
)

__all__ = [
    "NoSpaceError",
    "StateFileError",
    "WorkingDirectoryGoneError",
    "absolute_path",
    "atomic_write_bytes",
    "atomic_write_json",
    "atomic_write_text",
    "iter_json_models",
    "no_space_error",
    "read_json_model",
    "working_directory",
    "writing",
]
