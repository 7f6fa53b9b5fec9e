"""Every corpus workflow that loads builds the graph InvokeAI's GUI builds for it.

The reference graphs were produced by InvokeAI 6.14.2's own GUI code (auto-add board "none",
nodes the stock server lacks dropped). Runs over the local subset in tests/corpus always, and over
the whole shared corpus when ../shared is present.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from graph_compare import LOCAL_CORPUS, SCHEMA_PATH, SHARED_DIR, graph_differences, load_null_defaults

from ivk_runtime.graph import build_graph
from ivk_runtime.graph.schema_index import SchemaIndex
from ivk_runtime.workflow import load_workflow, parse_workflow

SHARED_CORPUS = SHARED_DIR / "corpus"
SHARED_GRAPHS = SHARED_DIR / "invokeai" / "reference-graphs"
SHARED_SCHEMA = SHARED_DIR / "invokeai" / "openapi" / "invokeai-6.14.2.json"


@pytest.fixture(scope="module")
def schema() -> SchemaIndex:
    return SchemaIndex.from_file(SCHEMA_PATH)


@pytest.fixture(scope="module")
def null_defaults() -> dict[str, set[str]]:
    return load_null_defaults()


def _cases(workflows: Path, graphs: Path) -> list[Any]:
    if not graphs.is_dir():
        return [pytest.param(None, None, marks=pytest.mark.skip(reason=f"no reference graphs at {graphs}"))]
    return [pytest.param(workflows / g.name, g, id=g.name) for g in sorted(graphs.glob("*.json"))]


def _check(workflow: Path, reference: Path, schema: SchemaIndex, null_defaults: dict[str, set[str]]) -> None:
    data = load_workflow(workflow).data
    before = copy.deepcopy(data)
    built = build_graph(data, schema, graph_id="g")
    assert data == before, "build_graph mutated its input"
    expected = json.loads(reference.read_text(encoding="utf-8"))
    diffs = graph_differences(expected, built.graph, null_defaults)
    assert not diffs, f"{len(diffs)} difference(s):\n" + "\n".join(diffs[:20])
    assert built.graph["id"] == "g"
    json.dumps(built.graph)  # plain JSON, nothing left over from the build


@pytest.mark.parametrize(
    ("workflow", "reference"), _cases(LOCAL_CORPUS / "workflows", LOCAL_CORPUS / "reference-graphs")
)
def test_local_corpus_graph(
    workflow: Path, reference: Path, schema: SchemaIndex, null_defaults: dict[str, set[str]]
) -> None:
    _check(workflow, reference, schema, null_defaults)


@pytest.mark.parametrize(("workflow", "reference"), _cases(SHARED_CORPUS / "workflows", SHARED_GRAPHS))
def test_shared_corpus_graph(
    workflow: Path, reference: Path, schema: SchemaIndex, null_defaults: dict[str, set[str]]
) -> None:
    _check(workflow, reference, schema, null_defaults)


def test_bundled_schema_matches_the_shared_one() -> None:
    """The suite's schema copy is the 6.14.2 dump the references were built against."""
    if not SHARED_SCHEMA.is_file():
        pytest.skip("no shared schema")
    ours = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    theirs = json.loads(SHARED_SCHEMA.read_text(encoding="utf-8"))
    assert ours["components"] == theirs["components"]


def _queue_items() -> list[Any]:
    folder = SHARED_DIR / "invokeai" / "gui-queue-items"
    if not folder.is_dir():
        return [pytest.param(None, marks=pytest.mark.skip(reason=f"no queue items at {folder}"))]
    return [pytest.param(p, id=p.name) for p in sorted(folder.glob("*.json"))]


@pytest.mark.parametrize("item_path", _queue_items())
def test_same_nodes_and_edges_as_a_graph_the_gui_really_sent(item_path: Path, schema: SchemaIndex) -> None:
    """Queue items recorded from the GUI: the server filled every default in, and that GUI had an
    auto-add board, so only the structure (node ids, types, edges) is comparable."""
    item = json.loads(item_path.read_text(encoding="utf-8"))
    sent = item["session"]["graph"]
    built = build_graph(parse_workflow(item["workflow"], item_path.name).data, schema).graph
    assert {k: n["type"] for k, n in built["nodes"].items()} == {
        k: n["type"] for k, n in sent["nodes"].items()
    }

    def edges(g: dict[str, Any]) -> list[tuple[str, ...]]:
        return sorted(
            (
                e["source"]["node_id"],
                e["source"]["field"],
                e["destination"]["node_id"],
                e["destination"]["field"],
            )
            for e in g["edges"]
        )

    assert edges(built) == edges(sent)
