"""docs/table-bundle.md carries generated parameter tables for exactly the
operators it documents; they must match their ``operator.yaml`` files."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "table-bundle.md"
PLUGIN = ROOT / "plugins" / "mason-operators-table"
OPERATORS = PLUGIN / "src" / "mason_operators_table" / "operators"
GENERATOR = PLUGIN / "scripts" / "gen_operator_docs.py"


def documented() -> list[str]:
    """``namespace command`` of every generated block on the page but the index."""
    names = re.findall(r"<!-- BEGIN GENERATED: (.+?) -->", PAGE.read_text("utf-8"))
    return [n for n in names if n != "index"]


def only_these(names: list[str], into: Path) -> Path:
    """A copy of the operator folders' YAML files for ``names`` alone."""
    for name in names:
        namespace, command = name.split()
        source = OPERATORS / namespace / command / "operator.yaml"
        assert source.is_file(), f"{PAGE.name} documents '{name}', which has no operator.yaml"
        target = into / namespace / command / "operator.yaml"
        target.parent.mkdir(parents=True)
        shutil.copy(source, target)
    return into


def test_page_documents_the_bundle_operators() -> None:
    assert sorted(documented()) == [
        "schedule delete",
        "table dedupe",
        "table delete",
        "table fake",
        "table format",
        "table merge",
        "table refresh",
        "table summarize",
    ]


def test_generated_blocks_are_current(tmp_path: Path) -> None:
    operators = only_these(documented(), tmp_path / "operators")
    args = ["--docs", str(PAGE), "--operators", str(operators)]
    check = subprocess.run(
        [sys.executable, str(GENERATOR), "--check", *args], capture_output=True, text=True
    )
    assert check.returncode == 0, (
        f"{PAGE} is stale; rewrite its blocks with: python tests/table_bundle/test_docs.py"
    )


if __name__ == "__main__":
    # python tests/table_bundle/test_docs.py: rewrite the page's generated blocks
    import tempfile

    with tempfile.TemporaryDirectory() as scratch:
        operators = only_these(documented(), Path(scratch) / "operators")
        args = ["--docs", str(PAGE), "--operators", str(operators)]
        sys.exit(subprocess.run([sys.executable, str(GENERATOR), *args]).returncode)
