"""Reading parameters from the command line: ``-f`` file, then ``-p`` on top."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def collect_parameters(params: str | None, param_file: Path | None) -> dict[str, Any]:
    from mason_core.operators.parameters import parse_parameter_string, read_parameter_file

    given: dict[str, Any] = {}
    if param_file is not None:
        given.update(read_parameter_file(param_file))
    if params:
        given.update(parse_parameter_string(params))
    return given
