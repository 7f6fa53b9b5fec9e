"""Planning an enqueue: value sets -> as few ``enqueue_batch`` bodies as is safe (pure, no I/O).

Several value sets go into ONE batch whose ``data`` zips the node fields that differ. The
server validates only the batch's base graph; values in ``data`` are pasted into each session
unchecked, and an invalid one poisons the queue (the item can never be read, listed or run:
seen on 6.14.2). So a value rides in ``data`` only when it is certainly valid here (JSON
schema checks on a node with no custom validators); any other differing value gets a batch of
its own, where the server validates it as a base graph.
"""

from __future__ import annotations

import pathlib
import uuid
import warnings
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..api.call import Call
from ..errors import DriftError, DriftWarning, DroppedEdgeWarning, UnrunnableWorkflow
from ..graph import build_graph
from ..graph.checks import load_problems, upstream_nodes
from ..graph.drift import Expectation, drift
from ..graph.generators import GeneratorResolver
from ..graph.schema_index import SchemaIndex
from ..graph.templates import templates_for
from ..workflow import Workflow, with_values
from ..workflow.attach import attachable_workflow
from .batch_validity import canonical as _canon
from .batch_validity import certainly_valid
from .batch_validity import same as _same
from .value_walk import leaves, map_leaves
from .values import LocalVideo, to_field_json

__all__ = [
    "BatchPlan",
    "RunnableMemo",
    "check_drift",
    "check_runnable",
    "build_plans",
    "form_maps",
    "local_paths",
    "plan_batches",
    "resolve_uploads",
]

# How planning uploads a local file (the server's record of it) and asks the server, per flavour.
AsyncUpload = Callable[[pathlib.Path], Awaitable[Mapping[str, Any]]]
Upload = Callable[[pathlib.Path], Mapping[str, Any]]
AsyncFetchCall = Callable[[Call], Awaitable[Any]]
FetchCall = Callable[[Call], Any]

# Core invocations whose pydantic validators check values beyond the JSON schema (InvokeAI
# 6.14 ``invokeai/app/invocations``): their fields never ride in batch data.
_VALIDATED_CLASSES = frozenset(
    {
        "RangeInvocation",
        "ControlNetInvocation",
        "DenoiseLatentsInvocation",
        "FaceMaskInvocation",
        "FluxControlNetInvocation",
        "FluxIPAdapterInvocation",
        "ImagePanelLayoutInvocation",
        "IPAdapterInvocation",
        "Krea2DenoiseInvocation",
        "LlavaOnevisionVllmInvocation",
        "IntegerMathInvocation",
        "FloatMathInvocation",
        "PromptsFromFileInvocation",
        "SegmentAnythingInvocation",
        "T2IAdapterInvocation",
        "TiledMultiDiffusionDenoiseLatents",
    }
)
_CORE_PACK = "invokeai"  # custom node packs may validate anything: never batch their fields


