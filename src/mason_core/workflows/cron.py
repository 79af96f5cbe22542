"""Five-field cron expressions (minute hour day-of-month month day-of-week).

Enough of cron for schedules a local scheduler fires: ``*``, numbers, names
(``jan``, ``mon``), ranges, lists, steps (``*/15``, ``1-5/2``) and the macros
``@hourly``, ``@daily``, ``@weekly``, ``@monthly``, ``@yearly``. As in Vixie
cron, when both day fields are restricted a day matching either one is due.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from mason_core.errors import MasonUsageError

_MACROS = {
    "@hourly": "0 * * * *",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@weekly": "0 0 * * 0",
    "@monthly": "0 0 1 * *",
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
}
_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
_DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]
# (name, low, high, names for low..)
_FIELDS = (
    ("minute", 0, 59, None),
    ("hour", 0, 23, None),
    ("day of month", 1, 31, None),
    ("month", 1, 12, _MONTHS),
    ("day of week", 0, 7, _DAYS),
)


_AWS_WEEKDAY = re.compile(r"(?<![/\d])(\d+)")
_AWS_ONLY = re.compile(r"[LW#]")  # last day, weekday nearest, nth weekday: no five-field form


def five_field(expression: str) -> str | None:
    """The five-field form of AWS's six-field cron (``0 12 * * ? *``, also
    wrapped as ``cron(...)``), which the original Mason took for Glue; ``None``
    when five fields cannot say the same (a year, ``L``, ``W``, ``#``).

    AWS writes ``?`` for "any" in one day field and numbers weekdays 1-7 from
    Sunday; five-field cron writes ``*`` and numbers them 0-6.
    """
    text = expression.strip()
    if text.startswith("cron(") and text.endswith(")"):
        text = text[5:-1].strip()
    parts = text.split()
    if len(parts) != 6 or parts[5] != "*":
        return None
    minute, hour, day, month, weekday, _ = parts
    names_removed = re.sub(r"[A-Za-z]{3}", "", day + weekday)
    if _AWS_ONLY.search(names_removed):
        return None
    day = "*" if day == "?" else day
    if weekday == "?":
        weekday = "*"
    else:
        weekday = _AWS_WEEKDAY.sub(lambda m: str((int(m.group(1)) - 1) % 7), weekday)
    return f"{minute} {hour} {day} {month} {weekday}"


class CronError(MasonUsageError):
    """A schedule expression that is not valid five-field cron."""


@dataclass(frozen=True)
class Cron:
    expression: str
    #: the five fields as written, macros expanded (for translating to other dialects).
    fields: tuple[str, str, str, str, str]
    minutes: frozenset[int]
    hours: frozenset[int]
    days: frozenset[int]
    months: frozenset[int]
    weekdays: frozenset[int]  # 0 = Sunday
    any_day: bool
    any_weekday: bool

    def matches(self, when: datetime) -> bool:
        if when.minute not in self.minutes or when.hour not in self.hours:
            return False
        return when.month in self.months and self._day_matches(when)

    def next_after(self, when: datetime) -> datetime:
        """The first minute strictly after ``when`` that the expression matches."""
        current = when.replace(second=0, microsecond=0) + timedelta(minutes=1)
        limit = current + timedelta(days=366 * 5)  # Feb 29 on a weekday can take years
        while current < limit:
            if current.month not in self.months:
                current = _first_of_next_month(current)
                continue
            if not self._day_matches(current):
                current = (current + timedelta(days=1)).replace(hour=0, minute=0)
                continue
            if current.hour not in self.hours:
                current = (current + timedelta(hours=1)).replace(minute=0)
                continue
            if current.minute in self.minutes:
                return current
            current += timedelta(minutes=1)
        raise CronError(f"schedule '{self.expression}' never fires")

    def _day_matches(self, when: datetime) -> bool:
        day_ok = when.day in self.days
        weekday_ok = (when.isoweekday() % 7) in self.weekdays
        if self.any_day or self.any_weekday:
            return day_ok and weekday_ok
        return day_ok or weekday_ok


def _first_of_next_month(when: datetime) -> datetime:
    year, month = (when.year + 1, 1) if when.month == 12 else (when.year, when.month + 1)
    return when.replace(year=year, month=month, day=1, hour=0, minute=0)


def _value(text: str, field: str, low: int, high: int, names: list[str] | None) -> int:
    lowered = text.lower()
    if names and lowered in names:
        return names.index(lowered) + (1 if field == "month" else 0)
    if not text.isdigit():
        raise CronError(f"cron {field}: '{text}' is not a number")
    value = int(text)
    if not low <= value <= high:
        raise CronError(f"cron {field}: {value} is outside {low}-{high}")
    return value


def _parse_field(text: str, field: str, low: int, high: int, names: list[str] | None) -> set[int]:
    values: set[int] = set()
    for part in text.split(","):
        if not part:
            raise CronError(f"cron {field}: empty item in '{text}'")
        base, _, step_text = part.partition("/")
        step = 1
        if step_text:
            if not step_text.isdigit() or int(step_text) == 0:
                raise CronError(f"cron {field}: step '{step_text}' must be a positive number")
            step = int(step_text)
        if base == "*":
            start, end = low, high
        elif "-" in base:
            a, _, b = base.partition("-")
            start, end = (_value(a, field, low, high, names), _value(b, field, low, high, names))
            if start > end:
                raise CronError(f"cron {field}: range '{base}' runs backwards")
        else:
            start = _value(base, field, low, high, names)
            end = high if step_text else start
        values.update(range(start, end + 1, step))
    return values


def parse_cron(expression: str) -> Cron:
    """Parse a cron expression, or raise :class:`CronError` naming the bad field."""
    text = expression.strip()
    text = _MACROS.get(text.lower(), text)
    parts = text.split()
    translated = five_field(text)
    if translated is not None:
        raise CronError(
            f"schedule '{expression}' is AWS's six-field cron (as Glue takes it); this "
            f"scheduler takes five fields: '{translated}'"
        )
    if len(parts) != 5:
        raise CronError(
            f"schedule '{expression}' must have 5 fields "
            f"(minute hour day-of-month month day-of-week), got {len(parts)}"
        )
    sets = [
        _parse_field(part, name, low, high, names)
        for part, (name, low, high, names) in zip(parts, _FIELDS, strict=True)
    ]
    weekdays = {0 if d == 7 else d for d in sets[4]}
    minute, hour, day, month, weekday = parts
    return Cron(
        expression=expression.strip(),
        fields=(minute, hour, day, month, weekday),
        minutes=frozenset(sets[0]),
        hours=frozenset(sets[1]),
        days=frozenset(sets[2]),
        months=frozenset(sets[3]),
        weekdays=frozenset(weekdays),
        any_day=parts[2].startswith("*"),
        any_weekday=parts[4].startswith("*"),
    )
