"""Messages as Mason shows them: one line, scrubbed of secrets, of bounded size.

Every surface (the CLI's stderr, the server's envelope, ``mason.run``'s
:class:`~mason_core.response.Response`, job records and workflow runs) passes
its error lines through :func:`one_line`, so an error quoting a large input
(100,000 unknown parameter names, a huge value) never prints megabytes.
Messages that list things name the first few and count the rest
(:func:`some_of`), so the cut rarely has to fall mid-sentence.
"""

from __future__ import annotations

from collections.abc import Sequence

from mason_core.secrets import scrub

#: the longest line an error, warning or info message is shown as.
MAX_LINE_CHARS = 1000
#: how many items a message lists before it counts the rest.
SHOWN_ITEMS = 5


def one_line(message: object, limit: int = MAX_LINE_CHARS, printable: bool = False) -> str:
    """``message`` on one line, scrubbed of secrets (before it is cut, so no
    partial secret survives), at most ``limit`` characters plus a note of how
    many were cut. With ``printable`` (for a terminal), bytes that were not
    UTF-8 and control characters show as escapes."""
    text = scrub(str(message))
    if printable:
        text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    line = " ".join(part.strip() for part in text.splitlines() if part.strip())
    if printable:
        line = "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in line)
    return capped(line, limit)


def capped(line: str, limit: int = MAX_LINE_CHARS) -> str:
    """``line`` cut to ``limit`` characters, saying how many more there were."""
    if len(line) <= limit:
        return line
    return f"{line[:limit]}... ({len(line) - limit:,} more characters)"


def some_of(items: Sequence[str], shown: int = SHOWN_ITEMS, separator: str = ", ") -> str:
    """The first ``shown`` of ``items`` joined by ``separator``, then how many
    more there are: ``a, b, c, d, e and 99,995 more``."""
    if len(items) <= shown:
        return separator.join(items)
    return f"{separator.join(items[:shown])} and {len(items) - shown:,} more"
