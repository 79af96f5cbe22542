"""``{{VAR}}`` in configuration values: read from the environment, then from
``.env`` in the working directory, then from ``.env`` in MASON_HOME."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from mason_core.errors import ConfigurationError
from mason_core.machine import working_directory

_PATTERN = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")


def read_dotenv(path: Path) -> dict[str, str]:
    """Parse a ``.env`` file: ``KEY=value`` lines, ``#`` comments, optional
    ``export`` and quotes."""
    values: dict[str, str] = {}
    try:
        text = path.read_text("utf-8")
    except (FileNotFoundError, IsADirectoryError, PermissionError):
        return values
    except UnicodeDecodeError as exc:
        raise ConfigurationError(
            f"{path}: not UTF-8 text (invalid byte at offset {exc.start})"
        ) from None
    except OSError as exc:  # a symlink loop, an I/O error
        raise ConfigurationError(f"{path}: cannot be read ({exc.strerror})") from None
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        key = key.strip().removeprefix("export ").strip()
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        elif " #" in value:
            value = value.split(" #", 1)[0].rstrip()
        if key:
            values[key] = value
    return values


def environment(home: Path, cwd: Path | None = None) -> dict[str, str]:
    """Variables visible to interpolation; the process environment wins."""
    merged: dict[str, str] = {}
    merged.update(read_dotenv(home / ".env"))
    cwd = cwd or working_directory()
    if cwd is not None:  # a deleted working directory has no .env
        merged.update(read_dotenv(cwd / ".env"))
    merged.update(os.environ)
    return merged


def interpolate(value: Any, env: Mapping[str, str], where: str = "") -> Any:
    """Replace ``{{VAR}}`` throughout ``value``; a missing variable is an error
    that names the variable, never a value."""
    if isinstance(value, str):

        def sub(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in env:
                at = f" (in {where})" if where else ""
                raise ConfigurationError(
                    f"environment variable {name} is not set{at}; set it or add it to .env"
                )
            return env[name]

        return _PATTERN.sub(sub, value)
    if isinstance(value, dict):
        return {
            k: interpolate(v, env, f"{where}.{k}" if where else str(k)) for k, v in value.items()
        }
    if isinstance(value, list):
        return [interpolate(v, env, where) for v in value]
    return value


def variables_in(value: Any) -> set[str]:
    if isinstance(value, str):
        return set(_PATTERN.findall(value))
    if isinstance(value, dict):
        return set().union(*(variables_in(v) for v in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(variables_in(v) for v in value)) if value else set()
    return set()
