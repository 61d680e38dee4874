"""The response schema as the model needs it: field names, types and allowed values, with no
titles, descriptions or defaults (the prompt says what the fields mean). It goes into the
user message, so that it reaches the model whatever the server's chat template does with
system messages."""

from __future__ import annotations

import functools
import json
from typing import Any

from pydantic import BaseModel


def _shape(node: dict[str, Any], defs: dict[str, Any]) -> Any:
    if "$ref" in node:
        return _shape(defs[node["$ref"].split("/")[-1]], defs)
    if "anyOf" in node:
        parts = [_shape(n, defs) for n in node["anyOf"]]
        if all(isinstance(p, str) for p in parts):
            return "|".join(parts)
        return next(p for p in parts if not isinstance(p, str) or p != "null")
    if "enum" in node:
        return "|".join(str(v) for v in node["enum"])
    if "const" in node:
        return str(node["const"])
    kind = node.get("type")
    if kind == "object" and "properties" in node:
        return {name: _shape(sub, defs) for name, sub in node["properties"].items()}
    if kind == "object":
        value = _shape(node.get("additionalProperties", {"type": "string"}), defs)
        return {"<column>": value}
    if kind == "array":
        return [_shape(node.get("items", {}), defs)]
    return {"string": "str", "integer": "int", "number": "num", "boolean": "bool",
            "null": "null"}.get(kind or "", "any")


def _drop(shape: Any, omit: frozenset[str]) -> Any:
    if isinstance(shape, dict):
        return {k: _drop(v, omit) for k, v in shape.items() if k not in omit}
    if isinstance(shape, list):
        return [_drop(v, omit) for v in shape]
    return shape


@functools.cache
def compact_schema(model: type[BaseModel], omit: frozenset[str] = frozenset()) -> str:
    """One line of JSON showing the answer's shape, e.g.
    ``{"rows":[{"code":"str|null","name":"str",...,"values":{"<column>":"str"}}]}``;
    ``omit``: optional fields that do not apply to the task."""
    full = model.model_json_schema()
    shape = _drop(_shape(full, full.get("$defs", {})), omit)
    return json.dumps(shape, ensure_ascii=False, separators=(",", ":"))


def schema_instruction(model: type[BaseModel], omit: frozenset[str] = frozenset()) -> str:
    """The text appended to the user message in ``md_json`` mode."""
    return f"Answer in a ```json block, shaped as:\n{compact_schema(model, omit)}"
