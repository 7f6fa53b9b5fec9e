"""Every corpus workflow loads (or is refused with a WorkflowError) with the Form the manifest counts.

Runs over the local subset in tests/corpus always, and over the whole shared corpus when present.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from wf_builders import LOCAL_CORPUS, SHARED_CORPUS

from ivk_runtime.errors import WorkflowError
from ivk_runtime.workflow import Workflow, load_workflow, parse_workflow, with_values

NOT_WORKFLOWS = {"pre-v1-reactflow-export", "no-meta-version"}
# Workflow exports InvokeAI's own GUI refuses too (no reference graph exists for them).
GUI_REFUSES = {"invoke-ai_InvokeAI__Text_to_Image_SD15@b0350e9b.json": "meta.category"}


def _entries(corpus: Path) -> list[Any]:
    if not (corpus / "manifest.json").is_file():
        return [pytest.param(corpus, {}, marks=pytest.mark.skip(reason=f"no corpus at {corpus}"))]
    manifest = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))
    return [pytest.param(corpus, entry, id=Path(entry["file"]).name) for entry in manifest]


def _expected_count(path: Path, entry: dict[str, Any]) -> int:
    if entry["has_form"]:
        return int(entry["form_node_field_count"])
    # Legacy: every exposedField whose node and field still exist (the manifest counts them all).
    data = json.loads(path.read_text(encoding="utf-8"))
    inputs = {n["id"]: n["data"].get("inputs", {}) for n in data["nodes"] if n.get("type") == "invocation"}
    dangling = [f for f in data["exposedFields"] if f["fieldName"] not in inputs.get(f["nodeId"], {})]
    assert bool(dangling) == ("dangling-exposedField" in entry["flags"])
    return int(entry["exposedFields_count"]) - len(dangling)


def _check(corpus: Path, entry: dict[str, Any]) -> None:
    path = corpus / entry["file"]
    name = path.name
    if NOT_WORKFLOWS & set(entry["flags"]) or name in GUI_REFUSES:
        with pytest.raises(WorkflowError) as info:
            load_workflow(path)
        assert info.value.source == name
        assert str(info.value).startswith(name + ": ")
        assert info.value.element == GUI_REFUSES.get(name, "meta.version")
        return

    wf = load_workflow(path)  # any exception other than a return fails the test
    assert wf.source == name
    assert wf.original_version == entry["meta_version"]
    assert wf.data["meta"]["version"] == "4.0.0"
    assert len(wf.inputs) == _expected_count(path, entry)
    assert [i.index for i in wf.inputs] == list(range(len(wf.inputs)))
    if entry["has_form"]:
        assert all(i.element_id for i in wf.inputs)
    nodes = {n["id"]: n for n in wf.data["nodes"]}
    for item in wf.inputs:
        field = nodes[item.node_id]["data"]["inputs"][item.field_name]
        assert item.value == field.get("value")
        assert item.node_type == nodes[item.node_id]["data"]["type"]
    # Loading what we produced gives the same inputs: data is a workflow the reader accepts.
    again = load_workflow_from_data(wf.data, name)
    assert [(i.node_id, i.field_name) for i in again.inputs] == [(i.node_id, i.field_name) for i in wf.inputs]
    if wf.inputs:
        changed = with_values(wf, {len(wf.inputs) - 1: "__changed__"})
        last = wf.inputs[-1]
        target = next(n for n in changed["nodes"] if n["id"] == last.node_id)
        assert target["data"]["inputs"][last.field_name]["value"] == "__changed__"
        assert wf.inputs[-1].value != "__changed__"


def load_workflow_from_data(data: dict[str, Any], name: str) -> Workflow:
    return parse_workflow(json.loads(json.dumps(data)), name)


@pytest.mark.parametrize(("corpus", "entry"), _entries(LOCAL_CORPUS))
def test_local_corpus_file(corpus: Path, entry: dict[str, Any]) -> None:
    _check(corpus, entry)


@pytest.mark.parametrize(("corpus", "entry"), _entries(SHARED_CORPUS))
def test_shared_corpus_file(corpus: Path, entry: dict[str, Any]) -> None:
    _check(corpus, entry)


@pytest.mark.parametrize("corpus", [LOCAL_CORPUS, SHARED_CORPUS], ids=["local", "shared"])
def test_refused_files_are_exactly_those_without_a_gui_graph(corpus: Path) -> None:
    """The GUI built a reference graph for every file it could load: we refuse exactly the rest."""
    graphs = corpus / "reference-graphs"
    if corpus == SHARED_CORPUS:
        graphs = corpus.parent / "invokeai" / "reference-graphs"
    if not graphs.is_dir():
        pytest.skip(f"no reference graphs at {graphs}")
    refused = set()
    for path in sorted((corpus / "workflows").glob("*.json")):
        try:
            load_workflow(path)
        except WorkflowError:
            refused.add(path.name)
    without_graph = {p.name for p in (corpus / "workflows").glob("*.json") if not (graphs / p.name).exists()}
    assert refused == without_graph
    assert len(refused) >= 4


@pytest.mark.parametrize("corpus", [LOCAL_CORPUS, SHARED_CORPUS], ids=["local", "shared"])
def test_scalar_values_match_the_gui_graph(corpus: Path) -> None:
    """Each input names the node field the GUI's graph carries: plain values agree with it."""
    graphs = corpus / "reference-graphs"
    if corpus == SHARED_CORPUS:
        graphs = corpus.parent / "invokeai" / "reference-graphs"
    if not graphs.is_dir():
        pytest.skip(f"no reference graphs at {graphs}")
    compared = 0
    for graph_path in sorted(graphs.glob("*.json")):
        wf = load_workflow(corpus / "workflows" / graph_path.name)
        graph_nodes = json.loads(graph_path.read_text(encoding="utf-8"))["nodes"]
        for item in wf.inputs:
            node = graph_nodes.get(item.node_id)
            if node is None or item.field_name not in node or isinstance(item.value, (dict, list)):
                continue  # dropped node, unset field, or a structured value the GUI may rewrite
            assert node[item.field_name] == item.value, (graph_path.name, item.index)
            compared += 1
    assert compared > 20


def test_local_subset_covers_the_cases_it_was_chosen_for() -> None:
    """The subset must keep its variety: a file removed here would silently thin every test above."""
    manifest = json.loads((LOCAL_CORPUS / "manifest.json").read_text(encoding="utf-8"))
    flags = {flag for entry in manifest for flag in entry["flags"]}
    wanted = {
        "nested-containers",
        "duplicate-field-labels",
        "labelless-node-fields",
        "legacy-exposedFields-only",
        "dangling-exposedField",
        "form-static-elements",
        "notes-nodes",
        "batch/generator-nodes",
        "custom-nodePack",
        "non-core-node-types",
        "non-ascii-text",
        "empty-form",
        "pre-v1-reactflow-export",
    }
    assert wanted <= flags, wanted - flags
    assert {entry["meta_version"] for entry in manifest} == {None, "1.0.0", "2.0.0", "3.0.0", "4.0.0"}
    # The 25-input Form with containers and duplicate labels (no 25-input file has depth >= 3).
    assert any(
        e["form_node_field_count"] == 25 and e["max_container_depth"] >= 2 and "duplicate-field-labels" in e["flags"]
        for e in manifest
    )
    files = {Path(entry["file"]).name for entry in manifest}
    assert files == {p.name for p in (LOCAL_CORPUS / "workflows").glob("*.json")}
