from __future__ import annotations

import json
from pathlib import Path

import pytest

from mason_core.config.interpolate import read_dotenv
from mason_core.config.model import parse_config
from mason_core.config.store import BUILTIN_ID, ConfigStore
from mason_core.errors import ConfigurationError
from mason_core.home import MasonHome
from mason_core.secrets import REDACTED, scrub

from .clients import test_registry

ORIGINAL = """
type: config
id: "1"
metastore_engine: cloud
storage_engine: embedded
clients:
  cloud:
    configuration:
      aws_region: "{{AWS_REGION}}"
      access_key: "{{AWS_ACCESS_KEY_ID}}"
      secret_key: "{{AWS_SECRET_ACCESS_KEY}}"
      role: arn:aws:iam::123456789012:role/secret-role
"""


@pytest.fixture
def store(isolated_mason_home: Path) -> ConfigStore:
    return ConfigStore(MasonHome(isolated_mason_home), test_registry())


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_original_format_with_env_interpolation(
    store: ConfigStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAEXAMPLEKEY")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "very-secret-value")
    config = store.read_file(write(tmp_path, "c.yaml", ORIGINAL))
    assert config.id == "1"
    assert config.engines == {"metastore": ["cloud"], "storage": ["embedded"]}
    shown = config.redacted()["metastore"]["cloud"]
    assert shown == {
        "aws_region": "us-east-1",
        "access_key": REDACTED,
        "secret_key": REDACTED,
        "role": REDACTED,
    }
    # values loaded as secrets are scrubbed from any text Mason prints
    assert scrub("failed with very-secret-value") == f"failed with {REDACTED}"
    assert "AKIAEXAMPLEKEY" not in json.dumps(config.redacted())


def test_dotenv_in_working_dir_and_home(
    store: ConfigStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for var in ("AWS_REGION", "AWS_ACCESS_KEY_ID"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "from-environment")  # wins over both files
    (store.home.path / ".env").write_text(
        "AWS_REGION=eu-west-1\nexport AWS_ACCESS_KEY_ID='from-home'\nAWS_SECRET_ACCESS_KEY=x1\n"
    )
    cwd = tmp_path / "work"
    cwd.mkdir()
    (cwd / ".env").write_text(
        "AWS_REGION=eu-central-1  # the working dir wins\nAWS_SECRET_ACCESS_KEY=from-cwd\n"
    )
    monkeypatch.chdir(cwd)
    config = store.read_file(write(tmp_path, "c.yaml", ORIGINAL))
    model = config.clients["cloud"]
    assert model.aws_region == "eu-central-1"  # type: ignore[attr-defined]
    assert model.access_key.get_secret_value() == "from-home"  # type: ignore[attr-defined]
    assert model.secret_key.get_secret_value() == "from-environment"  # type: ignore[attr-defined]


def test_missing_variable_names_the_variable(
    store: ConfigStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AWS_REGION", raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "k")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "s")
    with pytest.raises(ConfigurationError, match="AWS_REGION is not set"):
        store.read_file(write(tmp_path, "c.yaml", ORIGINAL))


def test_list_form_and_all_problems_reported(store: ConfigStore) -> None:
    raw = {
        "type": "config",
        "id": 2,
        "metastore_clients": ["cloud", "nosuch"],
        "storage_engine": "cloud",
        "warp_engine": "x",
        "clients": {"cloud": {"configuration": {"aws_region": "r", "bogus": "hunter2-secret"}}},
    }
    with pytest.raises(ConfigurationError) as err:
        parse_config(raw, store.registry, {})
    message = str(err.value)
    assert "unknown client 'nosuch'" in message
    assert "client 'cloud' does not serve the storage engine" in message
    assert "unknown engine 'warp'" in message
    assert "clients.cloud.bogus: Extra inputs are not permitted" in message
    assert "hunter2-secret" not in message


def test_list_form_accepts_several_clients(store: ConfigStore) -> None:
    raw = {
        "type": "config",
        "id": "3",
        "metastore_clients": ["cloud"],
        "storage_clients": ["embedded"],
        "clients": {"cloud": {"aws_region": "r"}},
    }
    config = parse_config(raw, store.registry, {})
    assert config.client_for("storage") == "embedded"
    assert config.clients_for("metastore") == ["cloud"]


def test_builtin_default_is_current_when_nothing_saved(store: ConfigStore) -> None:
    assert store.current_id() == BUILTIN_ID
    config = store.get()
    assert config.builtin
    assert config.engines == {"storage": ["embedded"]}


def test_save_set_current_and_unknown_id(
    store: ConfigStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "k-123")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "s-123456")
    first = store.read_file(write(tmp_path, "one.yaml", ORIGINAL))
    second = store.read_file(
        write(tmp_path, "two.yaml", "type: config\nid: two\nstorage_engine: embedded\n")
    )
    saved = store.save(first)
    store.save(second)
    # the file is saved as written: secrets from the environment never reach disk
    assert "s-123456" not in saved.read_text()
    assert "{{AWS_SECRET_ACCESS_KEY}}" in saved.read_text()
    assert oct(saved.stat().st_mode & 0o777) == "0o600"
    store.set_current("two")
    assert store.current_id() == "two"
    assert json.loads(store.home.state_file.read_text())["current_config"] == "two"
    with pytest.raises(ConfigurationError, match="unknown configuration id 'nine'"):
        store.set_current("nine")
    assert not [p for p in store.home.path.rglob("*.tmp")]


def test_dotenv_parser_ignores_comments_and_quotes(tmp_path: Path) -> None:
    env = write(tmp_path, ".env", "# c\nA=1\nexport B=\"two words\"\nC='x=y'\nbad line\n")
    assert read_dotenv(env) == {"A": "1", "B": "two words", "C": "x=y"}


def test_bad_yaml_and_wrong_type_are_one_line_errors(store: ConfigStore, tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="not valid YAML"):
        store.read_file(write(tmp_path, "bad.yaml", "type: [config\n"))
    with pytest.raises(ConfigurationError, match="expected 'config'"):
        store.read_file(write(tmp_path, "op.yaml", "type: operator\nid: 1\n"))
    with pytest.raises(ConfigurationError, match="missing 'id'"):
        store.read_file(write(tmp_path, "noid.yaml", "type: config\nstorage_engine: embedded\n"))
