"""JSON Schema for operator and workflow request bodies, from the typed
parameters of ``operator.yaml``: one source for validation, CLI help and the
API description. The schemas describe; the core validates (a body that breaks
them gets the core's 400, with every problem named)."""

from __future__ import annotations

from typing import Any

from mason_core.operators.spec import OperatorSpec, ParameterSpec
from mason_core.workflows.spec import WorkflowSpec

_TYPES: dict[str, dict[str, Any]] = {
    "string": {"type": "string"},
    "path": {"type": "string", "format": "path"},
    "integer": {"type": "integer"},
    "number": {"type": "number"},
    "boolean": {"type": "boolean"},
    "list": {"type": "array", "items": {"type": "string"}},
    "mapping": {"type": "object"},
    "snapshot": {"type": "string", "format": "snapshot-id-or-timestamp"},
}

CONFIG_ID_SCHEMA: dict[str, Any] = {
    "anyOf": [{"type": "string", "minLength": 1}, {"type": "null"}],
    "description": "Configuration id; default: the current configuration.",
}


def schema_name(kind: str, namespace: str, command: str) -> str:
    return f"{kind}.{namespace}.{command}".replace("-", "_")


def parameter_schema(parameter: ParameterSpec) -> dict[str, Any]:
    schema = dict(_TYPES[parameter.type])
    if parameter.description:
        schema["description"] = parameter.description
    if parameter.choices is not None:
        schema["enum"] = list(parameter.choices)
    if parameter.default is not None:
        schema["default"] = parameter.default
    if parameter.type in ("integer", "number"):
        low, high = parameter.bounds()
        if low is not None:
            schema["minimum"] = low
        if high is not None:
            schema["maximum"] = high
    if parameter.secret:
        schema["writeOnly"] = True
        if schema["type"] == "string":
            schema["format"] = "password"
    if not parameter.required:
        # the core treats null as "not given"
        return {"anyOf": [schema, {"type": "null"}], **_lift(schema)}
    if schema["type"] == "string":
        schema["minLength"] = 1
        schema["pattern"] = r"\S"
    return schema


def _lift(schema: dict[str, Any]) -> dict[str, Any]:
    """Keep description and default beside an ``anyOf`` so UIs still show them."""
    return {k: schema[k] for k in ("description", "default") if k in schema}


def parameters_schema(spec: OperatorSpec) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "type": "object",
        "title": f"{spec.name} parameters",
        "properties": {p.name: parameter_schema(p) for p in spec.parameters},
        "additionalProperties": False,
    }
    required = spec.required_names()
    if required:
        schema["required"] = required
    if spec.description:
        schema["description"] = spec.description
    return schema


def operator_body_schema(spec: OperatorSpec) -> dict[str, Any]:
    ref = {"$ref": f"#/components/schemas/{schema_name('params', spec.namespace, spec.command)}"}
    schema: dict[str, Any] = {
        "type": "object",
        "title": f"{spec.name} request",
        "properties": {"parameters": ref, "config_id": CONFIG_ID_SCHEMA},
        "additionalProperties": False,
    }
    if spec.required_names():
        schema["required"] = ["parameters"]
    return schema


def example_value(parameter: ParameterSpec) -> Any:
    if parameter.default is not None:
        return parameter.default
    if parameter.choices:
        return parameter.choices[0]
    return {
        "string": parameter.name,
        "path": "data/",
        "integer": 1,
        "number": 1.0,
        "boolean": False,
        "list": [],
        "mapping": {},
    }[parameter.type]


def operator_example(spec: OperatorSpec) -> dict[str, Any]:
    """A body with the required parameters filled in: what Swagger UI pre-fills."""
    return {"parameters": {p.name: example_value(p) for p in spec.parameters if p.required}}


def workflow_body_schema(
    spec: WorkflowSpec, operators: dict[tuple[str, str], OperatorSpec], *, run: bool = False
) -> dict[str, Any]:
    """Each step id -> that step's operator parameters and config id; ``schedule``
    for validate and deploy, ``parallel`` for a run."""
    steps: dict[str, Any] = {}
    for step in spec.dag:
        operator = operators.get((step.namespace, step.command))
        params: dict[str, Any] = (
            {"$ref": f"#/components/schemas/{schema_name('params', step.namespace, step.command)}"}
            if operator is not None
            else {"type": "object"}
        )
        steps[step.id] = {
            "type": "object",
            "properties": {"parameters": params, "config_id": CONFIG_ID_SCHEMA},
            "additionalProperties": False,
        }
    properties: dict[str, Any] = {
        "parameters": {
            "type": "object",
            "description": "Each step id -> its config_id and parameters.",
            "properties": steps,
            "additionalProperties": False,
        },
        "config_id": CONFIG_ID_SCHEMA,
    }
    if not run:
        properties["schedule"] = {
            "anyOf": [{"type": "string"}, {"type": "null"}],
            "description": "Cron expression the workflow is deployed with.",
        }
    else:
        properties["parallel"] = {
            "anyOf": [{"type": "integer", "minimum": 1, "maximum": 64}, {"type": "null"}],
            "description": "Steps running at once.",
        }
    return {
        "type": "object",
        "title": f"workflow {spec.namespace} {spec.command} request",
        "properties": properties,
        "additionalProperties": False,
    }


def json_body(
    schema: dict[str, Any], example: Any = None, required: bool = False
) -> dict[str, Any]:
    """An ``openapi_extra`` request body (routes read raw JSON; the core validates)."""
    media: dict[str, Any] = {"schema": schema}
    if example is not None:
        media["example"] = example
    return {"requestBody": {"required": required, "content": {"application/json": media}}}
