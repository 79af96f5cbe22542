"""Operator parameters: the ``-p "k:v,k2:v2"`` syntax, ``-f`` files, and
validation that reports every problem at once."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

from mason_core.asof import as_of_problem
from mason_core.definitions import read_yaml
from mason_core.errors import DefinitionError, ParameterError
from mason_core.messages import SHOWN_ITEMS, some_of
from mason_core.operators.spec import ParameterSpec
from mason_core.safe_yaml import MAX_DEPTH
from mason_core.secrets import remember
from mason_core.suggest import closest

#: what an undeclared parameter is: an error (the default), or a warning and
#: ignored (``--unknown-params warn``, for files migrated from the original Mason,
#: which ignored extra keys).
UnknownParameters = Literal["error", "warn"]

_TRUE = {"true", "yes", "y", "1", "on"}
_FALSE = {"false", "no", "n", "0", "off"}


def parse_parameter_string(text: str) -> dict[str, str]:
    """Parse ``k:v,k2:v2``.

    A value may contain ``:`` (``input_path:s3://bucket/key``): only the first
    colon of an item separates key from value. A value in single or double
    quotes may contain ``,``; a backslash escapes the next character.
    """
    items: list[str] = []
    buf: list[str] = []
    quote: str | None = None
    escaped = False
    for ch in text:
        if escaped:
            buf.append(ch)
            escaped = False
        elif ch == "\\":
            escaped = True
        elif quote:
            if ch == quote:
                quote = None
            else:
                buf.append(ch)
        elif ch in "\"'":
            quote = ch
        elif ch == ",":
            items.append("".join(buf))
            buf = []
        else:
            buf.append(ch)
    if quote:
        raise ParameterError([f"unclosed {quote} quote in parameters"])
    items.append("".join(buf))

    out: dict[str, str] = {}
    problems: list[str] = []
    for raw in items:
        if not raw.strip():
            continue
        key, sep, value = raw.partition(":")
        key = key.strip()
        if not sep or not key:
            problems.append(f"'{raw.strip()}' is not key:value")
            continue
        if key in out:
            problems.append(f"parameter '{key}' given twice")
        out[key] = value.strip()
    if problems:
        raise ParameterError(problems)
    return out


def read_parameter_file(path: Path) -> dict[str, Any]:
    try:
        data = read_yaml(path)
    except DefinitionError as exc:
        raise ParameterError([str(exc)]) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ParameterError([f"{path}: expected a mapping of parameter names to values"])
    # the original files sometimes nest under ``parameters:``
    if set(data) == {"parameters"} and isinstance(data["parameters"], dict):
        data = data["parameters"]
    return {str(k): v for k, v in data.items()}


def coerce(spec: ParameterSpec, value: Any) -> Any:
    """Convert ``value`` to the parameter's type; raise ValueError with the reason."""
    kind = spec.type
    if kind in ("string", "path"):
        if isinstance(value, (dict, list)):
            raise ValueError("expected a single value")
        out: Any = str(value)
    elif kind == "integer":
        if isinstance(value, bool):
            raise ValueError("expected an integer")
        text = str(value).strip()
        if len(text) > 40:  # int() of a huge digit string is slow; none is in range
            raise ValueError(f"expected an integer, got {len(text)} characters")
        try:
            out = int(text)
        except ValueError:
            raise ValueError(f"expected an integer, got '{_quoted(value)}'") from None
    elif kind == "number":
        if isinstance(value, bool):
            raise ValueError("expected a number")
        try:
            out = float(str(value).strip())
        except ValueError:
            raise ValueError(f"expected a number, got '{_quoted(value)}'") from None
        if not math.isfinite(out):
            raise ValueError("expected a finite number")
    elif kind == "boolean":
        if isinstance(value, bool):
            out = value
        elif str(value).strip().lower() in _TRUE:
            out = True
        elif str(value).strip().lower() in _FALSE:
            out = False
        else:
            raise ValueError(f"expected true or false, got '{_quoted(value)}'")
    elif kind == "list":
        if isinstance(value, str):
            # inside -p, a list is separated by ';' or given quoted with commas
            sep = ";" if ";" in value else ","
            out = [v.strip() for v in value.split(sep) if v.strip()]
        elif isinstance(value, Sequence):
            _check_depth(value)
            out = [str(v) for v in value]
        else:
            raise ValueError("expected a list")
    elif kind == "mapping":
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except json.JSONDecodeError:
                raise ValueError("expected a JSON object") from None
            except RecursionError:
                raise ValueError(f"nested deeper than {MAX_DEPTH} levels") from None
        if not isinstance(value, Mapping):
            raise ValueError("expected a mapping")
        _check_depth(value)
        out = dict(value)
    elif kind == "snapshot":
        if isinstance(value, (dict, list, bool)):
            raise ValueError("expected a snapshot id or an ISO timestamp")
        out = str(value).strip()
        _check_text(out)  # before quoting it back
        moment, problem = as_of_problem(out, "a snapshot id (or Delta version)") if out else (0, "")
        if moment is None:
            raise ValueError(problem)
        out = out or None  # blank: not given, the current snapshot
    else:  # pragma: no cover - ParameterType is closed
        raise ValueError(f"unknown type {kind}")
    _check_text(out)
    if spec.choices is not None and out not in spec.choices:
        raise ValueError(
            f"must be one of {', '.join(map(str, spec.choices))}, got '{_quoted(out)}'"
        )
    low, high = spec.bounds()
    if low is not None and out < low:
        raise ValueError(f"must be at least {low}, got {_quoted(out)}")
    if high is not None and out > high:
        raise ValueError(f"must be at most {high}, got {_quoted(out)}")
    return out


def _check_text(value: Any) -> None:
    """Refuse text that is not Unicode (a lone surrogate, as ``mason.run`` may be
    handed from undecodable bytes): nothing downstream (job records, JSON,
    paths, engines) can encode it, so it is a usage error here, not a crash later."""
    stack: list[Any] = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError as exc:
                raise ValueError(
                    f"not valid Unicode text (a lone surrogate at position {exc.start})"
                ) from None
        elif isinstance(item, Mapping):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)


