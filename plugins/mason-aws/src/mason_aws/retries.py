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

A call is also bounded in time: no new attempt starts once
``total_timeout_seconds`` have passed since the first began (botocore itself
would try a stalled endpoint ``max_attempts`` times, ``read_timeout_seconds``
each). A timeout that ends a call is stamped with how long the call took, so
its error says "timed out after N s" (:mod:`mason_aws.errors`).
"""

from __future__ import annotations

import random
import time
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
    bounded = TotalBound(handler, config.total_timeout_seconds)
    events.register(f"before-call.{service}", bounded.started, unique_id=f"mason-start-{service}")
    # first, so that even if botocore's handler were still registered, Mason's answer wins
    events.register_first(
        f"needs-retry.{service}", bounded.needs_retry, unique_id=f"mason-retry-{service}"
    )
    return handler


#: where a call's start is kept in botocore's per-call context
_STARTED = "mason_started"


class TotalBound:
    """botocore's retry decision, refused once a call has run ``total_seconds``."""

    def __init__(self, handler: Any, total_seconds: float, clock: Any = time.monotonic) -> None:
        self.handler = handler
        self.total_seconds = total_seconds
        self.clock = clock

    def started(self, context: dict[str, Any] | None = None, **_: Any) -> None:
        if context is not None:
            context[_STARTED] = self.clock()

    def needs_retry(self, **kwargs: Any) -> float | None:
        context = (kwargs.get("request_dict") or {}).get("context") or {}
        elapsed = self.clock() - float(context.get(_STARTED, self.clock()))
        caught = kwargs.get("caught_exception")
        if caught is not None:
            caught.mason_elapsed_seconds = elapsed  # read by mason_aws.errors
        if elapsed >= self.total_seconds:
            return None
        wait: float | None = self.handler.needs_retry(**kwargs)
        if wait is not None and elapsed + wait >= self.total_seconds:
            return None
        return wait
