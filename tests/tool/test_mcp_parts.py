"""The MCP tool's pure parts, without a server: its name, description and schema from a
generated class, and progress values that only grow."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, ClassVar

import jsonschema
import pytest

from ivk_runtime.events.waiter import ProgressEvent
from ivk_runtime.tool.mcp_progress import ProgressCount
from ivk_runtime.tool.mcp_schema import tool_description, tool_input_schema, tool_name


class _Fake:
    """Stands for a generated class: what the schema functions read of one."""

    _schema: ClassVar[dict[str, Any]] = {}

    @classmethod
    def json_schema(cls) -> dict[str, Any]:
        return json.loads(json.dumps(cls._schema))

    @classmethod
    def input_specs(cls) -> tuple[Any, ...]:
        return ()


@pytest.mark.parametrize(
    ("class_name", "expected"),
    [
        ("BlurImage", "blur_image"),
        ("SDXLTextToImage", "sdxl_text_to_image"),
        ("FluxTextToImageLegacy", "flux_text_to_image_legacy"),
        ("Wan21T2V", "wan21_t2_v"),
        ("Workflow", "workflow"),
        ("A" * 200, "a" * 128),
    ],
)
def test_the_tool_is_named_from_the_class(class_name: str, expected: str) -> None:
    name = tool_name(type(class_name, (), {}))
    assert name == expected
    assert 1 <= len(name) <= 128 and all(c.isalnum() or c in "_.-" for c in name)


def test_the_description_is_the_workflows_name_and_description() -> None:
    cls = type(
        "X",
        (),
        {
            "__doc__": "My flow\n\n    Line one.\n\n    Para two.\n\n    Each attribute is one input of the workflow's Form, in Form order. Run with ``params.run(client)``.\n    "
        },
    )
    assert tool_description(cls) == "My flow\n\nLine one.\n\nPara two."
    assert tool_description(type("Bare", (), {})) == "The workflow Bare"


def test_refs_are_inlined_and_a_self_holding_type_keeps_its_defs() -> None:
    class Tree(_Fake):
        _schema = {
            "$defs": {
                "Node": {
                    "type": "object",
                    "properties": {"kids": {"type": "array", "items": {"$ref": "#/$defs/Node"}}},
                },
                "Rgb": {
                    "type": "object",
                    "description": "a colour",
                    "properties": {"r": {"type": "integer"}},
                },
            },
            "description": "the class docstring",
            "properties": {
                "tree": {"$ref": "#/$defs/Node", "description": "mine"},
                "colour": {
                    "$ref": "#/$defs/Rgb",
                    "default": {"r": 1},
                    "description": "the attribute's",
                },
            },
            "type": "object",
        }

    schema = tool_input_schema(Tree)
    assert "description" not in schema  # it is the tool's description
    colour = schema["properties"]["colour"]
    assert colour == {
        "type": "object",
        "description": "the attribute's",
        "properties": {"r": {"type": "integer"}},
        "default": {"r": 1},
    }
    tree = schema["properties"]["tree"]
    assert tree["description"] == "mine" and tree["properties"]["kids"]["items"] == {
        "$ref": "#/$defs/Node"
    }
    assert list(schema["$defs"]) == ["Node"]  # only the one a $ref still points at
    jsonschema.Draft202012Validator.check_schema(schema)
    assert jsonschema.Draft202012Validator(schema).is_valid({"tree": {"kids": [{"kids": []}]}})


def test_an_image_input_takes_a_server_name_or_a_local_path() -> None:
    class WithImages(_Fake):
        _schema = {
            "properties": {
                "one": {"anyOf": [{"type": "string", "format": "path"}, {"type": "string"}]},
                "many": {
                    "type": "array",
                    "items": {"anyOf": [{"type": "string", "format": "path"}, {"type": "string"}]},
                },
            },
            "type": "object",
        }

        @classmethod
        def input_specs(cls) -> tuple[Any, ...]:
            from ivk_runtime.generated import InputSpec

            return (
                InputSpec(0, "one", "n", "image", "image"),
                InputSpec(1, "many", "n", "images", "image"),
            )

    schema = tool_input_schema(WithImages)
    validator = jsonschema.Draft202012Validator(schema)
    assert validator.is_valid(
        {"one": {"path": "/tmp/a.png"}, "many": ["on-server.png", {"path": "b.png"}]}
    )
    assert not validator.is_valid({"one": {"path": 3}})
    assert not validator.is_valid({"one": {"path": "a.png", "extra": 1}})
    one = schema["properties"]["one"]["anyOf"]
    assert one[1]["description"] == "The name of an image already on the InvokeAI server."
    assert "tool server's machine" in one[0]["description"]


def _event(kind: str, pct: float | None = None, node: str = "denoise_latents") -> ProgressEvent:
    return ProgressEvent(1, kind, "in_progress", node_id="n1", node_type=node, percentage=pct)


def test_progress_only_grows() -> None:
    count = ProgressCount()
    events = [
        ProgressEvent(1, "status", "in_progress"),
        _event("started"),
        _event("progress", 0.25),
        _event("progress", 0.25),  # the same again: not sent
        _event("progress", 0.5),
        _event("progress", 1.0),
        _event("complete"),
        _event("started", node="l2i"),
        _event("progress", 40.0, node="l2i"),  # an older server's 0-100
        _event("complete", node="l2i"),
        ProgressEvent(1, "status", "completed"),
    ]
    steps = [s for s in (count.step(e) for e in events) if s is not None]
    values = [s.progress for s in steps]
    assert values == [0.0, 0.25, 0.5, 0.99, 1.0, 1.4, 2.0]
    assert [s.message for s in steps][1] == "run 1: denoise_latents (25%)"
    assert steps[-1].message == "run 1: l2i done"


def test_descriptions_keep_what_a_caller_needs() -> None:
    examples = str(Path(__file__).resolve().parents[2] / "generated_examples")
    sys.path.insert(0, examples)
    try:
        from sdxl_text_to_image import SdxlTextToImage
    finally:
        sys.path.remove(examples)
    model = tool_input_schema(SdxlTextToImage)["properties"]["model"]["description"]
    # the label, the schema's words and the type's note; not the Form index or the node field
    assert (
        model
        == "Model.\n\nSDXL Main model (UNet, VAE, CLIP1, CLIP2) to load.\n\nModel base: sdxl.\nModel type: main."
    )
