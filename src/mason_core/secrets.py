"""Keeping secrets out of everything Mason prints.

Two layers: configuration rendering replaces secret fields with ``REDACTED``,
and every secret value Mason has loaded is remembered so :func:`scrub` can
remove it from any text (errors, logs, client messages) before it is shown.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pydantic loads with the first model: scrubbing must stay light
    from pydantic import BaseModel

REDACTED = "REDACTED"

_lock = threading.Lock()
_known: set[str] = set()
_SECRET_NAME_HINTS = ("secret", "password", "token", "access_key", "role_arn", "private_key")


def remember(value: str) -> None:
    """Register a secret value so it is scrubbed from output; short values are
    ignored (they would blank out ordinary words)."""
    if isinstance(value, str) and len(value) >= 4:
        with _lock:
            _known.add(value)


def scrub(text: str) -> str:
    with _lock:
        known = sorted(_known, key=len, reverse=True)
    for value in known:
        if value in text:
            text = text.replace(value, REDACTED)
    return text


def is_secret_field(model: type[BaseModel], name: str) -> bool:
    field = model.model_fields.get(name)
    if field is None:
        return any(h in name.lower() for h in _SECRET_NAME_HINTS)
    extra = field.json_schema_extra
    if isinstance(extra, dict) and extra.get("secret") is True:
        return True
    annotation = str(field.annotation)
    return "SecretStr" in annotation or "SecretBytes" in annotation


def redacted_dump(model: BaseModel) -> dict[str, Any]:
    """The model as a plain dict with every secret field shown as ``REDACTED``."""
    from pydantic import BaseModel

    out: dict[str, Any] = {}
    for name in type(model).model_fields:
        value = getattr(model, name)
        if value is None:
            continue
        if is_secret_field(type(model), name):
            out[name] = REDACTED
        elif isinstance(value, BaseModel):
            out[name] = redacted_dump(value)
        else:
            out[name] = value if isinstance(value, (str, int, float, bool)) else _plain(value)
    return out


def _plain(value: Any) -> Any:
    from pydantic import BaseModel, SecretBytes, SecretStr

    if isinstance(value, (SecretStr, SecretBytes)):
        return REDACTED
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, BaseModel):
        return redacted_dump(value)
    return value if isinstance(value, (str, int, float, bool)) or value is None else str(value)


def remember_model(model: BaseModel) -> None:
    """Remember every secret value held by ``model`` (recursively)."""
    from pydantic import BaseModel, SecretStr

    for name in type(model).model_fields:
        value = getattr(model, name)
        if isinstance(value, SecretStr):
            remember(value.get_secret_value())
        elif isinstance(value, BaseModel):
            remember_model(value)
        elif isinstance(value, str) and is_secret_field(type(model), name):
            remember(value)


class ScrubbingFormatter(logging.Formatter):
    """A formatter whose whole output, traceback included, is scrubbed: a
    filter only sees the message, not the exception text ``--debug`` prints."""

    def format(self, record: logging.LogRecord) -> str:
        return scrub(super().format(record))


class ScrubbingFilter(logging.Filter):
    """A logging filter that scrubs known secrets from every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        msg = record.getMessage()
        cleaned = scrub(msg)
        if cleaned != msg:
            record.msg, record.args = cleaned, None
        return True
