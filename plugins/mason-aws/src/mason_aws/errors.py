"""AWS failures as one-line Mason errors naming the client and the resource.

botocore has already retried throttling and transient errors (see the retry
settings in :mod:`mason_aws.retries`); what reaches here is final.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress

from mason.sdk.errors import (
    AlreadyExistsError,
    ConfigurationError,
    MasonError,
    MasonRuntimeError,
    MasonUsageError,
    NotFoundError,
)
from mason.sdk.secrets import scrub

_NOT_FOUND = {
    "NoSuchBucket",
    "NoSuchKey",
    "NotFound",
    "404",
    "EntityNotFoundException",
    "ResourceNotFoundException",
    "MetadataException",
}
_DENIED = {
    "AccessDenied",
    "AccessDeniedException",
    "403",
    "Forbidden",
    "UnauthorizedOperation",
    "AllAccessDisabled",
}
_BAD_CREDENTIALS = {
    "InvalidAccessKeyId",
    "InvalidClientTokenId",
    "SignatureDoesNotMatch",
    "UnrecognizedClientException",
    "ExpiredToken",
    "ExpiredTokenException",
}
_EXISTS = {"AlreadyExistsException", "BucketAlreadyExists", "BucketAlreadyOwnedByYou"}
_INVALID = {"InvalidRequestException", "InvalidInputException", "ValidationException"}
_THROTTLED = {
    "Throttling",
    "ThrottlingException",
    "SlowDown",
    "TooManyRequestsException",
    "RequestLimitExceeded",
}


def _first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")


def translate(exc: Exception, client: str, resource: str) -> MasonError:
    """The Mason error for a botocore exception raised while touching ``resource``."""
    from botocore.exceptions import (
        ClientError,
        ConnectTimeoutError,
        EndpointConnectionError,
        NoCredentialsError,
        NoRegionError,
        PartialCredentialsError,
        ReadTimeoutError,
    )

    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        code = str(
            error.get("Code")
            or exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", "error")
        )
        retried = exc.response.get("ResponseMetadata", {}).get("RetryAttempts") or 0
        return _by_code(code, str(error.get("Message") or ""), int(retried), client, resource)
    if isinstance(exc, (NoCredentialsError, PartialCredentialsError)):
        return ConfigurationError(f"{client}: no usable AWS credentials to reach {resource}")
    if isinstance(exc, NoRegionError):
        return ConfigurationError(f"{client}: no AWS region set (aws_region)")
    if isinstance(exc, (ConnectTimeoutError, ReadTimeoutError)):
        return timed_out(client, resource, getattr(exc, "mason_elapsed_seconds", None), str(exc))
    if isinstance(exc, EndpointConnectionError):
        return MasonRuntimeError(scrub(f"{client}: cannot reach AWS for {resource}: {exc}"))
    return MasonRuntimeError(
        scrub(f"{client}: {resource} failed ({type(exc).__name__}: {_first_line(str(exc))})")
    )


def timed_out(client: str, resource: str, seconds: float | None, detail: str) -> MasonError:
    """A call that ran out of time: how long it took, and which bound applies."""
    took = f" after {seconds:.0f} s" if seconds is not None else ""
    kind = "connecting" if "connect" in detail.lower() else "waiting for an answer"
    return MasonRuntimeError(
        scrub(
            f"{client}: {resource} timed out{took} ({kind}; the client's "
            "connect_timeout_seconds, read_timeout_seconds and total_timeout_seconds "
            "bound it)"
        )
    )


def _by_code(code: str, message: str, retried: int, client: str, resource: str) -> MasonError:
    """The Mason error for an S3 or AWS error code and its message."""
    detail = _first_line(message)
    if detail.startswith("<"):  # an HTML error page, not a message
        detail = ""
    suffix = f" ({code}{': ' + detail if detail else ''})"
    tried = f" after {retried + 1} attempts" if retried else ""
    if code in _NOT_FOUND:
        return NotFoundError(scrub(f"{client}: {resource} not found{suffix}"))
    if code in _DENIED:
        return MasonRuntimeError(scrub(f"{client}: access denied to {resource}{suffix}"))
    if code in _BAD_CREDENTIALS:
        return ConfigurationError(
            scrub(f"{client}: credentials were refused for {resource}{suffix}")
        )
    if code in _EXISTS:
        return AlreadyExistsError(scrub(f"{client}: {resource} already exists{suffix}"))
    if code in _INVALID:
        return MasonUsageError(scrub(f"{client}: invalid request for {resource}{suffix}"))
    if code in _THROTTLED:
        return MasonRuntimeError(scrub(f"{client}: throttled on {resource}{tried}{suffix}"))
    return MasonRuntimeError(scrub(f"{client}: {resource} failed{tried}{suffix}"))


def translate_obstore(
    exc: Exception, client: str, resource: str, elapsed: float | None = None
) -> MasonError:
    """The Mason error for an obstore failure: its text carries S3's XML error
    (``<Code>``, ``<Message>``) or the HTTP status after obstore's retries;
    ``elapsed``: how long the call took, for the message of one that timed out."""
    text = str(exc)
    if re.search(r"kind: Timeout\b|\bTimedOut\b", text):
        took = re.search(r" in (\d+(?:\.\d+)?)(ms|s)\b", _first_line(text))
        if took:
            elapsed = float(took.group(1)) / (1000 if took.group(2) == "ms" else 1)
        return timed_out(client, resource, elapsed, text)
    code = re.search(r"<Code>([^<]{1,100})</Code>", text)
    message = re.search(r"<Message>([^<]{1,300})</Message>", text)
    status = re.search(r"status code: (\d{3})", text)
    retried = re.search(r"after (\d+) retries", text)
    found = code.group(1) if code else status.group(1) if status else None
    if found:
        return _by_code(
            found,
            message.group(1) if message else "",
            int(retried.group(1)) if retried else 0,
            client,
            resource,
        )
    if isinstance(exc, FileNotFoundError):
        return NotFoundError(scrub(f"{client}: {resource} not found"))
    # "Generic S3 error: Error performing GET <url> in 2ms, after 7 retries, ... -
    # HTTP error: error sending request", then a Debug dump holding the cause
    headline = _first_line(text)
    detail = headline.rpartition(" - ")[2] if " - " in headline else headline
    cause = _obstore_cause(text)
    tried = f" after {int(retried.group(1)) + 1} attempts" if retried else ""
    return MasonRuntimeError(
        scrub(f"{client}: {resource} failed{tried} ({detail[:200]}{': ' + cause if cause else ''})")
    )


def _obstore_cause(text: str) -> str:
    """The innermost cause in obstore's Debug dump: an OS message ("Connection
    refused") or a TLS verdict ("InvalidCertificate(UnknownIssuer)")."""
    debug = re.sub(r"\s+", " ", text.partition("Debug source:")[2])
    messages = re.findall(r'message: "([^"]{1,200})"', debug)
    if messages:
        return str(messages[-1])
    verdicts = re.findall(r"error: (\w+)\( ?(\w+),? ?\)", debug)
    return f"{verdicts[-1][0]}({verdicts[-1][1]})" if verdicts else ""


