"""Reading pydantic state files from MASON_HOME (run records, registered DAGs)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel

from mason_core.home import StateFileError, atomic_write_json, iter_json_models, read_json_model


class _Item(BaseModel):
    name: str


def test_read_json_model(tmp_path: Path) -> None:
    atomic_write_json(tmp_path / "a.json", {"name": "a"})
    (tmp_path / "bad.json").write_text("{not json")
    (tmp_path / "wrong.json").write_text('{"other": 1}')
    assert read_json_model(tmp_path / "a.json", _Item) == _Item(name="a")
    assert read_json_model(tmp_path / "missing.json", _Item) is None
    for name in ("bad.json", "wrong.json"):
        with pytest.raises(StateFileError, match="is unreadable"):
            read_json_model(tmp_path / name, _Item)


def test_iter_json_models_passes_over_unreadable_files(tmp_path: Path) -> None:
    assert list(iter_json_models(tmp_path / "none", _Item)) == []
    for name in ("a", "c"):
        atomic_write_json(tmp_path / f"{name}.json", {"name": name})
    (tmp_path / "b.json").write_text("[]")
    skipped: list[Path] = []
    found = iter_json_models(tmp_path, _Item, reverse=True, skipped=skipped.append)
    assert [m.name for m in found] == ["c", "a"]
    assert skipped == [tmp_path / "b.json"]