def _check_depth(value: Any) -> None:
    """Refuse containers nested deeper than YAML input may be: what would
    otherwise overflow the stack of whoever walks the value later."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise ValueError(f"nested deeper than {MAX_DEPTH} levels")
        if isinstance(item, Mapping):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend((v, depth + 1) for v in item)


def _quoted(value: Any, limit: int = 60) -> str:
    """``value`` as shown in an error: one line, at most ``limit`` characters."""
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def unknown_parameter(name: str, known: Sequence[str]) -> str:
    """``unknown parameter X (did you mean Y?)``, or the accepted names when
    none is close."""
    close = closest(name, known)
    if close:
        return f"unknown parameter {name} (did you mean {close}?)"
    return f"unknown parameter {name} (accepted: {', '.join(known) or 'none'})"


def unknown_parameters(given: Iterable[str], known: Sequence[str]) -> list[str]:
    """The problems of the names in ``given`` that are not ``known``: one each
    (with a suggestion) when there are a few, else one naming the first few
    and counting the rest, so 100,000 stray keys make one short line."""
    unknown = sorted(str(k) for k in given if k not in known)
    if len(unknown) <= SHOWN_ITEMS:
        return [unknown_parameter(k, known) for k in unknown]
    return [f"unknown parameters {some_of(unknown)} (accepted: {', '.join(known) or 'none'})"]


def drop_unknown(
    operator_name: str,
    specs: Sequence[ParameterSpec],
    given: Mapping[str, Any],
    mode: UnknownParameters,
) -> tuple[dict[str, Any], list[str]]:
    """With ``mode='warn'``: the declared parameters only, and a warning for the
    ones dropped. With ``'error'``: ``given`` untouched (validation refuses)."""
    if mode == "error":
        return dict(given), []
    known = [s.name for s in specs]
    kept = {k: v for k, v in given.items() if k in known}
    warnings = [
        f"{operator_name}: {problem}; ignored (--unknown-params warn)"
        for problem in unknown_parameters(given, known)
    ]
    return kept, warnings


def validate_parameters(
    operator_name: str, specs: Sequence[ParameterSpec], given: Mapping[str, Any]
) -> dict[str, Any]:
    """Typed parameters with defaults filled in, or one error naming every problem."""
    known = {s.name: s for s in specs}
    problems = unknown_parameters(given, list(known))
    missing = [s.name for s in specs if s.required and _blank(given.get(s.name))]
    if missing:
        problems.append(
            f"missing required parameter{'s' if len(missing) > 1 else ''} {', '.join(missing)}"
        )
    out: dict[str, Any] = {}
    for spec in specs:
        if spec.name not in given or given[spec.name] is None:
            if spec.default is not None:
                out[spec.name] = spec.default
            elif not spec.required:
                out[spec.name] = None
            continue
        if spec.required and _blank(given[spec.name]):
            continue
        value = given[spec.name]
        if spec.secret:
            _remember_secret(value)
        try:
            out[spec.name] = coerce(spec, value)
        except ValueError as exc:
            # a secret's value is never quoted back, even in a type error
            reason = f"not a valid {spec.type}" if spec.secret else str(exc)
            problems.append(f"parameter '{spec.name}': {reason}")
    if problems:
        raise ParameterError([f"{operator_name}: {p}" for p in problems])
    return out


def _remember_secret(value: Any) -> None:
    """Scrub a secret parameter's value (or each of its items) from all output."""
    if isinstance(value, Mapping):
        value = list(value.values())
    for item in value if isinstance(value, (list, tuple)) else [value]:
        if isinstance(item, (str, int, float)) and not isinstance(item, bool):
            remember(str(item))


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")
