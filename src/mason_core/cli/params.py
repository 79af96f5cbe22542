"""Reading parameters from the command line: ``-f`` file, then ``-p`` on top."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def collect_parameters(params: str | None, param_file: Path | None) -> dict[str, Any]:
    from mason_core.operators.parameters import parse_parameter_string, read_parameter_file

    given: dict[str, Any] = {}
    if params and not _is_utf8(params):
        from mason_core.errors import ParameterError

        raise ParameterError(["-p: not UTF-8 text (check the terminal's encoding)"])
    if param_file is not None:
        given.update(read_parameter_file(param_file))
    if params:
        given.update(parse_parameter_string(params))
    return given


def _is_utf8(text: str) -> bool:
    """False when ``text`` holds bytes that were not UTF-8 (Python keeps them as
    lone surrogates) or any other lone surrogate."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
