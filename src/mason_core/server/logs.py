"""The server's logging: every line, traceback included, scrubbed of every
known secret, and an access log that never records a credential.

Policy. The access log records the client address, method, path, query
string and status, never headers (so never ``Authorization``), and the
value of any query parameter whose name suggests a credential (``token``,
``key``, ``password``, ``secret``, ``signature``, ...) is written
``REDACTED``. Every handler formats through :class:`mason_core.secrets.ScrubbingFormatter`,
which removes each secret value Mason has seen (the server's token,
configuration secrets, parameters declared ``secret: true``) from the whole
formatted text, traceback included.
"""

from __future__ import annotations

import logging
import os
import re
from typing import Any
from urllib.parse import parse_qsl, urlencode

from mason_core.secrets import REDACTED

#: query parameter names whose values the access log never records.
SECRET_QUERY_NAME = re.compile(
    r"token|key|secret|passw|pwd|auth|credential|signature|session|cookie|jwt", re.IGNORECASE
)


def redact_target(target: str) -> str:
    """A request target (path and query) with credential-like query values redacted."""
    path, mark, query = target.partition("?")
    if not mark:
        return target
    pairs = parse_qsl(query, keep_blank_values=True)
    shown = [(k, REDACTED if SECRET_QUERY_NAME.search(k) else v) for k, v in pairs]
    return f"{path}?{urlencode(shown)}"


class AccessLogFilter(logging.Filter):
    """Redacts credential-like query values from uvicorn's access records,
    whose arguments hold the request target."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                redact_target(a) if isinstance(a, str) and "?" in a else a for a in record.args
            )
        return True


def log_config(debug: bool | None = None) -> dict[str, Any]:
    """The ``logging.config.dictConfig`` the server runs with (uvicorn's
    ``log_config``): uvicorn's loggers and Mason's, all through the scrubbing
    formatter; Mason's at DEBUG under ``MASON_DEBUG`` (tracebacks included)."""
    if debug is None:
        debug = bool(os.environ.get("MASON_DEBUG"))
    formatter = "mason_core.secrets.ScrubbingFormatter"
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"access": {"()": f"{__name__}.AccessLogFilter"}},
        "formatters": {
            "default": {"()": formatter, "fmt": "%(levelname)s %(name)s: %(message)s"},
            "access": {"()": formatter, "fmt": "%(levelname)s %(name)s: %(message)s"},
        },
        "handlers": {
            "default": {
                "class": "logging.StreamHandler",
                "formatter": "default",
                "stream": "ext://sys.stderr",
            },
            "access": {
                "class": "logging.StreamHandler",
                "formatter": "access",
                "stream": "ext://sys.stdout",
            },
        },
        "loggers": {
            "uvicorn": {"handlers": ["default"], "level": "INFO", "propagate": False},
            "uvicorn.error": {"level": "INFO"},
            "uvicorn.access": {
                "handlers": ["access"],
                "level": "INFO",
                "propagate": False,
                "filters": ["access"],
            },
            "mason": {
                "handlers": ["default"],
                "level": "DEBUG" if debug else "WARNING",
                "propagate": False,
            },
        },
    }
