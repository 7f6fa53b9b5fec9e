"""What an MCP client sees of a generated workflow (pure): the tool's name, its description and
its input schema, self-contained (no ``$ref`` where none is needed: not every client follows
them) and saying what an image or video input takes over MCP."""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from typing import Any

__all__ = ["tool_description", "tool_input_schema", "tool_name"]

_FILE_KINDS = ("image", "video")
_NOT_IN_NAME = re.compile(r"[^A-Za-z0-9_.-]+")  # SEP-986: letters, digits, _ - . only
_MAX_NAME = 128
_FORM_INDEX = re.compile(r"^Input [0-9]+: ")
# The paragraph codegen/docs.py ends every class docstring with: for readers of the module.
_MODULE_HINT = "Each attribute is one input of the workflow's Form"
_PATH_ALTERNATIVE = {
    "type": "object",
    "properties": {"path": {"type": "string"}},
    "required": ["path"],
    "additionalProperties": False,
    "description": "A file on the tool server's machine, uploaded to InvokeAI when the workflow "
    "runs (an absolute path; a relative one is from the tool server's working directory).",
}


def tool_name(cls: type[Any]) -> str:
    """``BlurImage`` -> ``blur_image``; ``SDXLTextToImage`` -> ``sdxl_text_to_image``."""
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", cls.__name__)
    name = _NOT_IN_NAME.sub("_", words).strip("_").lower()[:_MAX_NAME]
    return name or "workflow"


def tool_description(cls: type[Any]) -> str:
    """The class docstring: the workflow's name and description."""
    doc = (cls.__doc__ or "").strip()
    paragraphs = [p for p in re.split(r"\n\s*\n", doc) if not p.strip().startswith(_MODULE_HINT)]
    return "\n\n".join(p.strip() for p in paragraphs if p.strip()) or f"The workflow {cls.__name__}"


def tool_input_schema(cls: type[Any]) -> dict[str, Any]:
    """``cls.json_schema()`` with each ``$ref`` inlined (``$defs`` kept only for a type that
    holds itself), and an image or video input's local file spelled ``{"path": ...}``, as
    ``from_dict`` reads it (a bare string is the name of a file already on the server)."""
    schema = copy.deepcopy(cls.json_schema())
    schema.pop("description", None)  # the tool's description says it
    defs: dict[str, Any] = schema.pop("$defs", {})
    recursive: set[str] = set()
    inlined: dict[str, Any] = _inline(schema, defs, (), recursive)
    if recursive:  # kept, themselves inlined but for the circle
        inlined["$defs"] = {n: _inline(defs[n], defs, (n,), recursive) for n in sorted(recursive)}
    properties = inlined.get("properties", {})
    for spec in cls.input_specs():
        prop = properties.get(spec.attribute)
        if not isinstance(prop, dict):
            continue
        if isinstance(prop.get("description"), str):
            prop["description"] = _for_callers(prop["description"])
        if spec.kind in _FILE_KINDS:
            properties[spec.attribute] = _file_forms(prop, spec.kind)
    inlined["type"] = "object"
    return inlined


def _for_callers(doc: str) -> str:
    """An attribute's docstring without what only the module's reader needs: its Form index
    ("Input 3: ") and the node field it sets ("Sets field ..."); labels, notes, choices and
    why it is required stay."""
    paragraphs = [p.strip() for p in doc.split("\n\n")]
    if paragraphs:
        paragraphs[0] = _FORM_INDEX.sub("", paragraphs[0], count=1)
    kept = [
        "\n".join(ln for ln in p.splitlines() if not ln.startswith("Sets field "))
        for p in paragraphs
    ]
    return "\n\n".join(p for p in kept if p)


def _inline(node: Any, defs: Mapping[str, Any], seen: tuple[str, ...], recursive: set[str]) -> Any:
    if isinstance(node, list):
        return [_inline(n, defs, seen, recursive) for n in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    name = ref[len("#/$defs/") :] if isinstance(ref, str) and ref.startswith("#/$defs/") else None
    if name is not None and name in defs:
        if name in seen:
            recursive.add(name)
            return dict(node)
        target = _inline(defs[name], defs, (*seen, name), recursive)
        siblings = {k: _inline(v, defs, seen, recursive) for k, v in node.items() if k != "$ref"}
        return {**target, **siblings}  # the attribute's own description and default win
    return {k: _inline(v, defs, seen, recursive) for k, v in node.items()}


def _file_forms(node: Any, kind: str) -> Any:
    """Each ``format: path`` string (pydantic's Path) as the ``{"path": ...}`` object; each
    other plain string described as a server file's name."""
    if isinstance(node, list):
        return [_file_forms(n, kind) for n in node]
    if not isinstance(node, dict):
        return node
    if node.get("type") == "string" and node.get("format") == "path":
        return copy.deepcopy(_PATH_ALTERNATIVE)
    if node.get("type") == "string" and "enum" not in node and "description" not in node:
        return {
            **node,
            "description": f"The name of {'an' if kind == 'image' else 'a'} {kind} already on the InvokeAI server.",
        }
    return {
        k: (_file_forms(v, kind) if k in ("anyOf", "oneOf", "items") else v)
        for k, v in node.items()
    }
