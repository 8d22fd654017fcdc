"""A small validator for the OpenAPI schema subset the local server uses.

Why not ``jsonschema``: it is not a planc dependency, and the subset only uses
a handful of keywords (``type``, ``format``, ``enum``, ``items``,
``properties``, ``additionalProperties``, ``$ref``).  Semantics follow what a
Spring/Jackson service does with such a schema, not strict JSON Schema:

- unknown properties are ignored (Jackson's Spring Boot default);
- ``null`` is accepted for any property (Java reference types are nullable);
- ``integer``/``int32`` means a JSON integer within the 32-bit range (``true``
  is not an integer, ``"5"`` is not coerced);
- ``format: date-time`` must parse with :func:`datetime.fromisoformat`;
- a bare ``{"type": "object"}`` (no ``properties``) accepts any JSON value:
  springdoc writes it for a Java ``Object``, e.g. the values of ``workout_doc``
  (``additionalProperties: {"type": "object"}``), which really are arrays and
  numbers (``steps``, ``duration``).

The ``x-planc-strict`` section of the subset adds per-property rules on top of
a named schema (sport-name enum, the local date-time pattern), see
:mod:`planc.icuserver.make_subset`.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

SUBSET_PATH = Path(__file__).with_name("openapi_subset.json")

_INT32 = (-(2**31), 2**31 - 1)


class SchemaError(ValueError):
    """A value does not match the schema; ``str()`` is the message served with 422."""


@cache
def load_subset() -> dict[str, Any]:
    """The parsed ``openapi_subset.json`` shipped next to this module."""
    return json.loads(SUBSET_PATH.read_text(encoding="utf-8"))


class Validator:
    """Validate JSON values against schemas of an OpenAPI document."""

    def __init__(self, document: dict[str, Any] | None = None) -> None:
        self.doc = document if document is not None else load_subset()
        self.strict: dict[str, dict[str, Any]] = self.doc.get("x-planc-strict", {})

    # -- public -------------------------------------------------------------
    def schema(self, name: str) -> dict[str, Any]:
        """The component schema ``name`` as a ``$ref`` (so strict rules apply)."""
        return {"$ref": f"#/components/schemas/{name}"}

    def validate(self, value: Any, schema: dict[str, Any], where: str = "$") -> None:
        """Raise :class:`SchemaError` naming the first offending location."""
        self._check(value, schema, where, root=True)

    def operation(self, template: str, method: str) -> dict[str, Any]:
        return self.doc["paths"][template][method]

    def request_schema(self, template: str, method: str) -> dict[str, Any] | None:
        body = self.operation(template, method).get("requestBody")
        if not body:
            return None
        return body["content"]["application/json"]["schema"]

    def response_schema(self, template: str, method: str) -> dict[str, Any]:
        content = self.operation(template, method)["responses"]["200"]["content"]
        return next(iter(content.values()))["schema"]

    # -- internals ----------------------------------------------------------
    def _resolve(self, ref: str) -> tuple[dict[str, Any], str | None]:
        if not ref.startswith("#/"):
            raise KeyError(f"unsupported $ref {ref}")
        node: Any = self.doc
        for part in ref[2:].split("/"):
            node = node[part]
        parts = ref[2:].split("/")
        name = parts[2] if len(parts) == 3 and parts[:2] == ["components", "schemas"] else None
        return node, name

    def _check(self, value: Any, schema: dict[str, Any], where: str, root: bool = False) -> None:
        if "$ref" in schema:
            self._reference(value, schema["$ref"], where, root)
            return
        if value is None:
            if root:
                raise SchemaError(f"{where}: a value is required")
            return
        kind = schema.get("type")
        if kind == "object" and set(schema) <= {"type", "description"}:
            return  # a Java Object: any JSON value (see the module docstring)
        if kind == "object" or (kind is None and "properties" in schema):
            self._object(value, schema, where)
        elif kind == "array":
            self._array(value, schema, where)
        elif kind == "string":
            if not isinstance(value, str):
                raise SchemaError(f"{where}: expected a string, got {_describe(value)}")
            self._string(value, schema, where)
        elif kind in ("integer", "number", "boolean"):
            _scalar(value, kind, schema, where)
        if "enum" in schema and value not in schema["enum"]:
            allowed = ", ".join(str(v) for v in schema["enum"])
            raise SchemaError(
                f"{where}: {json.dumps(value)} is not one of the accepted values [{allowed}]"
            )

    def _reference(self, value: Any, ref: str, where: str, root: bool) -> None:
        """A $ref, plus the stricter rules this stand-in adds to some named schemas."""
        target, name = self._resolve(ref)
        self._check(value, target, where, root)
        if name and name in self.strict and isinstance(value, dict):
            for prop, extra in self.strict[name].items():
                if value.get(prop) is not None:
                    self._check(value[prop], extra, f"{where}.{prop}")

    def _array(self, value: Any, schema: dict[str, Any], where: str) -> None:
        if not isinstance(value, list):
            raise SchemaError(f"{where}: expected an array, got {_describe(value)}")
        items = schema.get("items", {})
        for index, item in enumerate(value):
            self._check(item, items, f"{where}[{index}]")

    def _object(self, value: Any, schema: dict[str, Any], where: str) -> None:
        if not isinstance(value, dict):
            raise SchemaError(f"{where}: expected an object, got {_describe(value)}")
        props = schema.get("properties", {})
        extra = schema.get("additionalProperties")
        for key, item in value.items():
            if key in props:
                self._check(item, props[key], f"{where}.{key}")
            elif isinstance(extra, dict) and extra:
                self._check(item, extra, f"{where}.{key}")

    @staticmethod
    def _string(value: str, schema: dict[str, Any], where: str) -> None:
        pattern = schema.get("pattern")
        if pattern and not re.search(pattern, value):
            raise SchemaError(
                f"{where}: {json.dumps(value)} does not match the expected format "
                f"{_FORMAT_HINTS.get(schema.get('x-format', ''), pattern)}"
            )
        fmt = schema.get("format") or schema.get("x-format")
        try:
            if fmt == "date-time":
                datetime.fromisoformat(value)
            elif fmt == "local-date-time":
                datetime.strptime(value, "%Y-%m-%dT%H:%M:%S")
        except ValueError:
            raise SchemaError(f"{where}: {json.dumps(value)} is not a valid {fmt}") from None


_FORMAT_HINTS = {"local-date-time": "yyyy-MM-ddTHH:mm:ss (athlete-local, no offset)"}


def _describe(value: Any) -> str:
    text = json.dumps(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _scalar(value: Any, kind: str, schema: dict[str, Any], where: str) -> None:
    """integer (int32 in range), number, boolean; bool is no number, as in Java."""
    if kind == "integer":
        if isinstance(value, bool) or not isinstance(value, int):
            raise SchemaError(f"{where}: expected an integer, got {_describe(value)}")
        if schema.get("format") == "int32" and not _INT32[0] <= value <= _INT32[1]:
            raise SchemaError(f"{where}: {value} is out of range for int32")
    elif kind == "number":
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise SchemaError(f"{where}: expected a number, got {_describe(value)}")
    elif not isinstance(value, bool):
        raise SchemaError(f"{where}: expected a boolean, got {_describe(value)}")
