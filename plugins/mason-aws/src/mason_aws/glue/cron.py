"""Schedules as Glue's ``cron(...)``.

Mason's five-field cron is translated: Glue wants six fields (a year), ``?`` in
one of the two day fields, and numbers days of the week 1-7 from Sunday where
cron uses 0-6. Glue's own six-field form (``0 12 * * ? *``, optionally written
``cron(...)``), which the original Mason passed to Glue as it was, is taken as
it is after the same checks.
"""

from __future__ import annotations

import re

from mason.sdk.errors import MasonUsageError
from mason.sdk.workflows import five_field, parse_cron

_NUMBER = re.compile(r"(?<![/\d])(\d+)")


def glue_cron(expression: str) -> str:
    text = expression.strip()
    if text.startswith("cron(") and text.endswith(")"):
        text = text[5:-1].strip()
    if len(text.split()) == 6:
        return _glue_six(expression, text)
    # Mason's own parser: its validation, its error messages, its macros
    minute, hour, day, month, weekday = parse_cron(text).fields
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


def _glue_six(expression: str, text: str) -> str:
    """Glue's own form, checked: ``?`` in exactly one day field, and the fields
    five-field cron can express valid as such."""
    _, _, day, _, weekday, _ = text.split()
    if (day == "?") == (weekday == "?"):
        raise MasonUsageError(
            f"schedule '{expression}': Glue's six-field cron needs '?' in exactly one of "
            "day of month and day of week"
        )
    translated = five_field(text)
    if translated is not None:
        parse_cron(translated)  # the same field checks as five-field schedules
    return f"cron({text})"
