"""Operators over HTTP: list, describe, validate and run on the real local
client, the envelope on every answer, and the status codes of each outcome."""

from __future__ import annotations

import sqlite3

from tests.server.conftest import Live

INFER = {"storage_path": "data/sales", "database_name": "demo", "table_name": "sales"}


def infer(live: Live) -> None:
    answer = live.post("/api/operators/table/infer/run", {"parameters": INFER})
    assert answer.status_code == 200, answer.text


def test_list_and_describe_operators(live: Live) -> None:
    answer = live.get("/api/operators")
    assert answer.status_code == 200
    body = answer.json()
    assert set(body) == {"Errors", "Info", "Warnings", "Data"}
    names = {(o["namespace"], o["command"]) for o in body["Data"]}
    assert {("table", "list"), ("table", "infer"), ("servertest", "wait")} <= names

    only = live.get("/api/operators", params={"namespace": "table"}).json()["Data"]
    assert only and {o["namespace"] for o in only} == {"table"}

    one = live.get("/api/operators/table/list").json()["Data"]
    assert one[0]["command"] == "list"
    assert [p["name"] for p in one[0]["parameters"]] == ["database_name"]
    assert "source_dir" not in one[0]  # server paths are not the client's business
    assert one[0]["requires"] == {"metastore": ["list_tables"]}


def test_infer_list_get_and_query_on_the_local_client(live: Live) -> None:
    infer(live)
    listed = live.post("/api/operators/table/list/run", {"parameters": {"database_name": "demo"}})
    assert listed.status_code == 200
    assert [t["Name"] for t in listed.json()["Data"]] == ["sales"]

    got = live.post(
        "/api/operators/table/get/run",
        {"parameters": {"database_name": "demo", "table_name": "sales"}},
    ).json()["Data"][0]
    assert [c["Name"] for c in got["Schema"]["Columns"]] == ["order_id", "quantity", "unit_price"]
    assert got["Location"] == str(live.root / "data" / "sales")

    query = (
        "SELECT region, CAST(sum(quantity) AS INTEGER) AS q FROM sales GROUP BY region ORDER BY 1"
    )
    ran = live.post(
        "/api/operators/table/query/run",
        {"parameters": {"database_name": "demo", "query_string": query}},
    )
    assert ran.status_code == 200, ran.text
    job = ran.json()["Data"][0]
    assert job["Status"] == "succeeded"
    assert job["Preview"] == [{"region": "eu", "q": 3}, {"region": "us", "q": 5}]

    # the job it ran is visible through job status
    status = live.get(f"/api/jobs/{job['Id']}")
    assert status.status_code == 200
    assert status.json()["Data"][0]["Status"] == "succeeded"
    assert job["Id"] in [j["Id"] for j in live.get("/api/jobs").json()["Data"]]


def test_validate_checks_without_running(live: Live) -> None:
    ok = live.post("/api/operators/table/infer/validate", {"parameters": INFER})
    assert ok.status_code == 200
    assert "valid with configuration 'default'" in ok.json()["Info"][0]
    # nothing ran: the table is not there
    listed = live.post("/api/operators/table/list/run", {"parameters": {"database_name": "demo"}})
    assert listed.status_code != 200


def test_bad_parameters_are_400_naming_every_problem(live: Live) -> None:
    answer = live.post(
        "/api/operators/table/query/run",
        {"parameters": {"nope": 1, "overwrite": "maybe"}},
    )
    assert answer.status_code == 400
    (error,) = answer.json()["Errors"]
    assert "unknown parameter nope" in error
    assert "missing required parameters query_string, database_name" in error
    assert "parameter 'overwrite': expected true or false" in error


def test_an_as_of_naming_no_snapshot_is_400_and_runs_nothing(live: Live) -> None:
    for value in ("yesterday", "-1", "2024-05-01T12:00:00+25:00", str(2**64)):
        params = {"database_name": "demo", "query_string": "SELECT 1", "as_of": value}
        answer = live.post("/api/operators/table/query/run", {"parameters": params})
        assert answer.status_code == 400, answer.text
        (error,) = answer.json()["Errors"]
        assert error.startswith("operator 'table query': parameter 'as_of': "), error
    assert live.get("/api/jobs").json()["Data"] == []


def test_malformed_bodies_are_400(live: Live) -> None:
    url = "/api/operators/table/list/validate"
    cases = {
        b"{not json": "not valid JSON",
        b"[1, 2]": "must be a JSON object",
        b'{"parameters": {}, "extra": 1}': "unknown body keys extra",
        b'{"parameters": "database_name:x"}': "'parameters' has the wrong type",
    }
    for raw, expected in cases.items():
        answer = live.client.post(url, content=raw, headers={"Content-Type": "application/json"})
        assert answer.status_code == 400, raw
        assert expected in answer.json()["Errors"][0]


