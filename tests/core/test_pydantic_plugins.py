"""Pydantic's own plugins on a plain run (mason_core.pydantic_plugins): the
search is skipped only while the registry index shows none installed, and a
plugin installed after the index was written is still handed every validator.

The runs are real ``mason`` processes; the plugin is a real distribution
(a ``.dist-info`` with a ``pydantic`` entry point) in a folder on PYTHONPATH.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

PLUGIN = textwrap.dedent(
    """\
    import os


    class Recorder:
        def new_schema_validator(self, schema, schema_type, path, kind, config, settings):
            with open(os.environ["PYDANTIC_PLUGIN_LOG"], "a") as log:
                log.write(path.name + "\\n")
            return None, None, None


    plugin = Recorder()
    """
)

GET = ["op", "table", "get", "-p", "database_name:w,table_name:t", "-o", "json"]


def install_pydantic_plugin(site: Path) -> None:
    (site / "recorder_plugin.py").write_text(PLUGIN)
    info = site / "recorder_plugin-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: recorder-plugin\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[pydantic]\nrecorder = recorder_plugin:plugin\n")


def mason(args: list[str], home: Path, site: Path, log: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, MASON_HOME=str(home), PYTHONPATH=str(site))
    env["PYDANTIC_PLUGIN_LOG"] = str(log)
    for name in ("MASON_DEBUG", "PYDANTIC_DISABLE_PLUGINS"):
        env.pop(name, None)
    return subprocess.run(
        [sys.executable, "-c", "from mason_core.cli.entry import main; main()", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


def seen(log: Path) -> list[str]:
    """The validators the plugin was handed since the last look."""
    if not log.exists():
        return []
    names = log.read_text().split()
    log.unlink()
    return names


def test_a_plugin_installed_after_the_index_still_sees_every_validator(tmp_path: Path) -> None:
    site, home, log = tmp_path / "site", tmp_path / "home", tmp_path / "seen.log"
    site.mkdir()
    first = mason(GET, home, site, log)  # builds the index: no pydantic plugin yet
    assert first.returncode == 1 and "not found" in first.stderr + first.stdout, first.stderr
    warm = mason(GET, home, site, log)
    assert warm.stdout == first.stdout and seen(log) == []

    install_pydantic_plugin(site)  # the index was written without it
    run = mason(GET, home, site, log)
    assert run.stdout == first.stdout, run.stderr
    assert {"OperatorSpec", "LocalClientConfig"} <= set(seen(log))
    run = mason(GET, home, site, log)  # and with the index rebuilt, warm again
    assert run.stdout == first.stdout, run.stderr
    assert {"OperatorSpec", "LocalClientConfig"} <= set(seen(log))

    (site / "recorder_plugin.py").unlink()  # uninstalled: the search is skipped again
    shutil.rmtree(site / "recorder_plugin-1.0.dist-info")
    for _ in range(2):
        run = mason(GET, home, site, log)
        assert run.stdout == first.stdout and run.returncode == 1, run.stderr


STAND_IN = textwrap.dedent(
    """\
    import sys
    from mason_core.pydantic_plugins import LOADER, answer_no_plugins
    from pydantic import BaseModel

    assert not answer_no_plugins(None) and not answer_no_plugins([["x", "y:z"]])
    assert answer_no_plugins([]) and not answer_no_plugins([])

    class Model(BaseModel):
        x: int

    assert Model(x="1").x == 1
    assert "importlib.metadata" not in sys.modules
    from pydantic.plugin._loader import get_plugins

    assert list(get_plugins()) == []
    import pydantic.plugin._loader as loader

    assert loader.PYDANTIC_ENTRY_POINT_GROUP == "pydantic"  # any other name: the real loader
    assert type(sys.modules[LOADER]).__name__ == "module"
    assert "PYDANTIC_DISABLE_PLUGINS" not in __import__("os").environ
    print("ok")
    """
)


def test_the_stand_in_answers_no_plugins_and_defers_the_rest_to_pydantic() -> None:
    env = dict(os.environ)
    env.pop("PYDANTIC_DISABLE_PLUGINS", None)
    proc = subprocess.run(
        [sys.executable, "-c", STAND_IN], capture_output=True, text=True, env=env, timeout=60
    )
    assert proc.returncode == 0 and proc.stdout == "ok\n", proc.stderr
