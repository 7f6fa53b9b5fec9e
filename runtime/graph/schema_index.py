"""InvokeAI's OpenAPI schema, indexed the way workflows name things: by node ``type``."""

from __future__ import annotations

import json
import pathlib
from dataclasses import dataclass
from typing import Any

from ..errors import SchemaError
from ..urls import public_url

__all__ = ["FieldSchema", "NodeSchema", "SchemaIndex"]


@dataclass(frozen=True)
class FieldSchema:
    name: str
    raw: dict[str, Any]  # the property schema, $refs not resolved
    required: bool  # ``orig_required``: the node cannot run without it

    @property
    def title(self) -> str | None:
        t = self.raw.get("title")
        return t if isinstance(t, str) else None

    @property
    def description(self) -> str | None:
        d = self.raw.get("description")
        return d if isinstance(d, str) else None

    @property
    def has_default(self) -> bool:
        return "default" in self.raw

    @property
    def default(self) -> Any:
        return self.raw.get("default")

    @property
    def ui_type(self) -> str | None:
        u = self.raw.get("ui_type")
        return u if isinstance(u, str) else None


@dataclass(frozen=True)
class NodeSchema:
    type: str
    class_name: str
    raw: dict[str, Any]
    inputs: dict[str, FieldSchema]  # the node's input fields, as the GUI's templates list them

    @property
    def title(self) -> str | None:
        t = self.raw.get("title")
        return t if isinstance(t, str) else None

    @property
    def version(self) -> str | None:
        v = self.raw.get("version")
        return v if isinstance(v, str) else None

    @property
    def output_ref(self) -> str | None:
        out = self.raw.get("output")
        if isinstance(out, dict) and isinstance(out.get("$ref"), str):
            return str(out["$ref"]).rsplit("/", 1)[-1]
        return None


# The GUI makes an input of every property but these (parseSchema.ts): "internal" fields
# such as board and metadata are inputs too.
_RESERVED_INPUTS = frozenset({"id", "type", "use_cache"})


def _is_gui_input(node_type: str, name: str, prop: dict[str, Any]) -> bool:
    if name in _RESERVED_INPUTS or (node_type == "iterate" and name == "index"):
        return False
    return prop.get("ui_type") != "IsIntermediate" and prop.get("field_kind") != "node_attribute"


class SchemaIndex:
    """Invocation schemas keyed by their ``type`` const, with ``$ref`` resolution."""

    def __init__(self, openapi: dict[str, Any], source: str = "<schema>") -> None:
        self.source = source = public_url(source)  # a server's, without user:password@
        try:
            self.components: dict[str, Any] = openapi["components"]["schemas"]
        except (KeyError, TypeError) as exc:
            raise SchemaError(f"{source}: not an OpenAPI document with components.schemas") from exc
        if not isinstance(self.components, dict):
            raise SchemaError(f"{source}: not an OpenAPI document: its components.schemas is not an object")
        info = openapi.get("info") or {}
        version = info.get("version") if isinstance(info, dict) else None
        self.version: str | None = version if isinstance(version, str) else None
        self.nodes: dict[str, NodeSchema] = {}
        for class_name, comp in self.components.items():
            if not isinstance(comp, dict) or comp.get("class") != "invocation":
                continue
            props = comp.get("properties") or {}
            type_prop = props.get("type") if isinstance(props, dict) else None
            if not isinstance(type_prop, dict):  # not a node the GUI could show either
                continue
            node_type = type_prop.get("const", type_prop.get("default"))
            if not isinstance(node_type, str):
                continue
            inputs = {
                name: FieldSchema(name, prop, bool(prop.get("orig_required", False)))
                for name, prop in props.items()
                if isinstance(prop, dict) and _is_gui_input(node_type, name, prop)
            }
            self.nodes[node_type] = NodeSchema(node_type, class_name, comp, inputs)
        if not self.nodes:
            raise SchemaError(f"{source}: no invocation schemas found")

    @classmethod
    def from_file(cls, path: str | pathlib.Path) -> SchemaIndex:
        p = pathlib.Path(path)
        try:
            data = json.loads(p.read_text(encoding="utf-8"))
        except (OSError, ValueError, RecursionError) as exc:  # a trusted file; hostile ones: ivk_codegen's reader
            raise SchemaError(f"{p.name}: cannot read the OpenAPI schema: {exc}") from exc
        return cls(data, source=p.name)

    def node(self, node_type: str) -> NodeSchema | None:
        return self.nodes.get(node_type)

    def resolve(self, schema: dict[str, Any]) -> dict[str, Any]:
        """Follow ``$ref`` chains to the component they name."""
        seen = 0
        while "$ref" in schema:
            ref = schema["$ref"]
            name = ref.rsplit("/", 1)[-1] if isinstance(ref, str) else None
            target = self.components.get(name) if name else None
            if not isinstance(target, dict):
                raise SchemaError(f"{self.source}: unresolvable $ref {ref!r}")
            schema = target
            seen += 1
            if seen > 32:
                raise SchemaError(f"{self.source}: $ref cycle at {ref!r}")
        return schema
