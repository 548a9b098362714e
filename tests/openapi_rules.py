"""The rules the OpenAPI document states beyond OpenAPI 3.0, applied to schemathesis' requests.

OpenAPI 3.0 cannot say that one parameter needs another (``transit_time`` needs
``transit_from``, ``radius_km`` a centre) or that a value must exist somewhere (a postcode of
the postcode table). The document states such rules in the description of the operation or
parameter and, machine-readable, in two extensions:

* ``x-dependencies`` on an operation: ``{"query": S, "body": S}``, where each ``S`` is a JSON
  Schema (2020-12) using ``dependentRequired`` and ``dependentSchemas`` over the query
  parameters (an object of name -> value; empty values count as left out where the parameter
  allows them) or over the JSON body;
* ``x-value-rule`` on a parameter's schema or a body property: a sentence naming a rule on the
  value that a schema cannot express; the ``example`` next to it satisfies it.

schemathesis knows neither, so its positive cases (requests the document calls valid) would
break them. ``follow_documented_rules`` (a ``map_case`` hook) makes a positive case follow the
document: a parameter or optional property whose dependency is not met is left out, and a value
under an ``x-value-rule`` becomes the example; ``keeps_documented_rules`` (``filter_case``)
drops the rare case that still breaks a rule (a required property). Every check then runs on
every operation: ``positive_data_acceptance`` holds the API to accepting whatever the document
calls valid, so a rule the document does not state fails the test.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import jsonschema_rs
import schemathesis

__all__ = ["DEPENDENCIES", "VALUE_RULE", "follow_documented_rules", "keeps_documented_rules"]

DEPENDENCIES = "x-dependencies"
VALUE_RULE = "x-value-rule"


def _resolve(raw_schema: Mapping[str, Any], node: Any) -> Any:
    while isinstance(node, Mapping) and "$ref" in node:
        target: Any = raw_schema
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def _positive(case: schemathesis.Case) -> bool:
    """Whether schemathesis means the case to be valid (stateful steps carry no mode: they are
    generated from the schema as valid requests)."""
    meta = case.meta
    return meta is None or meta.generation.mode.is_positive


def _operation(case: schemathesis.Case) -> tuple[Mapping[str, Any], Mapping[str, Any]]:
    raw_schema = case.operation.schema.raw_schema
    return raw_schema, _resolve(raw_schema, case.operation.definition.raw)


def _query_parameters(raw_schema: Mapping[str, Any], operation: Mapping[str, Any]) -> list[Any]:
    parameters = [_resolve(raw_schema, p) for p in operation.get("parameters", ())]
    return [p for p in parameters if p.get("in") == "query"]


def _body_schema(raw_schema: Mapping[str, Any], operation: Mapping[str, Any]) -> Any:
    body = _resolve(raw_schema, operation.get("requestBody") or {})
    schema = (body.get("content") or {}).get("application/json", {}).get("schema")
    return _resolve(raw_schema, schema) if schema else None


def _query_instance(case: schemathesis.Case, parameters: list[Any]) -> dict[str, Any]:
    """The query as the rules see it: parameters that may be empty count as left out."""
    may_be_empty = {p["name"] for p in parameters if p.get("allowEmptyValue")}
    out = {}
    for name, value in (case.query or {}).items():
        values = value if isinstance(value, list) else [value]
        if name in may_be_empty and all(str(v).strip() == "" for v in values if v is not None):
            continue
        out[name] = value
    return out


def _broken(rules: Mapping[str, Any], instance: Mapping[str, Any]) -> list[str]:
    """The keys whose dependency is not met in ``instance``."""
    out = []
    for key, needed in (rules.get("dependentRequired") or {}).items():
        if key in instance and any(n not in instance for n in needed):
            out.append(key)
    for key, subschema in (rules.get("dependentSchemas") or {}).items():
        if key in instance and not jsonschema_rs.Draft202012Validator(subschema).is_valid(
            dict(instance)
        ):
            out.append(key)
    return out


def follow_documented_rules(ctx: Any, case: schemathesis.Case) -> schemathesis.Case:
    if not _positive(case):
        return case
    raw_schema, operation = _operation(case)
    rules = operation.get(DEPENDENCIES) or {}
    parameters = _query_parameters(raw_schema, operation)
    for parameter in parameters:
        schema = _resolve(raw_schema, parameter.get("schema") or {})
        if VALUE_RULE in schema and case.query and parameter["name"] in case.query:
            value = case.query[parameter["name"]]
            if not (parameter.get("allowEmptyValue") and str(value).strip() == ""):
                example = schema["example"]
                if isinstance(value, list) and not isinstance(example, list):
                    example = [example]
                case.query[parameter["name"]] = example
    if case.query:
        required = {p["name"] for p in parameters if p.get("required")}
        for _ in range(len(case.query)):
            broken = [
                k for k in _broken(rules.get("query") or {}, _query_instance(case, parameters))
            ]
            if not broken or all(k in required for k in broken):
                break
            for key in broken:
                if key not in required:
                    case.query.pop(key, None)
    body_schema = _body_schema(raw_schema, operation)
    if isinstance(case.body, dict) and body_schema:
        for name, prop in (body_schema.get("properties") or {}).items():
            prop = _resolve(raw_schema, prop)
            if VALUE_RULE in prop and case.body.get(name) not in (None, ""):
                case.body[name] = prop["example"]
        required = set(body_schema.get("required") or ())
        for _ in range(len(case.body)):
            broken = _broken(rules.get("body") or {}, case.body)
            if not broken or all(k in required for k in broken):
                break
            for key in broken:
                if key not in required:
                    case.body.pop(key, None)
    return case


def _valid(rules: Mapping[str, Any], instance: Mapping[str, Any]) -> bool:
    return not rules or jsonschema_rs.Draft202012Validator(dict(rules)).is_valid(dict(instance))


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, Mapping):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_nul(v) for v in value)
    return False


def keeps_documented_rules(ctx: Any, case: schemathesis.Case) -> bool:
    """Whether a case keeps every stated rule (also those no key can be dropped for, such as
    "a place or an online address"), whatever mode made it: a negative case whose mutation
    came out schema-valid is held to acceptance like a positive one. A body holding U+0000
    breaks the document's rule that no text holds it (PostgreSQL cannot store it)."""
    if _holds_nul(case.body):
        return False
    raw_schema, operation = _operation(case)
    rules = operation.get(DEPENDENCIES) or {}
    parameters = _query_parameters(raw_schema, operation)
    if not _valid(rules.get("query") or {}, _query_instance(case, parameters)):
        return False
    return not isinstance(case.body, dict) or _valid(rules.get("body") or {}, case.body)