def is_code(exc: BaseException, *codes: str) -> bool:
    """Whether ``exc`` is a botocore ClientError carrying one of ``codes``."""
    response = getattr(exc, "response", None)
    if not isinstance(response, dict):
        return False
    code = str(response.get("Error", {}).get("Code", ""))
    status = str(response.get("ResponseMetadata", {}).get("HTTPStatusCode", ""))
    return code in codes or status in codes


@contextmanager
def aws_errors(client: str, resource: str) -> Iterator[None]:
    """Turn botocore and s3fs failures inside the block into Mason errors."""
    started = time.monotonic()
    try:
        yield
    except MasonError:
        raise
    except Exception as exc:
        from botocore.exceptions import BotoCoreError, ClientError

        if not hasattr(exc, "mason_elapsed_seconds"):  # s3fs's calls: timed here
            with suppress(AttributeError):
                exc.mason_elapsed_seconds = time.monotonic() - started  # type: ignore[attr-defined]
        if isinstance(exc, (BotoCoreError, ClientError)):
            raise translate(exc, client, resource) from None
        if isinstance(exc, FileNotFoundError):  # s3fs and pyarrow say "not found" this way
            raise NotFoundError(scrub(f"{client}: {resource} not found")) from None
        if isinstance(exc, PermissionError):
            raise MasonRuntimeError(scrub(f"{client}: access denied to {resource}")) from None
        raise
