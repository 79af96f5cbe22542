"""A configuration that cannot be used never becomes current: not by saving it
(``mason config FILE``), not by ``mason config -s ID``, not through the server,
not through the Python API. Saving the first usable configuration makes it
current and says so. Each test starts from a fresh MASON_HOME (tests/conftest.py).

"Cannot be used" is tried both ways a user meets it: a typo (``gleu``) and a
client whose plugin is not loaded (``spark``: ``MASON_LOAD_PLUGINS`` leaves
mason-spark out, so every session, the server's too, builds a registry
without it).
"""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

import mason
from mason_core.cli.app import app
from mason_core.config.providers import missing_client_problem
from mason_core.errors import ConfigurationError
from mason_core.runtime import default_session, reset_sessions
from mason_core.server import ServerSettings
from tests.server.conftest import serve

GOOD = "type: config\nid: good\nmetastore_engine: local\nstorage_engine: local\n"
TYPO = "type: config\nid: typo\nmetastore_engine: gleu\n"
UNINSTALLED = "type: config\nid: nospark\nmetastore_engine: local\nexecution_engine: spark\n"


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def listed() -> dict[str, bool]:
    code, out, err = invoke("config", "-o", "json")
    assert code == 0, err
    return {c["Id"]: c["Current"] for c in json.loads(out)}


def state(home: Path) -> dict[str, object]:
    path = home / "state.json"
    return json.loads(path.read_text()) if path.is_file() else {}


