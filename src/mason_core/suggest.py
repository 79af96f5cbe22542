"""Did-you-mean for names a user typed: parameters, clients."""

from __future__ import annotations

from collections.abc import Iterable


def closest(name: str, known: Iterable[str]) -> str | None:
    """The one name of ``known`` close enough to ``name`` to be what was meant."""
    import difflib  # only a mistyped name needs it

    close = difflib.get_close_matches(name, sorted(set(known)), n=1, cutoff=0.6)
    return close[0] if close else None
