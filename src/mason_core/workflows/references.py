"""Step-output references in parameter values: ``${steps.<step_id>.<path>}``.

A parameter may use what an earlier step returned, for example the job id of
step 1: ``job_id: "${steps.step_1.data[0].id}"``. The path walks the earlier
step's response envelope (``data``, ``info``, ``warnings``, ``errors``); a path
that does not start with one of those reads the first ``data`` item, so
``${steps.step_1.id}`` means the same. Keys match case-insensitively and
ignoring ``_`` (``result_location`` finds ``ResultLocation``).

A value that is exactly one reference takes the referenced value with its
type (a list stays a list); a reference inside longer text is replaced by its
text. Only ``${steps.`` starts a reference; other ``${`` text is left alone.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from mason_core.errors import MasonRuntimeError

_START = "${steps."
_REFERENCE = re.compile(
    r"\$\{\s*steps\.(?P<step>[A-Za-z0-9_-]+)(?P<path>(?:\.[A-Za-z0-9_-]+|\[\d+\])*)\s*\}"
)
_SEGMENT = re.compile(r"\.([A-Za-z0-9_-]+)|\[(\d+)\]")
_ENVELOPE_KEYS = {"data": "Data", "info": "Info", "warnings": "Warnings", "errors": "Errors"}


@dataclass(frozen=True)
class Reference:
    step: str
    path: tuple[str | int, ...]
    text: str


class StepOutputError(MasonRuntimeError):
    """A reference that named a real ancestor but whose path is not in its output."""


def _segments(path: str) -> tuple[str | int, ...]:
    out: list[str | int] = []
    for match in _SEGMENT.finditer(path):
        out.append(match.group(1) if match.group(1) is not None else int(match.group(2)))
    return tuple(out)


def find_references(value: Any) -> tuple[list[Reference], list[str]]:
    """Every reference in a parameter value (nested lists and mappings too), and
    the text of any ``${steps.`` that is not a well-formed reference."""
    refs: list[Reference] = []
    bad: list[str] = []
    for text in _strings(value):
        covered = 0
        for match in _REFERENCE.finditer(text):
            refs.append(Reference(match["step"], _segments(match["path"]), match.group(0)))
            covered += 1
        if text.count(_START) + text.count("${ steps.") > covered:
            bad.append(text)
    return refs, bad


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)


def has_references(value: Any) -> bool:
    return any(_START in s or "${ steps." in s for s in _strings(value))


def resolve(value: Any, outputs: Mapping[str, Mapping[str, Any]]) -> Any:
    """``value`` with every reference replaced from ``outputs`` (step id -> envelope)."""
    if isinstance(value, str):
        whole = _REFERENCE.fullmatch(value.strip())
        if whole is not None:
            return _lookup(whole["step"], _segments(whole["path"]), outputs, whole.group(0))

        def text(match: re.Match[str]) -> str:
            found = _lookup(match["step"], _segments(match["path"]), outputs, match.group(0))
            return found if isinstance(found, str) else json.dumps(found, default=str)

        return _REFERENCE.sub(text, value)
    if isinstance(value, Mapping):
        return {k: resolve(v, outputs) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [resolve(v, outputs) for v in value]
    return value


def _lookup(
    step: str,
    path: tuple[str | int, ...],
    outputs: Mapping[str, Mapping[str, Any]],
    text: str,
) -> Any:
    if step not in outputs:
        raise StepOutputError(f"{text}: step '{step}' has no output")
    current: Any = outputs[step]
    segments = list(path)
    if not segments or not (isinstance(segments[0], str) and segments[0].lower() in _ENVELOPE_KEYS):
        segments = ["Data", 0, *segments]
    walked = f"steps.{step}"
    for seg in segments:
        if isinstance(seg, int):
            if not isinstance(current, list) or seg >= len(current):
                raise StepOutputError(f"{text}: {walked} has no item [{seg}]")
            current = current[seg]
            walked += f"[{seg}]"
            continue
        if not isinstance(current, Mapping):
            raise StepOutputError(f"{text}: {walked} is not a mapping, cannot read '{seg}'")
        key = _match_key(current, seg)
        if key is None:
            keys = ", ".join(map(str, current)) or "none"
            raise StepOutputError(f"{text}: {walked} has no '{seg}' (keys: {keys})")
        current = current[key]
        walked += f".{seg}"
    return current


def _normal(key: str) -> str:
    return key.replace("_", "").replace("-", "").lower()


def _match_key(mapping: Mapping[str, Any], wanted: str) -> str | None:
    if wanted in mapping:
        return wanted
    norm = _normal(wanted)
    return next((k for k in mapping if isinstance(k, str) and _normal(k) == norm), None)
