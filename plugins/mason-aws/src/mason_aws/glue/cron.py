"""Five-field cron (Mason's schedule syntax) as Glue's ``cron(...)``.

Glue wants six fields (a year), ``?`` in one of the two day fields, and
numbers days of the week 1-7 from Sunday where cron uses 0-6.
"""

from __future__ import annotations

import re

from mason_core.errors import MasonUsageError
from mason_core.workflows.cron import parse_cron

_MACROS = {
    "@hourly": "0 * * * *",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@weekly": "0 0 * * 0",
    "@monthly": "0 0 1 * *",
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
}
_NUMBER = re.compile(r"(?<![/\d])(\d+)")


def glue_cron(expression: str) -> str:
    parse_cron(expression)  # Mason's own validation, with its error messages
    text = _MACROS.get(expression.strip().lower(), expression.strip())
    minute, hour, day, month, weekday = text.split()
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
