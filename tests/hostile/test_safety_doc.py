"""docs/safety.md names a test for every promise: each named test exists."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "safety.md"


def named_tests() -> list[tuple[str, str]]:
    """(file, test) for every ``file.py::test`` and following ``::test`` in the page."""
    found: list[tuple[str, str]] = []
    for line in PAGE.read_text("utf-8").splitlines():
        current = ""
        for token in re.findall(r"`([^`]+)`", line):
            match = re.fullmatch(r"(\S*\.py)?::(\w+)", token)
            if match is None:
                continue
            current = match.group(1) or current
            found.append((current, match.group(2)))
    return found


def test_every_test_named_by_the_safety_page_exists() -> None:
    named = named_tests()
    assert len(named) > 20
    for file, test in named:
        candidates = [ROOT / file] if "/" in file else list((ROOT / "tests").rglob(Path(file).name))
        assert candidates, f"{PAGE.name}: no test file {file}"
        assert any(
            re.search(rf"^def {test}\(", c.read_text("utf-8"), re.MULTILINE) for c in candidates
        ), f"{PAGE.name}: {file} has no test {test}"