@dataclass
class BatchPlan:
    """One enqueue_batch: its body parts and which value set each generated item runs."""

    graph: dict[str, Any]
    data: list[list[dict[str, Any]]]
    runs: int
    workflow: dict[str, Any]  # the value-substituted workflow (attached to the batch)
    members: list[int]  # value-set indices, in the order the server generates their sessions
    per_member: int  # sessions per value set (the product of the workflow's own batch nodes)
    # per member: the (node_path, field_name) -> value its sessions get through ``data``
    zipped: list[dict[tuple[str, str], Any]] = field(default_factory=list)

    def member_of(self, position: int, field_values: Sequence[Mapping[str, Any]] | None) -> int:
        """The value set of the ``position``-th generated item (ascending item ids), checked
        against the item's ``field_values`` when the server sent them."""
        guess = self.members[min(position // max(self.per_member, 1), len(self.members) - 1)]
        if not self.zipped or not field_values:
            return guess
        seen = {
            (str(f.get("node_path")), str(f.get("field_name"))): f.get("value")
            for f in field_values
        }

        def matches(k: int) -> bool:
            return all(_same(seen.get(key), v) for key, v in self.zipped[k].items())

        pos = self.members.index(guess)
        if matches(pos):
            return guess
        for k, member in enumerate(self.members):
            if matches(k):
                return member
        return guess


def local_paths(values_list: Sequence[Mapping[int, Any]], *, videos: bool = False) -> list[pathlib.Path]:
    """Local image files (or, with ``videos``, video files) named by the value sets, to upload
    once each, in first-seen order."""
    found: dict[pathlib.Path, None] = {}
    for v in leaves(values_list):
        if isinstance(v, LocalVideo if videos else pathlib.PurePath):
            found.setdefault(v.path if isinstance(v, LocalVideo) else pathlib.Path(v), None)
    return list(found)


def resolve_uploads(
    values: Mapping[int, Any],
    names: Mapping[pathlib.Path, str],
    video_names: Mapping[pathlib.Path, str] | None = None,
) -> dict[int, Any]:
    """A value set with each local path replaced by its uploaded image or video, as field JSON."""

    def sub(v: Any) -> Any:
        if isinstance(v, LocalVideo):
            return {"video_name": (video_names or {})[v.path]}
        if isinstance(v, pathlib.PurePath):
            return {"image_name": names[pathlib.Path(v)]}
        return to_field_json(v)

    return map_leaves(values, sub)


BuildFn = Callable[
    [Mapping[int, Any]], tuple[dict[str, Any], dict[str, Any], list[list[dict[str, Any]]]]
]


def plan_batches(
    values_list: Sequence[Mapping[int, Any]], build: BuildFn, schema: SchemaIndex
) -> list[BatchPlan]:
    """Plan the batches for ``values_list`` (already resolved to field JSON).

    ``build(values)`` returns (substituted workflow, graph, batch data of the workflow's own
    batch nodes) for one value set.
    """
    built = [build(v) for v in values_list]
    if len(built) == 1:
        wf, graph, bdata = built[0]
        return [BatchPlan(graph, list(bdata), 1, wf, [0], _sessions(bdata))]

    graphs = [b[1] for b in built]
    batchable = _batchable_fields(graphs, schema)
    groups: dict[str, list[int]] = {}
    for i, (_, graph, bdata) in enumerate(built):
        masked = _masked(graph, batchable, schema)
        key = _canon({"nodes": masked, "edges": graph.get("edges"), "data": bdata})
        groups.setdefault(key, []).append(i)

    plans = []
    for members in groups.values():
        wf, graph, bdata = built[members[0]]
        differing = [
            key for key in batchable if len({_canon(_field(graphs[m], key)) for m in members}) > 1
        ]
        zipped = [{key: _field(graphs[m], key) for key in differing} for m in members]
        if differing:
            datum = [
                {"node_path": n, "field_name": f, "items": [z[(n, f)] for z in zipped]}
                for (n, f) in differing
            ]
            plans.append(
                BatchPlan(graph, [datum, *bdata], 1, wf, members, _sessions(bdata), zipped)
            )
        else:  # identical graphs: the server repeats them with ``runs``
            plans.append(BatchPlan(graph, list(bdata), len(members), wf, members, _sessions(bdata)))
    return plans


def _sessions(bdata: Sequence[Sequence[Mapping[str, Any]]]) -> int:
    n = 1
    for group in bdata:
        n *= len(group[0].get("items") or []) if group else 0
    return n


def _field(graph: Mapping[str, Any], key: tuple[str, str]) -> Any:
    return graph["nodes"][key[0]].get(key[1])


def _batchable_fields(
    graphs: Sequence[Mapping[str, Any]], schema: SchemaIndex
) -> list[tuple[str, str]]:
    """Node fields that differ between the graphs and could ride in batch data: present in
    every graph with one batch-data kind of value, on a core node without custom validators."""
    first = graphs[0]["nodes"]
    out = []
    for node_id, node in first.items():
        if not all(node_id in g["nodes"] for g in graphs):
            continue
        if not _node_batchable(schema, str(node.get("type"))):
            continue
        for name in node:
            if name in ("id", "type"):
                continue
            values = [g["nodes"][node_id].get(name, _MISSING) for g in graphs]
            if any(v is _MISSING for v in values):
                continue
            if len({_canon(v) for v in values}) < 2:
                continue
            kinds = {_kind(v) for v in values}
            if len(kinds) == 1 and None not in kinds:
                out.append((str(node_id), str(name)))
    return out


def _masked(
    graph: Mapping[str, Any], batchable: Sequence[tuple[str, str]], schema: SchemaIndex
) -> dict[str, Any]:
    """The graph's nodes without the batchable fields whose value here is certainly valid:
    value sets that agree on everything else share one batch."""
    nodes = {k: dict(v) for k, v in graph["nodes"].items()}
    for node_id, name in batchable:
        node = nodes[node_id]
        node_schema = schema.node(str(node.get("type")))
        prop = (node_schema.raw.get("properties") or {}).get(name) if node_schema else None
        if isinstance(prop, dict) and certainly_valid(schema, prop, node[name]):
            del node[name]
    return nodes


def _node_batchable(schema: SchemaIndex, node_type: str) -> bool:
    node = schema.node(node_type)
    if node is None or node.class_name in _VALIDATED_CLASSES:
        return False
    return bool(node.raw.get("node_pack", _CORE_PACK) == _CORE_PACK)


_MISSING = object()


def _kind(v: Any) -> str | None:
    """The batch-data kind of a value (the server wants one kind per datum), None if none."""
    if isinstance(v, bool) or v is None:
        return None
    if isinstance(v, (int, float)):
        return "number"
    if isinstance(v, str):
        return "string"
    if isinstance(v, dict):
        return "image" if set(v) == {"image_name"} and isinstance(v["image_name"], str) else None
    if isinstance(v, list):
        kinds = {_kind(x) for x in v}
        if None in kinds or len(kinds) > 1:
            return None
        inner = kinds.pop() if kinds else ""
        return "list:" + (inner or "")
    return None





# --- from a workflow to plans, and from enqueue answers to a Submission ------------------------


def form_maps(
    workflow: Workflow, attribute_names: Mapping[int, str] | None
) -> tuple[
    Callable[[str, str | None], tuple[int | None, str | None]], dict[str, tuple[int, str | None]]
]:
    """``locate(node_id, field)`` -> (Form index, attribute) for 422 answers, and the Form inputs
    that set a node's board (node id -> (index, attribute))."""
    names = dict(attribute_names or {})
    by_field = {(i.node_id, i.field_name): i.index for i in workflow.inputs}
    boards = {
        i.node_id: (i.index, names.get(i.index)) for i in workflow.inputs if i.field_name == "board"
    }

    def locate(node_id: str, field_name: str | None) -> tuple[int | None, str | None]:
        index = by_field.get((node_id, field_name or ""))
        return (index, names.get(index)) if index is not None else (None, None)

    return locate, boards


def build_plans(
    workflow: Workflow,
    resolved: Sequence[Mapping[int, Any]],
    schema: SchemaIndex,
    resolver: GeneratorResolver,
) -> list[BatchPlan]:
    """Plans for value sets already resolved to field JSON. Raises ``NeedServer`` (from the
    resolver) when a generator node needs an answer the caller must fetch first."""
    graph_id = str(uuid.uuid4())

    def build(
        values: Mapping[int, Any],
    ) -> tuple[dict[str, Any], dict[str, Any], list[list[dict[str, Any]]]]:
        data = with_values(workflow, values)
        built = build_graph(data, schema, graph_id=graph_id, generators=resolver)
        return attachable_workflow(data), built.graph, built.batch_data

    return plan_batches(resolved, build, schema)



def check_runnable(
    workflow: Workflow, schema: SchemaIndex, attribute_names: Mapping[int, str] | None
) -> None:
    """Refuse what the server would run without a node (see ``graph.checks``), naming the
    node, its type and the Form inputs that feed it."""
    found = load_problems(workflow.data, templates_for(schema))
    for edge in (p for p in found if p.kind == "dropped-edge"):
        warnings.warn(f"{workflow.source}: {edge.message}", DroppedEdgeWarning, stacklevel=4)
    problems = [p for p in found if p.kind != "dropped-edge"]
    if not problems:
        return
    names = dict(attribute_names or {})
    lines = []
    for problem in problems:
        feeding = upstream_nodes(workflow.data, problem.node_id or "")
        inputs = [names.get(i.index, f"input {i.index}") for i in workflow.inputs if i.node_id in feeding]
        lines.append(problem.message + (f"; the Form inputs feeding it: {', '.join(inputs)}" if inputs else ""))
    raise UnrunnableWorkflow(workflow.source, schema.source, lines)


def check_drift(workflow: Workflow, schema: SchemaIndex, expects: Sequence[Expectation]) -> None:
    """Refuse a generated module whose inputs no longer fit the server's nodes (a renamed or
    retyped field would drop or misread the value); warn on version bumps with types unchanged."""
    errors, notes = drift(expects, schema)
    if errors:
        raise DriftError(workflow.source, schema.source, errors)
    for note in notes:
        warnings.warn(f"{workflow.source}: {note}", DriftWarning, stacklevel=4)


class RunnableMemo:
    """The workflows found runnable on a schema (and, for a generated module, fitting it), so
    that the checks run once for each: a run substitutes values and never changes a
    workflow's structure."""

    def __init__(self, size: int = 64) -> None:
        self._seen: OrderedDict[int, tuple[Workflow, SchemaIndex, tuple[Expectation, ...]]] = OrderedDict()
        self._size = size

    def check(
        self,
        workflow: Workflow,
        schema: SchemaIndex,
        attribute_names: Mapping[int, str] | None,
        expects: Sequence[Expectation] = (),
    ) -> None:
        key, expected = id(workflow), tuple(expects)
        seen = self._seen.get(key)
        if seen is not None and seen[0] is workflow and seen[1] is schema and seen[2] == expected:
            return
        check_runnable(workflow, schema, attribute_names)
        if expected:
            check_drift(workflow, schema, expected)
        self._seen[key] = (workflow, schema, expected)  # held, so its id is not reused
        while len(self._seen) > self._size:
            self._seen.popitem(last=False)
