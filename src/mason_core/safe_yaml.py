"""The one way Mason reads YAML: parameter files, configurations, operator and
workflow definitions and request bodies all go through :func:`load_yaml_text`
or :func:`read_yaml_file`.

YAML aliases let a few hundred bytes stand for billions of nodes (the "billion
laughs" bomb), and a deeply nested document exhausts the stack. Before a
document is built, one pass over libyaml's event stream (iterative, no Python
objects) counts aliases, nesting depth and the node count the document would
have with every alias expanded; a document over any limit is refused with a
:class:`~mason_core.errors.MasonUsageError` naming that limit.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

from mason_core.errors import MasonUsageError

#: largest YAML document read, in bytes.
MAX_BYTES = 8 * 1024 * 1024
#: most aliases (``*name``) in one document.
MAX_ALIASES = 1_000
#: deepest nesting of mappings and sequences.
MAX_DEPTH = 64
#: most nodes once every alias is expanded: what a consumer walking the data sees.
MAX_NODES = 1_000_000


class YamlInputError(MasonUsageError):
    """A YAML input that cannot be read, is not YAML, or breaks a limit (exit 2)."""


def read_yaml_file(path: Path, error: type[MasonUsageError] = YamlInputError) -> Any:
    """The document in ``path``; ``error`` (a usage error) names the file and
    what is wrong: missing, a folder, not UTF-8, not YAML, over a limit."""
    return load_yaml_text(_read_text(path, error), str(path), error)


def _loader() -> Any:
    """libyaml's loader when PyYAML was built with it: listing operators parses every
    operator.yaml, and the pure-Python loader dominated ``mason op``'s start-up."""
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml_text(text: str, source: str, error: type[MasonUsageError] = YamlInputError) -> Any:
    """Parse ``text`` (from ``source``, used in messages) within the limits.
    PyYAML is imported here: a run whose definition comes from the registry
    index and whose configuration is the built-in one reads no YAML."""
    import yaml

    if len(text) > MAX_BYTES:
        raise error(f"{source}: larger than the {MAX_BYTES} byte limit for YAML input")
    try:
        _check_limits(text, source, error)
        return yaml.load(text, Loader=_loader())
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise error(f"{source}: not valid YAML{where}") from None
    except RecursionError:  # pragma: no cover - MAX_DEPTH refuses first
        raise error(f"{source}: nested deeper than {MAX_DEPTH} levels") from None


def _read_text(path: Path, error: type[MasonUsageError]) -> str:
    try:
        # O_NONBLOCK: opening a FIFO with no writer would otherwise wait forever
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        with os.fdopen(fd, "rb") as fh:
            mode = os.fstat(fd).st_mode
            if stat.S_ISDIR(mode):
                raise error(f"{path}: is a directory, not a YAML file")
            if not stat.S_ISREG(mode):
                raise error(f"{path}: not a regular file (a FIFO, device or socket)")
            data = fh.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise error(f"{path}: no such file") from None
    except IsADirectoryError:
        raise error(f"{path}: is a directory, not a YAML file") from None
    except PermissionError:
        raise error(f"{path}: permission denied") from None
    except OSError as exc:
        raise error(f"{path}: cannot be read ({exc.strerror or type(exc).__name__})") from None
    if len(data) > MAX_BYTES:
        raise error(f"{path}: larger than the {MAX_BYTES} byte limit for YAML input")
    if b"\x00" in data:
        raise error(f"{path}: binary data (NUL bytes), not a YAML text file")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise error(f"{path}: not UTF-8 text (invalid byte at offset {exc.start})") from None


def _check_limits(text: str, source: str, error: type[MasonUsageError]) -> None:
    """Walk the event stream once: aliases, depth and expanded node count."""
    aliases = 0
    # per open collection: [nodes inside so far, anchor of the collection]
    stack: list[list[Any]] = [[0, None]]
    anchored: dict[str, int] = {}
    import yaml

    for event in yaml.parse(text, Loader=_loader()):
        if isinstance(event, yaml.AliasEvent):
            aliases += 1
            if aliases > MAX_ALIASES:
                raise error(f"{source}: more than {MAX_ALIASES} YAML aliases")
            stack[-1][0] += anchored.get(str(event.anchor), 1)
        elif isinstance(event, yaml.ScalarEvent):
            stack[-1][0] += 1
            if event.anchor is not None:
                anchored[event.anchor] = 1
        elif isinstance(event, yaml.CollectionStartEvent):
            stack.append([1, event.anchor])
            if len(stack) - 1 > MAX_DEPTH:
                raise error(f"{source}: nested deeper than {MAX_DEPTH} levels")
        elif isinstance(event, yaml.CollectionEndEvent):
            size, anchor = stack.pop()
            if anchor is not None:
                anchored[anchor] = size
            stack[-1][0] += size
        else:
            continue
        if stack[-1][0] > MAX_NODES:
            raise error(f"{source}: expands to more than {MAX_NODES} nodes (YAML alias bomb?)")
