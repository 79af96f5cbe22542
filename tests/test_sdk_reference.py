"""docs/sdk-reference.md is generated from the SDK's code; it must be current,
and it must document what an author looks up: verbs, model fields, errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "gen_sdk_reference.py"
PAGE = ROOT / "docs" / "sdk-reference.md"


def test_the_committed_reference_is_current() -> None:
    check = subprocess.run(
        [sys.executable, str(SCRIPT), "--check"], capture_output=True, text=True, timeout=120
    )
    assert check.returncode == 0, (
        f"{PAGE.name} is stale: run python scripts/gen_sdk_reference.py\n{check.stderr}"
    )


def test_a_stale_page_is_detected(tmp_path: Path) -> None:
    stale = tmp_path / "ref.md"
    stale.write_text(PAGE.read_text("utf-8").replace("get_table", "fetch_table"), "utf-8")
    check = subprocess.run(
        [sys.executable, str(SCRIPT), "--check", "--page", str(stale)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert check.returncode == 1 and "out of date" in check.stderr


def test_it_holds_verbs_fields_and_errors() -> None:
    page = PAGE.read_text("utf-8")
    assert "- `get_table(database_name: str, table_name: str) -> Table`" in page
    assert "| `table_schema` (JSON `Schema`) | `Schema` |" in page
    assert "### class `NotFoundError` (`MasonRuntimeError`)" in page
    assert "## `mason.testing`" in page and "### class `MetastoreConformance`" in page
    assert " at 0x" not in page  # nothing that changes from run to run
