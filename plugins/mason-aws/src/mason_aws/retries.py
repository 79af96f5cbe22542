"""Retries of throttling and transient errors, with waits Mason configures.

botocore's ``standard`` and ``adaptive`` modes decide *whether* a call is
retried (throttling codes, 5xx answers, dropped connections, modeled
retryable errors), keep a retry quota so an outage does not multiply the
load, and in adaptive mode rate-limit the client while it is throttled.
Their waits are fixed, though: at most 1 s after throttling and 50 ms after
other errors, doubling to 20 s. Mason keeps botocore's decisions, quota and
rate limiter, and replaces only the waits, from the client configuration::

    wait(attempt n) = rand(0, 1) * min(base * 2 ** (n - 1), retry_max_backoff_seconds)
    base = retry_backoff_seconds after throttling, a twentieth of it otherwise

With the defaults (1 s, 20 s) that is exactly botocore's schedule; tests and
impatient users shorten it.
"""

from __future__ import annotations

import random
from typing import Any

from mason_aws.config import AwsClientConfig

TRANSIENT_SCALE = 0.05  # botocore's ratio of non-throttling to throttling waits


class Backoff:
    """Truncated binary exponential backoff with full jitter (botocore's shape)."""

    def __init__(self, base_seconds: float, max_seconds: float, rand: Any = random.random) -> None:
        from botocore.retries.standard import ThrottledRetryableChecker

        self.base_seconds = base_seconds
        self.max_seconds = max_seconds
        self._rand = rand
        self._throttled = ThrottledRetryableChecker()

    def ceiling(self, attempt: int, throttled: bool) -> float:
        """The longest wait after failed attempt ``attempt`` (1-based)."""
        base = self.base_seconds if throttled else self.base_seconds * TRANSIENT_SCALE
        return float(min(base * 2 ** (attempt - 1), self.max_seconds))

    def delay_amount(self, context: Any) -> float:
        throttled = bool(self._throttled.is_retryable(context)) or _status(context) == 429
        return float(self._rand()) * self.ceiling(context.attempt_number, throttled)


def _status(context: Any) -> int | None:
    response = getattr(context, "http_response", None)
    return getattr(response, "status_code", None)


def install(client: Any, config: AwsClientConfig) -> Any:
    """Replace ``client``'s botocore retry handler by one waiting as configured.

    The client must have been built in ``standard`` or ``adaptive`` mode; the
    adaptive rate limiter botocore registered stays in place.
    """
    from botocore.retries import quota, standard

    service = client.meta.service_model.service_id.hyphenize()
    events = client.meta.events
    events.unregister(f"needs-retry.{service}", unique_id=f"retry-config-{service}")
    adapter = standard.RetryEventAdapter()
    try:  # recent botocore charges throttling retries less quota
        checker = standard.RetryQuotaChecker(
            quota.RetryQuota(), standard.ThrottlingErrorDetector(adapter)
        )
    except TypeError:  # pragma: no cover - older botocore
        checker = standard.RetryQuotaChecker(quota.RetryQuota())
    handler = standard.RetryHandler(
        retry_policy=standard.RetryPolicy(
            retry_checker=standard.StandardRetryConditions(max_attempts=config.max_attempts),
            retry_backoff=Backoff(  # type: ignore[arg-type]  # duck-typed: delay_amount()
                config.retry_backoff_seconds, config.retry_max_backoff_seconds
            ),
        ),
        retry_event_adapter=adapter,
        retry_quota=checker,  # type: ignore[arg-type]  # the stubs name the wrong class
    )
    events.register(f"after-call.{service}", checker.release_retry_quota)
    # first, so that even if botocore's handler were still registered, Mason's answer wins
    events.register_first(
        f"needs-retry.{service}", handler.needs_retry, unique_id=f"mason-retry-{service}"
    )
    return handler
