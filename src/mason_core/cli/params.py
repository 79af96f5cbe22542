"""Reading parameters from the command line: ``-f`` file, then ``-p`` on top."""

from __future__ import annotations

import os
from enum import Enum
from pathlib import Path
from typing import Any, Literal

UNKNOWN_PARAMS_ENV = "MASON_UNKNOWN_PARAMS"


def unknown_params_option() -> Any:
    """``--unknown-params error|warn``: what a parameter the operator does not
    declare is. ``warn`` ignores it with a warning (files migrated from the
    original Mason, which ignored extra keys); also ``MASON_UNKNOWN_PARAMS``."""
    import typer

    return typer.Option(
        UnknownParams.error,
        "--unknown-params",
        envvar=UNKNOWN_PARAMS_ENV,
        help="error (default) or warn: ignore parameters the operator does not declare.",
    )


class UnknownParams(str, Enum):
    error = "error"
    warn = "warn"

    @property
    def mode(self) -> Literal["error", "warn"]:
        return "warn" if self is UnknownParams.warn else "error"


def collect_parameters(params: str | None, param_file: Path | None) -> dict[str, Any]:
    from mason_core.operators.parameters import parse_parameter_string, read_parameter_file

    given: dict[str, Any] = {}
    text = command_line_text(params) if params else params
    if params and text is None:
        from mason_core.errors import ParameterError

        raise ParameterError(["-p: not UTF-8 text (check the terminal's encoding)"])
    if param_file is not None:
        given.update(read_parameter_file(param_file))
    if text:
        given.update(parse_parameter_string(text))
    return given


def command_line_text(text: str) -> str | None:
    """``text`` from the command line as Unicode; ``None`` when its bytes were
    not UTF-8. An ASCII-only Python (``LC_ALL=C``, UTF-8 mode off) keeps every
    non-ASCII byte of the command line as a lone surrogate: the bytes are
    decoded again as the UTF-8 they are."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        pass
    try:
        return os.fsencode(text).decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return None
