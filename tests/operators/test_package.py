"""The bundle as a plugin: what it registers, that registering stays light, its
bundled samples, and that docs/operators.md matches the operator.yaml files."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest
from mason_operators_table import plugin, samples

import mason
from mason import MasonUsageError, OperatorDefinition
from mason_core.definitions import camel_name
from mason_core.runtime import default_session

Run = Callable[..., mason.Response]

PLUGIN_DIR = Path(__file__).resolve().parents[2] / "plugins" / "mason-operators-table"
SCRIPTS = PLUGIN_DIR / "scripts"
OPERATORS = {"database list", "job get", "table get", "table infer", "table list", "table query"}
ENGINES = {"metastore", "storage", "execution", "scheduler"}


def load_script(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"_script_{name}", SCRIPTS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_plugin_registers_every_operator() -> None:
    [info] = [p for p in mason.plugins() if p.module == "mason_operators_table.plugin"]
    assert info.ok, info.error
    assert set(info.operators) >= OPERATORS


def test_operators_follow_the_conventions() -> None:
    specs = [s for s in mason.operators() if s.plugin == "operators-table"]
    registry = default_session().registry
    assert {s.name for s in specs} >= OPERATORS
    for spec in specs:
        cls = spec.load_class()
        assert issubclass(cls, OperatorDefinition)
        assert cls.__name__ == camel_name(spec.namespace, spec.command)
        assert spec.description
        assert all(p.description for p in spec.parameters), spec.name
        # each says what it needs: verbs where any client will do, clients where
        # the pairing matters
        assert bool(spec.requires) != bool(spec.supported_configurations), spec.name
        for entry in [spec.requires, *spec.supported_configurations]:
            assert set(entry) <= ENGINES
        for engine, verbs in spec.requires.items():
            assert verbs and set(verbs) <= set(registry.engine_interface(engine).VERBS)


def test_listing_and_loading_operators_imports_no_heavy_library() -> None:
    code = (
        "import sys, mason\n"
        "for spec in mason.operators(): spec.load_class()\n"
        "print(sorted(m for m in ('pyarrow', 'duckdb', 'boto3', 'pyspark') if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == "[]"


def test_workflows_are_registered_only_when_present(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[Path] = []
    monkeypatch.setattr(plugin, "_HERE", tmp_path)
    plugin.mason_register_workflows(lambda path: seen.append(Path(path)))
    assert seen == []

    (tmp_path / "workflows").mkdir()
    plugin.mason_register_workflows(lambda path: seen.append(Path(path)))
    assert seen == [tmp_path / "workflows"]


def test_sample_datasets() -> None:
    sales = samples.path()
    assert sales == samples.path("sales")
    assert sorted(p.name for p in sales.iterdir()) == ["region=apac", "region=eu", "region=us"]
    assert [p.name for p in samples.path("customers").iterdir()] == ["part-0.parquet"]
    data = [p for name in samples.DATASETS for p in samples.path(name).rglob("*") if p.is_file()]
    assert sum(p.stat().st_size for p in data) < 50_000
    with pytest.raises(MasonUsageError, match="unknown sample dataset 'nope'"):
        samples.path("nope")


def test_samples_match_their_generator(tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    written = load_script("gen_samples").generate(tmp_path)

    assert written
    for fresh in written:
        committed = samples.path().parent / fresh.relative_to(tmp_path)
        if fresh.suffix == ".csv":
            assert committed.read_text() == fresh.read_text(), committed
        else:
            assert pq.read_table(committed).equals(pq.read_table(fresh)), committed


def test_samples_quickstart(run: Run) -> None:
    import csv

    sales = run("table", "infer", storage_path=str(samples.path()), database_name="demo")
    assert sales.info[0].startswith("Registered table demo.sales")
    run("table", "infer", storage_path=str(samples.path("customers")), database_name="demo")
    assert sorted(t.name for t in run("table", "list", database_name="demo").data) == [
        "customers",
        "sales",
    ]

    [job] = run(
        "table",
        "query",
        database_name="demo",
        query_string=(
            "SELECT s.region, count(*) AS orders, count(c.customer_id) AS known "
            "FROM sales s LEFT JOIN customers c USING (customer_id) "
            "GROUP BY s.region ORDER BY s.region"
        ),
    ).data

    expected = []
    for folder in sorted(samples.path().iterdir()):
        count = 0
        for part in folder.glob("*.csv"):
            with part.open(newline="") as fh:
                count += sum(1 for _ in csv.DictReader(fh))
        region = folder.name.removeprefix("region=")
        expected.append({"region": region, "orders": count, "known": count})
    assert [
        {k: (str(v) if k == "region" else int(v)) for k, v in row.items()} for row in job.preview
    ] == expected


def test_docs_are_up_to_date() -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPTS / "gen_operator_docs.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr


def test_docs_generator_rewrites_stale_tables(tmp_path: Path) -> None:
    gen = load_script("gen_operator_docs")
    page = tmp_path / "operators.md"
    page.write_text(gen.DOCS.read_text())
    assert gen.main(["--docs", str(page)]) == 0
    fresh = page.read_text()
    page.write_text(fresh.replace("| `job_id` | string | yes |", "| `job_id` | integer | no |"))

    assert gen.main(["--check", "--docs", str(page)]) == 1
    assert gen.main(["--docs", str(page)]) == 0
    assert page.read_text() == fresh


def test_docs_generator_appends_missing_operators(tmp_path: Path) -> None:
    gen = load_script("gen_operator_docs")
    page = tmp_path / "operators.md"
    page.write_text("# Operators\n")

    assert gen.main(["--docs", str(page)]) == 0

    text = page.read_text()
    for name in OPERATORS:
        assert f"## {name}\n" in text
        assert f"<!-- BEGIN GENERATED: {name} -->" in text
    assert gen.main(["--check", "--docs", str(page)]) == 0