def test_unknown_configuration_is_400(live: Live) -> None:
    answer = live.post(
        "/api/operators/table/list/run",
        {"parameters": {"database_name": "demo"}, "config_id": "missing"},
    )
    assert answer.status_code == 400
    assert "unknown configuration id 'missing'" in answer.json()["Errors"][0]


def test_unknown_operator_job_and_routes_are_404(live: Live) -> None:
    for method, path in [
        ("GET", "/api/operators/table/nope"),
        ("POST", "/api/operators/table/nope/run"),
        ("POST", "/api/operators/nope/list/validate"),
        ("GET", "/api/jobs/20990101T000000-000000000000"),
        ("GET", "/api/runs/feedfacefeedface"),
        ("GET", "/api/no/such/route"),
    ]:
        answer = live.client.request(method, path)
        assert answer.status_code == 404, (method, path, answer.text)
        assert answer.json()["Errors"], path
    assert "unknown operator 'table nope'" in live.get("/api/operators/table/nope").text


def test_a_client_failure_is_500_with_one_line_and_no_traceback(live: Live) -> None:
    infer(live)
    catalog = live.home / "clients" / "local" / "catalog.sqlite"
    assert catalog.is_file()
    catalog.write_bytes(b"this is not a database" * 100)
    answer = live.post("/api/operators/table/list/run", {"parameters": {"database_name": "demo"}})
    assert answer.status_code == 500
    (error,) = answer.json()["Errors"]
    assert "\n" not in error and "Traceback" not in answer.text
    assert "database" in error.lower()
    # and the catalog really is unreadable: the failure came from the client
    try:
        sqlite3.connect(catalog).execute("select 1 from sqlite_master").fetchall()
        raise AssertionError("catalog should be corrupt")
    except sqlite3.DatabaseError:
        pass


def test_an_operator_crash_is_500_and_its_secret_is_scrubbed(live: Live) -> None:
    key = "sk-live-0123456789abcdef"
    answer = live.post("/api/operators/servertest/crash/run", {"parameters": {"api_key": key}})
    assert answer.status_code == 500
    (error,) = answer.json()["Errors"]
    assert error.startswith("RuntimeError: client exploded")
    assert key not in answer.text and "REDACTED" in error
    assert "\n" not in error and "Traceback" not in answer.text


def test_plugins_and_configurations(live: Live) -> None:
    plugins = live.get("/api/plugins").json()["Data"][0]
    local = next(p for p in plugins["plugins"] if "local" in p["clients"])
    assert local["ok"] is True
    assert (local["distribution"], local["status"]) == ("mason-local", "ok")
    infer = next(o for o in plugins["operators"] if o["operator"] == "table infer")
    assert "local" in str(infer["runs_on"])
    assert any(c["client"] == "local" and c["engine"] == "storage" for c in plugins["clients"])

    configs = live.get("/api/configs").json()["Data"]
    assert [c["Id"] for c in configs] == ["default"]
    assert configs[0]["Current"] is True
    # the server's root confines the local client
    assert configs[0]["Engines"]["storage"]["local"]["root"] == str(live.root)

    one = live.get("/api/configs/default")
    assert one.status_code == 200 and one.json()["Data"][0]["Id"] == "default"
    missing = live.get("/api/configs/nope")
    assert missing.status_code == 404
    assert "no configuration 'nope'" in missing.json()["Errors"][0]


def test_configs_list_the_builtin_beside_saved_and_broken_ones(live: Live) -> None:
    saved = live.home / "configurations"
    saved.mkdir(exist_ok=True)
    (saved / "config_mine.yaml").write_text(
        "type: config\nid: mine\nmetastore_engine: local\nstorage_engine: local\n"
    )
    (saved / "config_broken.yaml").write_text("type: config\nid: broken\nmetastore_engine: nope\n")
    answer = live.get("/api/configs")
    assert answer.status_code == 200
    body = answer.json()
    ids = [c["Id"] for c in body["Data"]]
    assert ids == ["broken", "mine", "default"]  # as 'mason config' lists them
    broken, mine, default = body["Data"]
    assert "nope" in broken["Error"] and broken["Current"] is False  # unusable: never current
    assert mine["Current"] is True  # none chosen: the first usable saved one
    assert mine["Engines"]["metastore"]["local"]["root"] == str(live.root)
    assert default["Builtin"] is True
    assert len(body["Warnings"]) == 1 and body["Warnings"][0].startswith("configuration 'broken'")
    one = live.get("/api/configs/default")
    assert one.status_code == 200 and one.json()["Data"][0]["Builtin"] is True
    other = live.get("/api/configs/other")
    assert other.status_code == 404
    assert other.json()["Errors"] == ["no configuration 'other' (known: broken, mine, default)"]
