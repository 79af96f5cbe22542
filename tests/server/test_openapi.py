"""The API description is generated from the installed operators: each
operator's request body is the schema of its own typed parameters."""

from __future__ import annotations

from typing import Any

import mason
from mason_core.runtime import Session
from tests.server.conftest import Live

JSON_TYPES = {
    "string": "string",
    "path": "string",
    "integer": "integer",
    "number": "number",
    "boolean": "boolean",
    "list": "array",
    "mapping": "object",
    "snapshot": "string",
}


def resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if ref is None:
        return schema
    found: dict[str, Any] = spec
    for part in ref.removeprefix("#/").split("/"):
        found = found[part]
    return found


def test_every_operator_has_operations_with_its_own_parameter_schema(live: Live) -> None:
    spec = live.get("/openapi.json").json()
    assert spec["openapi"].startswith("3.1")
    operators = Session(live.home).registry.operators.values()
    assert len(operators) > 5
    for op in operators:
        for action in ("validate", "run"):
            operation = spec["paths"][f"/api/operators/{op.namespace}/{op.command}/{action}"][
                "post"
            ]
            assert {"200", "400", "401", "404", "500"} <= set(operation["responses"])
            media = operation["requestBody"]["content"]["application/json"]
            body = media["schema"]
            assert body["additionalProperties"] is False
            params = resolve(spec, body["properties"]["parameters"])
            assert params["additionalProperties"] is False
            assert set(params["properties"]) == {p.name for p in op.parameters}
            assert sorted(params.get("required", [])) == sorted(op.required_names())
            for p in op.parameters:
                schema = params["properties"][p.name]
                typed = schema if p.required else schema["anyOf"][0]
                assert typed["type"] == JSON_TYPES[p.type], (op.name, p.name)
                if p.choices:
                    assert typed["enum"] == p.choices
                if p.default is not None:
                    assert schema["default"] == p.default
            # Swagger UI pre-fills the required parameters
            assert set(media["example"]["parameters"]) == set(op.required_names())


def test_table_list_schema(live: Live) -> None:
    spec = live.get("/openapi.json").json()
    params = spec["components"]["schemas"]["params.table.list"]
    assert params["required"] == ["database_name"]
    assert params["properties"]["database_name"]["type"] == "string"
    run = spec["paths"]["/api/operators/table/list/run"]["post"]
    assert run["operationId"] == "run_table_list"
    assert any(p["name"] == "async" for p in run["parameters"])


def test_workflow_bodies_key_steps_to_their_operator_schemas(live: Live) -> None:
    spec = live.get("/openapi.json").json()
    body = spec["paths"]["/api/workflows/table/infer/validate"]["post"]["requestBody"]
    schema = body["content"]["application/json"]["schema"]
    step = schema["properties"]["parameters"]["properties"]["step_1"]
    assert step["properties"]["parameters"] == {"$ref": "#/components/schemas/params.table.infer"}
    run = spec["paths"]["/api/workflows/table/infer/run"]["post"]["requestBody"]
    assert "parallel" in run["content"]["application/json"]["schema"]["properties"]


def test_no_token_no_security_scheme(live: Live) -> None:
    spec = live.get("/openapi.json").json()
    assert "security" not in spec


def test_numeric_bounds_from_operator_yaml_reach_the_schema(live: Live) -> None:
    """``table fake``'s rows carries its operator.yaml range; an integer without
    one carries the 64-bit range the validator enforces."""
    spec = live.get("/openapi.json").json()
    rows = spec["components"]["schemas"]["params.table.fake"]["properties"]["rows"]
    typed = rows["anyOf"][0] if "anyOf" in rows else rows
    fake = next(op for op in mason.operators("table") if op.command == "fake")
    parameter = fake.parameter("rows")
    assert parameter is not None
    low, high = parameter.bounds()
    assert (typed["minimum"], typed["maximum"]) == (low, high)
    assert high is not None and high < 2**63 - 1
