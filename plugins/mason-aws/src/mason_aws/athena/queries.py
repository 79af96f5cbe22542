"""Athena queries: start one, poll it with backoff, read its state and rows.

Athena is asynchronous; botocore retries each call, and this module's own
backoff (``poll_seconds`` doubling to 5s) spaces the polling of a running
query so waiting on many jobs does not spend the account's API rate.
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

from mason.sdk.errors import NotFoundError
from mason.sdk.models import Column, ExecutedJob, JobOutcome, JobStatus
from mason.sdk.secrets import scrub
from mason.sdk.tabular import arrow_type
from mason_aws.config import AthenaClientConfig
from mason_aws.errors import aws_errors, is_code
from mason_aws.session import AwsSession

_STATES = {
    "QUEUED": JobStatus.QUEUED,
    "RUNNING": JobStatus.RUNNING,
    "SUCCEEDED": JobStatus.SUCCEEDED,
    "FAILED": JobStatus.FAILED,
    "CANCELLED": JobStatus.CANCELLED,
}
_MAX_POLL_SECONDS = 5.0


class AthenaQueries:
    def __init__(self, aws: AwsSession, config: AthenaClientConfig, client_name: str) -> None:
        self.aws = aws
        self.config = config
        self.client_name = client_name

    @property
    def athena(self) -> Any:
        return self.aws.client("athena")

    def start(self, query: str, database: str | None, output_location: str | None = None) -> str:
        request: dict[str, Any] = {"QueryString": query, "WorkGroup": self.config.workgroup}
        if database:
            request["QueryExecutionContext"] = {
                "Database": database,
                "Catalog": self.config.catalog,
            }
        location = output_location or self.config.output_location
        if location:
            request["ResultConfiguration"] = {"OutputLocation": location}
        where = f"a query in database '{database}'" if database else "a query"
        with aws_errors(self.client_name, where):
            return str(self.athena.start_query_execution(**request)["QueryExecutionId"])

    def execution(self, query_id: str) -> dict[str, Any]:
        with aws_errors(self.client_name, f"query '{query_id}'"):
            answer: dict[str, Any] = self.athena.get_query_execution(QueryExecutionId=query_id)
        return answer["QueryExecution"]

    def find(self, query_id: str) -> dict[str, Any]:
        """A query by id, for ``job get``: an id Athena does not know is NotFoundError.

        Athena answers an unknown id with InvalidRequestException; moto (and so
        the tests) with a server error, which botocore has retried by then.
        """
        try:
            answer: dict[str, Any] = self.athena.get_query_execution(QueryExecutionId=query_id)
        except Exception as exc:
            if is_code(exc, "InvalidRequestException") or _server_error(exc):
                detail = _error_summary(exc)
                raise NotFoundError(
                    scrub(f"{self.client_name}: job '{query_id}' not found ({detail})")
                ) from None
            with aws_errors(self.client_name, f"job '{query_id}'"):
                raise
        return answer["QueryExecution"]

    def wait(self, query_id: str, seconds: float | None = None) -> dict[str, Any]:
        """Poll until the query finishes or ``seconds`` (default ``wait_seconds``) pass."""
        deadline = time.monotonic() + (self.config.wait_seconds if seconds is None else seconds)
        interval = self.config.poll_seconds
        while True:
            current = self.execution(query_id)
            if _status(current).finished or time.monotonic() >= deadline:
                return current
            time.sleep(min(interval, max(0.0, deadline - time.monotonic())))
            interval = min(interval * 2, _MAX_POLL_SECONDS)

    def stop(self, query_id: str) -> None:
        with aws_errors(self.client_name, f"query '{query_id}'"):
            self.athena.stop_query_execution(QueryExecutionId=query_id)

    def preview(self, query_id: str, rows: int) -> tuple[list[Column], list[dict[str, Any]]]:
        """Columns and the first ``rows`` rows of a finished query's result."""
        if rows <= 0:
            return [], []
        with aws_errors(self.client_name, f"results of query '{query_id}'"):
            answer = self.athena.get_query_results(QueryExecutionId=query_id, MaxResults=rows + 1)
        info = answer.get("ResultSet", {}).get("ResultSetMetadata", {}).get("ColumnInfo", [])
        columns = [Column(name=c["Name"], type=arrow_type(c.get("Type", "string"))) for c in info]
        names = [c.name for c in columns]
        data = [
            [cell.get("VarCharValue") for cell in row.get("Data", [])]
            for row in answer.get("ResultSet", {}).get("Rows", [])
        ]
        if data and names and data[0] == names:  # a SELECT's first row repeats the header
            data = data[1:]
        return columns, [dict(zip(names, row, strict=False)) for row in data[:rows]]

    def state(
        self, execution: dict[str, Any], preview_rows: int = 0
    ) -> tuple[JobStatus, str | None, JobOutcome]:
        """A query's status, its error (when it failed or was cancelled) and
        what it produced so far (the preview once it succeeded)."""
        status = _status(execution)
        state = execution.get("Status", {})
        reason = state.get("StateChangeReason") or (state.get("AthenaError") or {}).get(
            "ErrorMessage"
        )
        outcome = JobOutcome(
            result_location=(execution.get("ResultConfiguration") or {}).get("OutputLocation"),
            metrics={
                "query_execution_id": str(execution["QueryExecutionId"]),
                "data_scanned_bytes": int(
                    (execution.get("Statistics") or {}).get("DataScannedInBytes") or 0
                ),
            },
        )
        if status is JobStatus.SUCCEEDED and execution.get("StatementType", "DML") == "DML":
            columns, rows = self.preview(execution["QueryExecutionId"], preview_rows)
            outcome = outcome.model_copy(update={"columns": columns, "preview": rows})
        error = reason if status in (JobStatus.FAILED, JobStatus.CANCELLED) else None
        return status, error, outcome

    def record(self, execution: dict[str, Any], preview_rows: int = 0) -> ExecutedJob:
        """A query Mason has no job record of (one it did not start), as a job."""
        status, error, outcome = self.state(execution, preview_rows)
        times = execution.get("Status", {})
        kind = "query" if execution.get("StatementType", "DML") == "DML" else "ddl"
        return ExecutedJob(
            id=execution["QueryExecutionId"],
            kind=kind,
            status=status,
            client=self.client_name,
            submitted_at=_time(times.get("SubmissionDateTime")),
            started_at=_time(times.get("SubmissionDateTime")),
            finished_at=_time(times.get("CompletionDateTime")) if status.finished else None,
            error=error,
            result_location=outcome.result_location,
            columns=outcome.columns,
            preview=outcome.preview,
            metrics=outcome.metrics,
        )


def _server_error(exc: BaseException) -> bool:
    response = getattr(exc, "response", None)
    if not isinstance(response, dict):
        return False
    status = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return isinstance(status, int) and status >= 500


def _error_summary(exc: BaseException) -> str:
    """``Code: first line of the message`` of a botocore ClientError."""
    error = getattr(exc, "response", {}).get("Error", {})
    code = str(error.get("Code") or "error")
    message = next((ln.strip() for ln in str(error.get("Message") or "").splitlines()), "")
    if message.startswith("<"):  # an HTML error page (moto's), not a message
        message = ""
    return f"{code}: {message}" if message else f"Athena answered {code}"


def _status(execution: dict[str, Any]) -> JobStatus:
    return _STATES.get(str(execution.get("Status", {}).get("State")), JobStatus.RUNNING)


def _time(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, (int, float)):
        return datetime.fromtimestamp(value)
    return None
