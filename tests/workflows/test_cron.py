"""Five-field cron: parsing, matching and the next due minute."""

from __future__ import annotations

from datetime import datetime

import pytest

from mason_core.workflows.cron import CronError, parse_cron


@pytest.mark.parametrize(
    ("expression", "after", "due"),
    [
        ("*/15 * * * *", datetime(2024, 1, 1, 10, 7), datetime(2024, 1, 1, 10, 15)),
        ("0 2 * * *", datetime(2024, 1, 1, 2, 0), datetime(2024, 1, 2, 2, 0)),
        ("30 9 * * mon-fri", datetime(2024, 1, 5, 10, 0), datetime(2024, 1, 8, 9, 30)),
        ("0 0 1 jan,jul *", datetime(2024, 2, 1), datetime(2024, 7, 1)),
        ("0 12 29 2 *", datetime(2024, 3, 1), datetime(2028, 2, 29, 12, 0)),
        ("@hourly", datetime(2024, 1, 1, 10, 59, 30), datetime(2024, 1, 1, 11, 0)),
        ("0 0 * * 7", datetime(2024, 1, 1), datetime(2024, 1, 7)),  # 7 is Sunday too
        # both day fields restricted: either one matches (the 13th, or any Friday)
        ("0 0 13 * 5", datetime(2024, 1, 1), datetime(2024, 1, 5)),
        ("5-10/5 1 * * *", datetime(2024, 1, 1, 1, 5), datetime(2024, 1, 1, 1, 10)),
    ],
)
def test_next_after(expression: str, after: datetime, due: datetime) -> None:
    cron = parse_cron(expression)
    assert cron.next_after(after) == due
    assert cron.matches(due)


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("* * * *", "must have 5 fields"),
        ("60 * * * *", "cron minute: 60 is outside 0-59"),
        ("* 24 * * *", "cron hour: 24 is outside 0-23"),
        ("* * 0 * *", "cron day of month: 0 is outside 1-31"),
        ("* * * foo *", "cron month: 'foo' is not a number"),
        ("*/0 * * * *", "step '0' must be a positive number"),
        ("10-5 * * * *", "range '10-5' runs backwards"),
        ("1,,2 * * * *", "empty item"),
        ("0 0 30 2 *", "never fires"),
    ],
)
def test_bad_expressions(expression: str, message: str) -> None:
    with pytest.raises(CronError, match=message) as info:
        parse_cron(expression).next_after(datetime(2024, 1, 1))
    assert info.value.exit_code == 2
