"""A tiny JSON Schema validator for the subset ``planc.plan.schema`` uses.

planc adds no dependency for this: the tests validate the example plans
against ``planc schema`` with this validator, which knows exactly the
keywords the plan schema is written with (type, enum, pattern, minimum,
maximum, exclusiveMinimum, minItems, properties, patternProperties,
additionalProperties, propertyNames, required, items, anyOf, $ref to
#/$defs).  Any other keyword is an error, so the schema cannot quietly start
using something this validator ignores.
"""

from __future__ import annotations

import re
from typing import Any

_KNOWN = {"type", "enum", "pattern", "minimum", "maximum", "exclusiveMinimum", "minItems",
          "properties", "patternProperties", "additionalProperties", "propertyNames",
          "required", "items", "anyOf", "$ref", "description", "title", "$schema", "$id",
          "$defs"}
_TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
}


def validate(instance: Any, schema: dict[str, Any]) -> list[str]:
    """Every violation as ``/json/pointer: message``; empty when valid."""
    errors: list[str] = []
    _check(instance, schema, schema, "", errors)
    return errors


def _check(value: Any, schema: dict[str, Any], root: dict[str, Any], where: str,
           errors: list[str]) -> None:
    unknown = set(schema) - _KNOWN
    if unknown:
        raise ValueError(f"schema keyword(s) not supported: {sorted(unknown)}")
    if "$ref" in schema:
        name = schema["$ref"].removeprefix("#/$defs/")
        _check(value, root["$defs"][name], root, where, errors)
    if "type" in schema:
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(_TYPES[t](value) for t in types):
            errors.append(f"{where or '/'}: expected {' or '.join(types)}, got {value!r}")
            return
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{where or '/'}: {value!r} is not one of {schema['enum']}")
    if isinstance(value, str) and "pattern" in schema and not re.search(schema["pattern"], value):
        errors.append(f"{where or '/'}: {value!r} does not match {schema['pattern']}")
    if _TYPES["number"](value):
        if "minimum" in schema and value < schema["minimum"]:
            errors.append(f"{where or '/'}: {value} < {schema['minimum']}")
        if "maximum" in schema and value > schema["maximum"]:
            errors.append(f"{where or '/'}: {value} > {schema['maximum']}")
        if "exclusiveMinimum" in schema and value <= schema["exclusiveMinimum"]:
            errors.append(f"{where or '/'}: {value} <= {schema['exclusiveMinimum']}")
    if isinstance(value, list):
        if len(value) < schema.get("minItems", 0):
            errors.append(f"{where or '/'}: fewer than {schema['minItems']} items")
        if "items" in schema:
            for i, item in enumerate(value):
                _check(item, schema["items"], root, f"{where}/{i}", errors)
    if isinstance(value, dict):
        _object(value, schema, root, where, errors)
    if "anyOf" in schema:
        branches = []
        for sub in schema["anyOf"]:
            errs: list[str] = []
            _check(value, sub, root, where, errs)
            if not errs:
                return
            branches.append(errs)
        best = min(branches, key=len)
        errors.append(f"{where or '/'}: matches no allowed form ({best[0]})")


def _object(value: dict[str, Any], schema: dict[str, Any], root: dict[str, Any], where: str,
            errors: list[str]) -> None:
    for key in schema.get("required", []):
        if key not in value:
            errors.append(f"{where or '/'}: missing required '{key}'")
    props = schema.get("properties", {})
    patterns = schema.get("patternProperties", {})
    for key, item in value.items():
        if "propertyNames" in schema:
            _check(key, schema["propertyNames"], root, f"{where}/{key}", errors)
        matched = False
        if key in props:
            matched = True
            _check(item, props[key], root, f"{where}/{key}", errors)
        for pattern, sub in patterns.items():
            if re.search(pattern, key):
                matched = True
                _check(item, sub, root, f"{where}/{key}", errors)
        if not matched and "additionalProperties" in schema:
            extra = schema["additionalProperties"]
            if extra is False:
                errors.append(f"{where or '/'}: unexpected key '{key}'")
            elif isinstance(extra, dict):
                _check(item, extra, root, f"{where}/{key}", errors)
