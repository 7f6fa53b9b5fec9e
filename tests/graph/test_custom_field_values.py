"""A node pack's own field types: their values reach the graph as set.

InvokeAI's GUI makes an input of such a type connection-only and holds no value for it
(buildFieldInputTemplate.ts: a stateless field is ``input: 'connection'``, ``default:
undefined``), while its template-blind parse of a saved value (types/field.ts,
zFieldInputInstance) reads any object as a float generator. A value there can only have been
set from Python (an extension type), so it is kept as saved.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from graph_builders import node
from graph_compare import SCHEMA_PATH

from ivk_runtime.graph import build_graph
from ivk_runtime.graph.schema_index import SchemaIndex

PACK = Path(__file__).resolve().parents[1] / "node_pack"
OPERATION = {"op": "append", "text": "saved text", "times": 2}


def _schema() -> SchemaIndex:
    schema = json.loads(Path(SCHEMA_PATH).read_text(encoding="utf-8"))
    schema["components"]["schemas"].update(json.loads((PACK / "ivk_test_nodes.schema.json").read_text(encoding="utf-8")))
    return SchemaIndex(schema, "pack")


SCHEMA = _schema()


def _graph_node(**values: Any) -> dict[str, Any]:
    echo = node("echo", "float_math")  # the builder's shape, retyped to the pack's node
    echo["data"].update(type="ivk_test_echo_fields", version="1.0.0", nodePack="ivk_test_nodes")
    echo["data"]["inputs"] = {
        name: {"name": name, "label": "", "description": "", "value": value} for name, value in values.items()
    }
    workflow = {"name": "w", "nodes": [echo], "edges": [], "meta": {"version": "4.0.0"}}
    graph_node: dict[str, Any] = build_graph(workflow, SCHEMA, graph_id="g").graph["nodes"]["echo"]
    return graph_node


def test_a_custom_type_value_reaches_the_node_unchanged() -> None:
    style = {"name": "s", "weight": 0.25, "tags": ["a"]}
    got = _graph_node(operation=OPERATION, style=style)
    assert got["operation"] == OPERATION  # not {"type": "float_generator_arithmetic_sequence", ...}
    assert got["style"] == style


def test_the_bundled_workflow_of_the_pack_keeps_its_saved_values() -> None:
    raw = json.loads((PACK / "echo_fields.json").read_text(encoding="utf-8"))
    got = build_graph(raw, SCHEMA, graph_id="g").graph["nodes"]["echo-fields"]
    saved = raw["nodes"][0]["data"]["inputs"]
    assert (got["operation"], got["style"]) == (saved["operation"]["value"], saved["style"]["value"])


def test_null_is_still_no_value_and_core_fields_are_still_read_like_the_gui() -> None:
    assert "operation" not in _graph_node(operation=None)  # as the GUI: null fits no value shape
    # a stateful field keeps the GUI's reading: an object on a float input is a float generator
    math = node("m", "float_math", a={"op": "append"})
    graph = build_graph({"name": "w", "nodes": [math], "edges": [], "meta": {"version": "4.0.0"}}, SCHEMA, graph_id="g")
    assert graph.graph["nodes"]["m"]["a"]["type"] == "float_generator_arithmetic_sequence"
