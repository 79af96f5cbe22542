"""What the original Mason's users bring: type-less configurations, clients
whose plugin is not installed, extra parameters, a top-level ``schedule:``,
six-field cron, and operator/workflow code in the original's form."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mason_core.cli.app import app
from mason_core.runtime import default_session, reset_sessions
from mason_core.workflows.cron import CronError, five_field, parse_cron

ORIGINAL = Path(__file__).parents[1] / "aws" / "original"
SALES = Path(__file__).parents[2] / (
    "plugins/mason-operators-table/src/mason_operators_table/samples/sales"
)


def invoke(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), env=env)
    return result.exit_code, result.stdout, result.stderr


def one_line_error(err: str) -> str:
    assert err.startswith("error: ") and err.count("\n") == 1, err
    return err


def test_validate_and_config_read_a_config_without_type_alike(tmp_path: Path) -> None:
    good = tmp_path / "good.yaml"
    good.write_text("id: 7\nmetastore_engine: local\nstorage_engine: local\n")
    code, out, _ = invoke("validate", str(good))
    assert code == 0 and f"valid config: {good}" in out
    assert invoke("config", str(good))[0] == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: 8\nmetastore_engine: local\nwarp_engine: local\n")
    code_v, _, err_v = invoke("validate", str(bad))
    code_c, _, err_c = invoke("config", str(bad))
    assert code_v == code_c == 2
    assert one_line_error(err_v) == one_line_error(err_c)
    assert "unknown engine 'warp'" in err_v
    stray = tmp_path / "params.yaml"
    stray.write_text("database_name: demo\n")
    code, _, err = invoke("validate", str(stray))
    assert code == 2 and "no engine assignment" in one_line_error(err)


def test_a_config_naming_an_uninstalled_client_is_saved_with_the_pip_hint(
    tmp_path: Path, isolated_mason_home: Path
) -> None:
    default_session().registry.clients.pop("spark")  # as if mason-spark were not installed
    folder = tmp_path / "configs"
    folder.mkdir()
    (folder / "config_1.yaml").write_text("id: 1\nmetastore_engine: local\n")
    (folder / "config_2.yaml").write_text(
        "id: 2\nmetastore_engine: local\nexecution_engine: spark\n"
        "clients:\n  spark:\n    configuration:\n      runner:\n        type: local\n"
    )
    code, _, err = invoke("config", str(folder))
    assert code == 0, err
    assert "Valid configuration. Saved config 1" in err
    assert "Saved config 2" in err and "cannot be used until its clients are installed" in err
    assert "unknown client 'spark' (pip install mason-spark; installed clients:" in err
    assert (isolated_mason_home / "configurations" / "config_2.yaml").read_text() == (
        folder / "config_2.yaml"
    ).read_text()
    listed = {c["Id"]: c for c in json.loads(invoke("config", "-o", "json")[1])}
    assert listed["1"]["Current"] is True
    assert "pip install mason-spark" in listed["2"]["Error"]
    code, _, err = invoke("config", "-s", "2")
    assert code == 2 and "pip install mason-spark" in one_line_error(err)
    # any other problem still refuses the whole folder, saving nothing
    (folder / "config_3.yaml").write_text("id: 3\nmetastore_engine: local\nbogus: 1\n")
    (isolated_mason_home / "configurations" / "config_1.yaml").unlink()
    code, _, err = invoke("config", str(folder))
    assert code == 2 and "unknown key 'bogus'" in one_line_error(err)
    assert not (isolated_mason_home / "configurations" / "config_1.yaml").exists()


def test_an_unknown_client_mason_does_not_know_gets_no_hint(tmp_path: Path) -> None:
    config = tmp_path / "c.yaml"
    config.write_text("id: x\nmetastore_engine: acme\n")
    code, _, err = invoke("validate", str(config))
    assert code == 2 and "unknown client 'acme' (installed clients:" in one_line_error(err)


def test_unknown_parameters_suggest_and_can_be_switched_to_warnings() -> None:
    code, _, err = invoke("op", "table", "list", "-p", "databse_name:demo")
    assert code == 2
    assert "unknown parameter databse_name (did you mean database_name?)" in one_line_error(err)
    code, out, _ = invoke(
        "op", "database", "list", "-p", "schedule_name:x", "--unknown-params", "warn", "-o", "json"
    )
    assert code == 0
    warnings = json.loads(out)["Warnings"]
    assert any("unknown parameter schedule_name" in w and "ignored" in w for w in warnings)
    code, out, _ = invoke(
        "op", "database", "list", "-p", "x:1", "-o", "json", env={"MASON_UNKNOWN_PARAMS": "warn"}
    )
    assert code == 0 and json.loads(out)["Warnings"]


def _workflow_params(tmp_path: Path, schedule: str | None, extra: str = "") -> Path:
    path = tmp_path / "wf.yaml"
    text = f"step_1:\n  parameters:\n    database_name: demo\n    storage_path: {SALES}\n{extra}"
    if schedule is not None:
        text += f'schedule: "{schedule}"\n'
    path.write_text(text)
    return path


def test_workflow_parameter_files_take_the_original_schedule_key(tmp_path: Path) -> None:
    code, out, err = invoke(
        "wf", "table", "infer", "-f", str(_workflow_params(tmp_path, "0 2 * * *")), "-o", "json"
    )
    assert code == 0, err
    assert any("schedule '0 2 * * *'" in line for line in json.loads(out)["Info"])
    # the local scheduler refuses Glue's six-field form, spelling out the five-field one
    six = _workflow_params(tmp_path, "0 12 * * ? *")
    code, _, err = invoke("wf", "table", "infer", "-f", str(six))
    assert code == 2 and "takes five fields: '0 12 * * *'" in one_line_error(err)
    code, _, err = invoke("wf", "table", "infer", "-f", str(six), "--schedule", "0 3 * * *")
    assert code == 2 and "give one" in one_line_error(err)


def test_workflow_unknown_step_parameters_warn_when_asked(tmp_path: Path) -> None:
    params = _workflow_params(tmp_path, None, extra="")
    params.write_text(
        params.read_text().replace("    database_name", "    schedule_name: x\n    database_name")
    )
    code, _, err = invoke("wf", "table", "infer", "-f", str(params))
    assert code == 2 and "step_1: operator 'table infer': unknown parameter schedule_name" in err
    code, out, err = invoke(
        "wf", "table", "infer", "-f", str(params), "--unknown-params", "warn", "-o", "json"
    )
    assert code == 0, err
    assert any("schedule_name" in w for w in json.loads(out)["Warnings"])
    assert "schedule_name" not in json.dumps(json.loads(out)["Data"])


@pytest.mark.parametrize(
    ("aws", "five"),
    [
        ("0 12 * * ? *", "0 12 * * *"),
        ("cron(15 10 ? * 2-6 *)", "15 10 * * 1-5"),
        ("0/5 * ? * 1,7 *", "0/5 * * * 0,6"),
        ("0 0 L * ? *", None),
        ("0 0 1 1 ? 2030", None),
        ("0 2 * * *", None),
    ],
)
def test_six_field_cron_translation(aws: str, five: str | None) -> None:
    assert five_field(aws) == five
    if five is not None:
        parse_cron(five)
        with pytest.raises(CronError, match=re.escape(f"five fields: '{five}'")):
            parse_cron(aws)


def test_original_code_is_refused_at_validate_and_when_already_registered(
    tmp_path: Path, isolated_mason_home: Path
) -> None:
    code, _, err = invoke("validate", str(ORIGINAL / "operators"))
    assert code == 2 and "is operator code for the original Mason" in one_line_error(err)
    code, _, err = invoke("validate", str(ORIGINAL / "workflows"))
    assert code == 2 and "is workflow code for the original Mason" in one_line_error(err)
    # a folder copied into MASON_HOME by hand (or registered by an older version)
    target = isolated_mason_home / "registered_operators" / "legacy" / "get"
    shutil.copytree(ORIGINAL / "operators" / "table" / "get", target)
    yaml_text = (target / "operator.yaml").read_text().replace('"table"', '"legacy"')
    yaml_text += '  - metastore: "local"\n'
    (target / "operator.yaml").write_text(yaml_text)
    code_text = (target / "__init__.py").read_text().replace("TableGet", "LegacyGet")
    (target / "__init__.py").write_text(code_text)
    reset_sessions()  # the next command is a new process: it sees the copied folder
    code, out, err = invoke("op", "legacy", "get", "-p", "database_name:d,table_name:t")
    assert code == 2 and "No module named" not in out + err
    assert "is operator code for the original Mason" in out + err


def test_the_original_step_retry_key_names_its_replacement(tmp_path: Path) -> None:
    folder = tmp_path / "wf"
    folder.mkdir()
    (folder / "workflow.yaml").write_text(
        "type: workflow\nnamespace: t\ncommand: w\ndag:\n"
        "  - id: step_1\n    namespace: table\n    command: get\n"
        '    retry: "exponential(5)"\n'
    )
    code, _, err = invoke("validate", str(folder))
    assert code == 2
    assert "'retry: exponential(5)' is the original Mason's spelling" in one_line_error(err)
    assert "retry_method" in err and "retry_max" in err
