"""Retry policies: ``retry_method`` of a step (``exponential(5)``, ``fixed(10)``).

The method fixes the wait between attempts; ``retry_max`` fixes how many
retries follow the first attempt. Parsing is separate from waiting so that
validation can report a bad method before anything runs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_METHOD = re.compile(r"^\s*(exponential|fixed)\s*\(\s*(\d+(?:\.\d+)?)\s*\)\s*$")
#: the longest wait between two attempts, whatever the method computes.
MAX_DELAY_SECONDS = 3600.0


@dataclass(frozen=True)
class RetryPolicy:
    kind: str = "none"
    base_seconds: float = 0.0
    max_retries: int = 0

    def delay(self, retry: int) -> float:
        """Seconds to wait before retry number ``retry`` (1 for the first retry)."""
        if self.kind == "exponential":
            return min(self.base_seconds * 2.0 ** (retry - 1), MAX_DELAY_SECONDS)
        if self.kind == "fixed":
            return min(self.base_seconds, MAX_DELAY_SECONDS)
        return 0.0

    @property
    def attempts(self) -> int:
        return 1 + self.max_retries


def parse_retry(method: str | None, retry_max: int) -> RetryPolicy:
    """The policy for a step, or ``ValueError`` saying what is wrong with it."""
    if retry_max < 0:
        raise ValueError(f"retry_max must be 0 or more, got {retry_max}")
    if method is None or not method.strip():
        return RetryPolicy("none", 0.0, retry_max)
    match = _METHOD.match(method)
    if match is None:
        raise ValueError(
            f"retry_method '{method}' is not 'exponential(SECONDS)' or 'fixed(SECONDS)'"
        )
    return RetryPolicy(match.group(1), float(match.group(2)), retry_max)
