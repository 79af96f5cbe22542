"""The response envelope every surface returns: ``Errors``, ``Info``,
``Warnings`` and ``Data``, as the original Mason printed it."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from mason_core.messages import one_line


class Response(BaseModel):
    """What an operator, workflow or API call produced.

    ``data`` holds typed objects (canonical models) for Python callers;
    :meth:`envelope` is the JSON-ready form the CLI and server print.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    errors: list[str] = Field(default_factory=list)
    info: list[str] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    data: list[Any] = Field(default_factory=list)
    #: 0 success, 1 the work ran and failed, 2 bad input.
    exit_code: int = 0
    _failure: BaseException | None = PrivateAttr(default=None)

    @property
    def failure(self) -> BaseException | None:
        """The exception that failed the run, so callers (the server) can tell
        a missing table from a crash; never part of the printed envelope."""
        return self._failure

    def fail_with(self, exc: BaseException, message: str, exit_code: int) -> None:
        self._failure = exc
        self.add_error(message, exit_code)

    @property
    def ok(self) -> bool:
        return self.exit_code == 0 and not self.errors

    # every message is one line of bounded length, whichever surface shows it
    def add_info(self, message: str) -> None:
        self.info.append(one_line(message))

    def add_warning(self, message: str) -> None:
        """Add ``message`` once (an engine and its operator may both report a skip)."""
        message = one_line(message)
        if message not in self.warnings:
            self.warnings.append(message)

    def add_error(self, message: str, exit_code: int = 1) -> None:
        self.errors.append(one_line(message))
        self.exit_code = max(self.exit_code, exit_code)

    def add_data(self, item: Any) -> None:
        if item is None:
            return
        if isinstance(item, (list, tuple)):
            self.data.extend(item)
        else:
            self.data.append(item)

    def envelope(self) -> dict[str, Any]:
        return {
            "Errors": list(self.errors),
            "Info": list(self.info),
            "Warnings": list(self.warnings),
            "Data": [to_jsonable(d) for d in self.data],
        }


def to_jsonable(item: Any) -> Any:
    if isinstance(item, BaseModel):
        to_data = getattr(item, "to_data", None)
        if callable(to_data):
            return to_data()
        return item.model_dump(mode="json", by_alias=True)
    if isinstance(item, dict):
        return {str(k): to_jsonable(v) for k, v in item.items()}
    if isinstance(item, (list, tuple)):
        return [to_jsonable(v) for v in item]
    if item is None or isinstance(item, (str, int, float, bool)):
        return item
    return str(item)