@pytest.fixture(params=["typo", "uninstalled"])
def unusable(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[str, Path]:
    """(id, file) of a configuration that cannot be used, both ways."""
    if request.param == "typo":
        return "typo", write(tmp_path, "typo.yaml", TYPO)
    monkeypatch.setenv("MASON_LOAD_PLUGINS", "local,operators-table,aws,airflow")
    reset_sessions()
    assert "spark" not in default_session().registry.clients
    return "nospark", write(tmp_path, "nospark.yaml", UNINSTALLED)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_saving_it_does_not_make_it_current(
    unusable: tuple[str, Path], isolated_mason_home: Path
) -> None:
    config_id, path = unusable
    code, _, err = invoke("config", str(path))
    assert code == 0, err
    assert f"Saved config {config_id}" in err and "cannot be used" in err
    assert "Setting current config" not in err
    assert listed() == {config_id: False, "default": True}
    assert state(isolated_mason_home).get("current_config") != config_id
    # later commands run on the built-in configuration, not on the unusable one
    code, out, err = invoke("op", "database", "list", "-o", "json")
    assert code == 0, err
    assert json.loads(out)["Errors"] == []


def test_the_first_usable_configuration_saved_becomes_current_and_says_so(
    unusable: tuple[str, Path], tmp_path: Path, isolated_mason_home: Path
) -> None:
    config_id, path = unusable
    assert invoke("config", str(path))[0] == 0
    code, _, err = invoke("config", str(write(tmp_path, "good.yaml", GOOD)))
    assert code == 0, err
    assert "Setting current config to good" in err
    assert listed() == {config_id: False, "good": True, "default": False}
    assert state(isolated_mason_home)["current_config"] == "good"
    # a second usable one is saved, and the current one stays
    other = write(tmp_path, "other.yaml", GOOD.replace("id: good", "id: other"))
    code, _, err = invoke("config", str(other))
    assert code == 0 and "Setting current config" not in err
    assert listed()["good"] is True


def test_a_folder_makes_its_first_usable_configuration_current(
    unusable: tuple[str, Path], tmp_path: Path
) -> None:
    config_id, path = unusable
    folder = tmp_path / "configs"
    folder.mkdir()
    (folder / "a.yaml").write_text(path.read_text())  # unusable, and first in the folder
    (folder / "b.yaml").write_text(GOOD)
    code, _, err = invoke("config", str(folder))
    assert code == 0, err
    assert "Setting current config to good" in err
    assert listed() == {config_id: False, "good": True, "default": False}


def test_set_current_refuses_it(unusable: tuple[str, Path], isolated_mason_home: Path) -> None:
    config_id, path = unusable
    assert invoke("config", str(path))[0] == 0
    before = state(isolated_mason_home)
    code, _, err = invoke("config", "-s", config_id)
    assert code == 2
    assert err.startswith(f"error: configuration '{config_id}' cannot be made current: ")
    assert err.count("\n") == 1 and "Traceback" not in err
    assert state(isolated_mason_home) == before
    assert listed()[config_id] is False


def test_saving_it_over_the_current_configuration_is_refused(
    unusable: tuple[str, Path], tmp_path: Path, isolated_mason_home: Path
) -> None:
    config_id, path = unusable
    assert invoke("config", str(write(tmp_path, "good.yaml", GOOD)))[0] == 0
    saved = (isolated_mason_home / "configurations" / "config_good.yaml").read_text()
    replacement = write(tmp_path, "bad.yaml", path.read_text().replace(config_id, "good"))
    code, _, err = invoke("config", str(replacement))
    assert code == 2 and err.count("\n") == 1
    assert "configuration 'good' is current and cannot be replaced" in err
    assert (isolated_mason_home / "configurations" / "config_good.yaml").read_text() == saved
    assert listed()["good"] is True
    # nor may it take the built-in configuration's id while that one is current
    (isolated_mason_home / "configurations" / "config_good.yaml").unlink()
    (isolated_mason_home / "state.json").unlink()
    named_default = write(tmp_path, "d.yaml", path.read_text().replace(config_id, "default"))
    code, _, err = invoke("config", str(named_default))
    assert code == 2 and "configuration 'default' is current" in err
    assert not (isolated_mason_home / "configurations" / "config_default.yaml").exists()


def test_the_python_api_neither_sets_nor_falls_back_to_it(
    unusable: tuple[str, Path], isolated_mason_home: Path
) -> None:
    config_id, path = unusable
    assert invoke("config", str(path))[0] == 0
    with pytest.raises(ConfigurationError, match="cannot be made current"):
        mason.set_config(config_id)
    assert mason.current_config().id == "default"
    response = mason.run("database", "list")
    assert response.ok, response.errors
    # with no current one recorded, the first *usable* saved configuration is current
    # (a MASON_HOME whose files were copied in rather than saved)
    configurations = isolated_mason_home / "configurations"
    (configurations / "config_good.yaml").write_text(GOOD)
    assert "current_config" not in state(isolated_mason_home)
    assert mason.current_config().id == "good"


def test_the_server_neither_lists_it_current_nor_runs_on_it(
    unusable: tuple[str, Path], isolated_mason_home: Path, tmp_path: Path
) -> None:
    config_id, path = unusable
    assert invoke("config", str(path))[0] == 0
    settings = ServerSettings(root=tmp_path, home=isolated_mason_home)
    with serve(settings) as url, httpx.Client(base_url=url, timeout=60) as client:
        configs = client.get("/api/configs").json()
        current = {c["Id"]: c["Current"] for c in configs["Data"]}
        assert current[config_id] is False and current["default"] is True
        answer = client.post("/api/operators/database/list/validate", json={})
        assert answer.status_code == 200, answer.text
        assert "valid with configuration 'default'" in answer.json()["Info"][0]


def test_an_unknown_client_gets_a_did_you_mean_from_installed_and_known_clients() -> None:
    # installed: the suggestion alone
    assert missing_client_problem("gleu", ["glue", "local"]).startswith(
        "unknown client 'gleu' (did you mean glue? installed clients: glue, local)"
    )
    # a first-party client not installed: the suggestion and where it comes from
    assert missing_client_problem("gleu", ["local"]) == (
        "unknown client 'gleu' (did you mean glue (pip install mason-aws)? "
        "installed clients: local)"
    )
    assert missing_client_problem("sprak", ["local"]).startswith(
        "unknown client 'sprak' (did you mean spark (pip install mason-spark)?"
    )
    # nothing close: no suggestion
    assert missing_client_problem("acme", ["local"]) == (
        "unknown client 'acme' (installed clients: local)"
    )


def test_validate_and_config_show_the_did_you_mean(tmp_path: Path) -> None:
    code, _, err = invoke("validate", str(write(tmp_path, "t.yaml", TYPO)))
    assert code == 2 and "unknown client 'gleu' (did you mean glue?" in err
    code, _, err = invoke("config", str(write(tmp_path, "t.yaml", TYPO)))
    assert code == 0 and "unknown client 'gleu' (did you mean glue?" in err
