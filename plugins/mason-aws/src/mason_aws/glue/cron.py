"""Five-field cron (Mason's schedule syntax) as Glue's ``cron(...)``.

Glue wants six fields (a year), ``?`` in one of the two day fields, and
numbers days of the week 1-7 from Sunday where cron uses 0-6.
"""

from __future__ import annotations

import re

from mason.sdk.errors import MasonUsageError
from mason.sdk.workflows import parse_cron

_NUMBER = re.compile(r"(?<![/\d])(\d+)")


def glue_cron(expression: str) -> str:
    # Mason's own parser: its validation, its error messages, its macros
    minute, hour, day, month, weekday = parse_cron(expression).fields
    if weekday == "*":
        weekday = "?"
    elif day == "*":
        day = "?"
    else:
        raise MasonUsageError(
            f"schedule '{expression}': Glue cannot restrict both day of month and day of week"
        )
    if weekday != "?":
        weekday = _NUMBER.sub(lambda m: str(int(m.group(1)) % 7 + 1), weekday)
    return f"cron({minute} {hour} {day} {month} {weekday} *)"
