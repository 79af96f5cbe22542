"""State files written atomically (temporary file, fsync, rename), and read back
as pydantic models with a one-line :class:`StateFileError` when damaged."""

from mason_core.home import (
    StateFileError,
    atomic_write_bytes,
    atomic_write_json,
    atomic_write_text,
    iter_json_models,
    read_json_model,
)

__all__ = [
    "StateFileError",
    "atomic_write_bytes",
    "atomic_write_json",
    "atomic_write_text",
    "iter_json_models",
    "read_json_model",
]
