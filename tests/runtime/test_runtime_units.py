"""Offline tests of the client's pure parts: socket.io framing, the waiter's decisions, batch
planning, 422 mapping, output mapping and safe file names."""

from __future__ import annotations

import json
import pathlib
from typing import Any

import pytest

from ivk_runtime.client import plan as _batch
from ivk_runtime.api import app, call, images, queue
from ivk_runtime.workflow.attach import attachable_workflow
from ivk_runtime.errors import EnqueueValidationError
from ivk_runtime.events.waiter import SAFETY_POLL
from ivk_runtime.events import (
    Done,
    EventHub,
    Expired,
    Fetch,
    Read,
    Sleep,
    SocketEvent,
    SocketProtocol,
    StreamLost,
    StreamUnavailable,
    Waiter,
    event_nodes,
)
from ivk_runtime.client.files import atomic_write, safe_filename, thumbnail_name
from ivk_runtime.client.outputs import output_images
from ivk_runtime.client.results import build_result
from ivk_runtime.client.submission import Submission
from ivk_runtime.graph.schema_index import SchemaIndex

CAPTURES = pathlib.Path(__file__).resolve().parents[3] / "shared" / "invokeai" / "captures"
OPENAPI = CAPTURES.parent / "openapi" / "invokeai-6.14.2.json"


def capture(name: str) -> Any:
    path = CAPTURES / name
    if not path.exists():
        pytest.skip(f"{path} not available")
    return json.loads(path.read_text())


@pytest.fixture(scope="module")
def schema() -> SchemaIndex:
    if not OPENAPI.exists():
        pytest.skip("shared OpenAPI dump not available")
    return SchemaIndex.from_file(OPENAPI)


# --- socket.io framing -------------------------------------------------------------------------


def open_session(p: SocketProtocol) -> None:
    ex = p.next_exchange()
    assert ex.method == "GET" and "sid" not in ex.params
    p.receive(
        ex, 200, '0{"sid":"S1","upgrades":["websocket"],"pingTimeout":20000,"pingInterval":25000}'
    )
    ex = p.next_exchange()
    assert (ex.method, ex.body) == ("POST", "40")
    p.receive(ex, 200, "OK")
    ex = p.next_exchange()
    p.receive(ex, 200, '40{"sid":"N1"}')
    ex = p.next_exchange()
    assert ex.method == "POST" and ex.body == '421["subscribe_queue", {"queue_id": "q"}]'
    p.receive(ex, 200, "ok")
    assert not p.ready
    p.receive(p.next_exchange(), 200, "431[]")
    assert p.ready


def test_protocol_handshake_subscribe_ack_and_events() -> None:
    p = SocketProtocol("q")
    open_session(p)
    payload = "\x1e".join(
        [
            "2",
            '42["queue_item_status_changed",{"queue_id":"q","item_id":7,"status":"completed"}]',
            '42/other,["ignored",{}]',
        ]
    )
    events = p.receive(p.next_exchange(), 200, payload)
    assert events == [
        SocketEvent(
            "queue_item_status_changed", {"queue_id": "q", "item_id": 7, "status": "completed"}
        )
    ]
    pong = p.next_exchange()
    assert (pong.method, pong.body) == ("POST", "3")


def test_protocol_sends_token_and_maps_failures() -> None:
    p = SocketProtocol("q", token="T")
    ex = p.next_exchange()
    p.receive(ex, 200, '0{"sid":"S","pingInterval":1000,"pingTimeout":1000}')
    assert p.next_exchange().body == '40{"token": "T"}'
    assert p.poll_timeout == pytest.approx(7.0)
    with pytest.raises(StreamUnavailable):
        p.receive(p.next_exchange(), 200, '44{"message":"unauthorized"}')
    with pytest.raises(StreamLost):
        p.receive(p.next_exchange(), 400, '"Invalid session"')
    with pytest.raises(StreamLost):
        p.receive(p.next_exchange(), 200, "1")
    with pytest.raises(StreamUnavailable):  # no socket.io at all
        SocketProtocol("q").receive(Exchange_get(), 404, "")


def Exchange_get() -> Any:
    return SocketProtocol("q").next_exchange()


def test_hub_buffers_per_item_and_counts_resets() -> None:
    hub = EventHub("q", max_items=2)
    hub.feed([SocketEvent("x", {"queue_id": "q", "item_id": i}) for i in (1, 2, 3)])
    hub.feed(
        [
            SocketEvent("x", {"queue_id": "other", "item_id": 3}),
            SocketEvent("queue_cleared", {"queue_id": "q"}),
        ]
    )
    assert hub.take([1]) == []  # evicted: bounded
    assert [e.data["item_id"] for e in hub.take([2, 3])] == [2, 3]
    assert hub.take([3]) == []
    assert hub.resets == 1


# --- the waiter --------------------------------------------------------------------------------


def status_event(item_id: int, status: str) -> SocketEvent:
    return SocketEvent(
        "queue_item_status_changed", {"queue_id": "q", "item_id": item_id, "status": status}
    )


def test_waiter_checks_after_subscribing_then_reads_then_fetches_final() -> None:
    w = Waiter([5], now=0.0, timeout=None)
    assert w.step(0.0, generation=1) == Fetch(5)  # new session: look at the item once
    assert [e.status for e in w.on_item({"item_id": 5, "status": "pending"}, 0.01)] == ["pending"]
    # a read lasts until the next safety poll at most: a silent session cannot hide the end
    assert w.step(0.02, generation=1) == Read(pytest.approx(SAFETY_POLL - 0.01))
    progress = w.on_events([status_event(5, "in_progress"), status_event(5, "completed")])
    assert [e.status for e in progress] == ["in_progress", "completed"]
    assert w.step(0.5, generation=1) == Fetch(5)  # results live only in the full item
    w.on_item({"item_id": 5, "status": "completed"}, 0.6)
    assert w.step(0.6, generation=1) == Done()
    assert w.finals()[5]["status"] == "completed"


def test_waiter_trusts_a_subscription_made_before_enqueue() -> None:
    w = Waiter([5], now=0.0, timeout=2.0, generation=3)
    assert w.step(0.0, generation=3) == Read(2.0)
    assert w.step(0.1, generation=4) == Fetch(5)  # session replaced: events may be lost


def test_waiter_polls_when_events_are_gone_and_expires() -> None:
    w = Waiter([1, 2], now=0.0, timeout=1.0, generation=None)
    assert w.step(0.0, generation=None) == Fetch(1)  # lowest unfinished item first
    w.on_item({"item_id": 1, "status": "in_progress"}, 0.0)
    action = w.step(0.001, generation=None)
    assert isinstance(action, Sleep) and 0 < action.seconds <= 0.02
    w.on_item({"item_id": 1, "status": "completed"}, 0.3)
    assert w.step(0.3, generation=None) == Fetch(2)
    w.on_item({"item_id": 2, "status": "pending"}, 0.3)
    assert w.step(1.0, generation=None) == Expired(2, "pending")


def test_waiter_rechecks_after_queue_cleared() -> None:
    w = Waiter([1], now=0.0, timeout=None, generation=1)
    assert w.step(0.0, generation=1, resets=0) == Read(SAFETY_POLL)
    assert w.step(0.1, generation=1, resets=1) == Fetch(1)


def test_waiter_progress_events_name_workflow_nodes() -> None:
    w = Waiter([3], now=0.0, timeout=None, generation=1)
    data = {
        "queue_id": "q",
        "item_id": 3,
        "invocation_source_id": "blur",
        "invocation": {"type": "img_blur", "id": "prep-1"},
        "message": "Saving image",
        "percentage": 0.5,
    }
    (event,) = w.on_events([SocketEvent("invocation_progress", data)])
    assert (event.kind, event.node_id, event.node_type, event.percentage) == (
        "progress",
        "blur",
        "img_blur",
        0.5,
    )


def events_of(item: dict[str, Any]) -> list[SocketEvent]:
    """The events a run of ``item`` emits: invocation_complete per prepared node in execution
    order, then the completed status (fields as the server sends them)."""
    session = item["session"]
    exec_nodes = session["execution_graph"]["nodes"]
    out = []
    for source in session["executed_history"]:
        for prepared in session["source_prepared_mapping"][source]:
            data = {
                "queue_id": "default",
                "item_id": item["item_id"],
                "user_id": "system",
                "invocation": exec_nodes[prepared],
                "invocation_source_id": source,
                "result": session["results"][prepared],
            }
            out.append(SocketEvent("invocation_complete", data))
    status = {k: v for k, v in item.items() if k not in ("session", "field_values")}
    out.append(SocketEvent("queue_item_status_changed", {**status, "batch_status": {}}))
    return out


def test_waiter_builds_a_completed_result_from_events() -> None:
    item = capture("queue_item_completed.json")
    nodes = event_nodes(item["session"]["graph"])
    assert nodes == frozenset({"blank", "blur", "save"})
    w = Waiter([1], now=0.0, timeout=None, generation=1, expected={1: nodes})
    assert w.step(0.0, generation=1) == Read(SAFETY_POLL)
    progress = w.on_events(events_of(item))
    assert [e.kind for e in progress] == ["complete"] * 3 + ["status"]
    assert w.step(0.1, generation=1) == Done()  # no fetch of the item
    assert w.from_events == {1}
    built = build_result(w.finals()[1], None, None, complete=False)
    full = build_result(item, None, None)
    assert built.images == full.images and built.images
    assert (built.status, built.duration, built.batch_id) == (
        "completed",
        full.duration,
        full.batch_id,
    )
    assert built["session_id"] == item["session_id"]
    with pytest.raises(RuntimeError):
        built.queue_item  # no client to fetch it from


def test_waiter_fetches_when_events_may_be_incomplete() -> None:
    item = capture("queue_item_completed.json")
    nodes = event_nodes(item["session"]["graph"])
    events = events_of(item)

    def outcome(*, skip: int | None = None, lost: bool = False, new_session: bool = False) -> Any:
        w = Waiter([1], now=0.0, timeout=None, generation=1, expected={1: nodes})
        w.step(0.0, generation=1)
        if new_session:
            assert w.step(0.0, generation=2) == Fetch(1)
            w.on_item({"item_id": 1, "status": "in_progress"}, 0.0)
        if lost:
            w.on_lost([1])
        w.on_events([e for i, e in enumerate(events) if i != skip])
        return w.step(0.1, generation=2 if new_session else 1)

    assert outcome() == Done()
    assert outcome(skip=1) == Fetch(1)  # a node never reported
    assert outcome(lost=True) == Fetch(1)  # the hub dropped some of its events
    assert outcome(new_session=True) == Fetch(1)  # events of the old session may be missing
    redacted = [
        SocketEvent(e.name, {**e.data, "user_id": "redacted"}) if e.name.startswith("queue") else e
        for e in events
    ]
    w = Waiter([1], now=0.0, timeout=None, generation=1, expected={1: nodes})
    w.on_events(redacted)
    assert w.step(0.1, generation=1) == Fetch(1)
    w = Waiter([1], now=0.0, timeout=None, generation=None, expected={1: nodes})
    w.on_events(events)  # not subscribed before the enqueue: results come from the item
    assert w.step(0.1, generation=1) == Fetch(1)
    failed = [
        SocketEvent(e.name, {**e.data, "status": "failed"}) if e.name.startswith("queue") else e
        for e in events
    ]
    w = Waiter([1], now=0.0, timeout=None, generation=1, expected={1: nodes})
    w.on_events(failed)
    assert w.step(0.1, generation=1) == Fetch(1)


def test_event_nodes_refuses_iterations() -> None:
    item = capture("queue_item_completed_iterate_collect_images.json")
    assert event_nodes(item["session"]["graph"]) is None
    assert event_nodes({"nodes": {}}) is None


def test_hub_drops_progress_before_outputs_and_remembers_losses() -> None:
    hub = EventHub("q", max_events=3)
    done = SocketEvent("invocation_complete", {"queue_id": "q", "item_id": 1})
    step = SocketEvent("invocation_progress", {"queue_id": "q", "item_id": 1})
    hub.feed([done, step, step, step, done])
    assert [e.name for e in hub.take([1])] == [
        "invocation_complete",
        "invocation_progress",
        "invocation_complete",
    ]
    assert hub.take_lost([1]) == set()
    hub.feed([done] * 4)
    assert len(hub.take([1])) == 3 and hub.take_lost([1]) == {1} and hub.take_lost([1]) == set()


# --- batch planning ----------------------------------------------------------------------------


def graph_with(width: Any, radius: Any, board: Any = None) -> dict[str, Any]:
    save: dict[str, Any] = {"id": "save", "type": "save_image"}
    if board is not None:
        save["board"] = board
    return {
        "id": "g",
        "nodes": {
            "blank": {"id": "blank", "type": "blank_image", "width": width},
            "blur": {"id": "blur", "type": "img_blur", "radius": radius},
            "save": save,
        },
        "edges": [],
    }


def fake_build(values: Any) -> Any:
    graph = graph_with(values.get(0, 8), values.get(1, 1.0), values.get(2))
    return {"name": "w"}, graph, []


def test_plan_zips_valid_differing_values_into_one_batch(schema: SchemaIndex) -> None:
    plans = _batch.plan_batches(
        [{0: 16, 1: 1.0}, {0: 32, 1: 2.5}, {0: 48, 1: 2.5}], fake_build, schema
    )
    assert len(plans) == 1
    (plan,) = plans
    assert plan.runs == 1 and plan.members == [0, 1, 2]
    (datum_list,) = plan.data
    assert {(d["node_path"], d["field_name"]): d["items"] for d in datum_list} == {
        ("blank", "width"): [16, 32, 48],
        ("blur", "radius"): [1.0, 2.5, 2.5],
    }
    # items are matched back by position, and checked against the server's field_values
    fv = [
        {"node_path": "blank", "field_name": "width", "value": 48},
        {"node_path": "blur", "field_name": "radius", "value": 2.5},
    ]
    assert plan.member_of(0, fv) == 2
    assert plan.member_of(1, None) == 1


def test_plan_never_puts_a_doubtful_value_into_batch_data(schema: SchemaIndex) -> None:
    # radius -5 breaks the schema's minimum: the server would accept it in data unchecked
    # and the queue item could never be read again. It gets its own batch instead.
    plans = _batch.plan_batches([{1: 1.0}, {1: -5}, {1: 2.0}], fake_build, schema)
    assert [p.members for p in plans] == [[0, 2], [1]]
    assert plans[1].graph["nodes"]["blur"]["radius"] == -5 and plans[1].data == []
    # a dict value (a board) cannot be batch data at all
    boards = _batch.plan_batches(
        [{2: {"board_id": "a"}}, {2: {"board_id": "b"}}], fake_build, schema
    )
    assert [p.members for p in boards] == [[0], [1]]


def test_plan_identical_value_sets_use_runs(schema: SchemaIndex) -> None:
    (plan,) = _batch.plan_batches([{0: 8}, {0: 8}, {0: 8}], fake_build, schema)
    assert plan.runs == 3 and plan.data == [] and plan.member_of(2, None) == 2


def test_plan_with_the_workflows_own_batch_nodes(schema: SchemaIndex) -> None:
    own = [[{"node_path": "blur", "field_name": "radius", "items": [1, 2, 3]}]]

    def build(values: Any) -> Any:
        return {}, graph_with(values[0], 1.0), own

    (plan,) = _batch.plan_batches([{0: 16}, {0: 32}], build, schema)
    assert plan.per_member == 3 and plan.data[1:] == own
    assert [plan.member_of(k, None) for k in range(6)] == [0, 0, 0, 1, 1, 1]


def test_certainly_valid(schema: SchemaIndex) -> None:
    blur = schema.node("img_blur")
    assert blur is not None
    props = blur.raw["properties"]
    assert _batch.certainly_valid(schema, props["radius"], 3)
    assert not _batch.certainly_valid(schema, props["radius"], -1)
    assert not _batch.certainly_valid(schema, props["radius"], True)
    assert _batch.certainly_valid(schema, props["blur_type"], "box")
    assert not _batch.certainly_valid(schema, props["blur_type"], "boxy")
    assert _batch.certainly_valid(schema, props["image"], {"image_name": "x.png"})
    assert not _batch.certainly_valid(schema, props["image"], {"name": "x.png"})


def test_uploads_are_found_once_and_replaced() -> None:
    a, b = pathlib.Path("a.png"), pathlib.Path("b.png")
    assert _batch.local_paths([{0: a, 1: [a, b]}, {0: b}]) == [a, b]
    assert _batch.resolve_uploads({0: a, 1: [b], 2: 5}, {a: "A", b: "B"}) == {
        0: {"image_name": "A"},
        1: [{"image_name": "B"}],
        2: 5,
    }


# --- 422 -> Form inputs ------------------------------------------------------------------------


def test_enqueue_422_maps_to_form_input() -> None:
    body = json.dumps(capture("enqueue_negative_radius.json")["body"])

    def locate(node_id: str, field: str | None) -> tuple[int | None, str | None]:
        return (2, "blur_radius") if (node_id, field) == ("blur", "radius") else (None, None)

    err = queue.enqueue_problems(body, locate)
    assert isinstance(err, EnqueueValidationError)
    (problem,) = err.problems
    assert (problem.node_id, problem.field, problem.input_index, problem.attribute) == (
        "blur",
        "radius",
        2,
        "blur_radius",
    )
    assert "attribute 'blur_radius'" in str(err) and "greater than or equal to 0" in str(err)
    edge = queue.enqueue_problems(json.dumps(capture("enqueue_bad_edge.json")["body"]), locate)
    assert edge is not None and "Edge source and target types do not match" in str(edge)


def test_attached_workflow_is_what_the_server_accepts() -> None:
    wf = attachable_workflow(
        {
            "id": "x",
            "name": "n",
            "nodes": [
                {"id": "a", "type": "invocation", "data": {}, "position": {}, "selected": True}
            ],
            "edges": [],
        }
    )
    assert "id" not in wf and wf["nodes"] == [
        {"id": "a", "type": "invocation", "data": {}, "position": {}}
    ]
    assert wf["author"] == "" and wf["meta"]["category"] == "user"


def test_retry_policy() -> None:
    get = app.version_call()
    post = queue.enqueue_call("default", {}, data=None, workflow=None)
    assert call.retry_delay(get, 0, None) is not None
    assert call.retry_delay(get, 0, 503) is not None
    assert call.retry_delay(get, 0, 404) is None
    assert call.retry_delay(get, 0, None, timed_out=True) is None
    assert call.retry_delay(get, len(call.RETRY_DELAYS), 503) is None
    assert call.retry_delay(post, 0, None) is None and call.retry_delay(post, 0, 503) is None


def test_path_segments_cannot_escape() -> None:
    assert (
        images.image_call("../../etc/passwd", full_resolution=True).path
        == "/api/v1/images/i/..%2F..%2Fetc%2Fpasswd/full"
    )
    assert images.image_call("..", full_resolution=False).path == "/api/v1/images/i/%2E%2E/thumbnail"


# --- output mapping ----------------------------------------------------------------------------


def test_iterate_collect_images_in_iteration_order() -> None:
    item = capture("queue_item_completed_iterate_collect_images.json")
    images = output_images(item, {"save": (4, "board")}, None)
    save = [i for i in images if i.node_id == "save"]
    assert [i.width for i in save] == [16, 32, 48]
    assert all(i.input_index == 4 and i.attribute == "board" for i in save)
    assert all(i.board_id == "31547ad0-9519-4747-a2de-a75e33be6cbb" for i in save)
    assert len({i.image_name for i in images}) == len(images)  # collect adds no duplicates


def test_run_result_reads_like_a_dict() -> None:
    item = capture("queue_item_completed_batch_data.json")
    sub = Submission(["b"], [4], {4: 1}, [{0: 8}, {0: 16}], plans=[])
    result = build_result(item, sub, None)
    assert result["status"] == result.get("status") == "completed"
    assert result.get("session")["id"] == item["session"]["id"]  # raw queue item fallthrough
    assert result.get("nope", 1) == 1 and "status" in result and dict(result)["item_id"] == 4
    assert result.duration == pytest.approx(0.478)
    assert result.values == {0: 16}
    assert [i.node_id for i in result.images] == ["blank", "save"]


# --- files -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad",
    ["", ".", "..", "a/..", "x\x00.png", "x\n.png", ".hidden", "c:evil.png",
     # a path part: "a/x.png" and "b/x.png" would both land on x.png
     "../../etc/passwd", "a/x.png", "a\\b\\c.png"],
)  # fmt: skip
def test_safe_filename_refuses(bad: str) -> None:
    with pytest.raises(ValueError, match="image name"):
        safe_filename(bad)


def test_writes_atomically_and_leaves_no_temp_file(tmp_path: pathlib.Path) -> None:
    path = atomic_write(tmp_path / "out", "x.png", b"data")
    assert path == tmp_path / "out" / "x.png" and path.read_bytes() == b"data"
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["x.png"]  # no temp files left


def test_a_thumbnail_is_saved_under_a_name_of_its_own() -> None:
    assert thumbnail_name("abc.png") == "abc.thumbnail.webp"
    assert thumbnail_name("abc") == "abc.thumbnail.webp"


def test_temp_files_of_an_interrupted_write_are_swept(tmp_path: pathlib.Path) -> None:
    import os
    import time

    stale = tmp_path / ".ivk-crashed.part"
    fresh = tmp_path / ".ivk-writing-now.part"
    theirs = tmp_path / ".someone-elses.part"
    for p in (stale, fresh, theirs):
        p.write_bytes(b"half")
    old = time.time() - 2 * 3600
    os.utime(stale, (old, old))
    os.utime(theirs, (old, old))
    atomic_write(tmp_path, "y.png", b"data")
    assert not stale.exists()  # ours, and too old to be a write in progress
    assert fresh.exists() and theirs.exists()


def test_json_copy_is_deep_for_dicts_and_lists() -> None:
    from ivk_runtime.workflow.jsoncopy import json_copy

    original: dict[str, Any] = {"a": [1, {"b": [2, 3]}], "c": "s", "d": None}
    copied = json_copy(original)
    assert copied == original and copied is not original
    copied["a"][1]["b"].append(4)
    copied["a"].append(5)
    assert original == {"a": [1, {"b": [2, 3]}], "c": "s", "d": None}


def test_an_outage_is_ridden_out_within_the_wait_and_then_raised() -> None:
    from ivk_runtime.errors import ServerUnreachable
    from ivk_runtime.events.waiter import OUTAGE_PAUSES

    w = Waiter([1], now=0.0, timeout=5.0)
    down = ServerUnreachable("http://x", "refused")
    pauses = [w.on_outage(down, 0.0), w.on_outage(down, 0.2), w.on_outage(down, 0.7)]
    assert pauses == list(OUTAGE_PAUSES[:3])
    w.on_item({"item_id": 1, "status": "in_progress"}, 1.0)  # back: the back-off starts over
    assert w.on_outage(down, 1.0) == OUTAGE_PAUSES[0]
    with pytest.raises(ServerUnreachable):
        w.on_outage(down, 4.9)  # the next pause would pass the wait's deadline


def test_with_no_timeout_an_outage_is_ridden_out_for_max_outage() -> None:
    from ivk_runtime.errors import ServerUnreachable
    from ivk_runtime.events.waiter import MAX_OUTAGE

    w = Waiter([1], now=0.0, timeout=None)
    down = ServerUnreachable("http://x", "refused")
    assert w.on_outage(down, 0.0) > 0
    assert w.on_outage(down, MAX_OUTAGE - 10) > 0
    with pytest.raises(ServerUnreachable):
        w.on_outage(down, MAX_OUTAGE)


def test_load_problems_name_missing_types_duplicate_ids_and_dropped_edges(schema: SchemaIndex) -> None:
    import sys

    from ivk_runtime.graph.checks import load_problems
    from ivk_runtime.graph.templates import templates_for

    from wfbuild import blur_chain

    wf = blur_chain()
    data = dict(wf.data)
    nodes = [dict(n) for n in data["nodes"]]
    nodes[1] = {**nodes[1], "data": {**nodes[1]["data"], "type": "my_pack_blur"}}  # uninstalled
    nodes.append(dict(nodes[0]))  # the canvas node again, same id
    data["nodes"] = nodes
    data["edges"] = [*data["edges"], {"id": "e-x", "type": "default", "source": "ghost",
                                      "sourceHandle": "image", "target": "save", "targetHandle": "image"}]  # fmt: skip
    sys.path.insert(0, str(pathlib.Path(__file__).parent))
    problems = load_problems(data, templates_for(schema))
    kinds = [(p.kind, p.node_id) for p in problems]
    assert ("missing-type", "blur") in kinds and ("duplicate-id", "blank") in kinds
    assert any(p.kind == "dropped-edge" and "ghost.image -> save.image" in p.message for p in problems)
    assert load_problems(wf.data, templates_for(schema)) == []


def test_drift_lets_a_field_take_more_kinds_but_not_fewer(schema: SchemaIndex) -> None:
    from ivk_runtime.graph.drift import Expectation, drift, field_signature

    assert field_signature(schema, "img_blur", "radius") == "number"
    assert field_signature(schema, "img_blur", "image") == "ref:ImageField"  # null left out
    assert field_signature(schema, "img_blur", "nope") == ""
    version = schema.node("img_blur").version  # type: ignore[union-attr]

    def check(signature: str, node_version: str = "0.0.1", field: str = "radius") -> tuple[list[str], list[str]]:
        return drift([Expectation("r", "img_blur", node_version, field, signature)], schema)

    assert check("number") == ([], [f"node img_blur is {version} on the server, 0.0.1 when the module was generated; its inputs' types are unchanged"])
    assert check("integer")[0] == []  # an int still fits a number
    errors, _ = check("string")
    assert errors and "took string, now number" in errors[0]
    assert check("string", node_version=version or "") == ([], [])  # same version: same node
    errors, _ = check("number", field="blur_radius")
    assert errors == ["attribute 'r': the server's img_blur has no field 'blur_radius' (node img_blur 0.0.1 -> " + f"{version})"]


def test_an_error_names_every_batch_it_is_told_of() -> None:
    from ivk_runtime.errors import ServerUnreachable

    err = ServerUnreachable("http://x", "down").on_queue(["b3"], [])
    err.on_queue(["b1", "b2", "b3"], [4, 1, 2])
    assert err.batch_ids == ("b3", "b1", "b2") and err.item_ids == (1, 2, 4)


def test_a_wait_past_its_deadline_still_looks_at_an_item_never_looked_at() -> None:
    w = Waiter([1], now=0.0, timeout=0.5)
    assert w.step(0.6, generation=3) == Fetch(1)  # it may long be done
    w.on_item({"item_id": 1, "status": "pending"}, 0.6)
    assert w.step(0.6, generation=3) == Expired(1, "pending")


def test_an_unreachable_servers_reason_ending_in_a_period_reads_once() -> None:
    """httpx reasons often end in "."; the message said "response.. Check"."""
    from ivk_runtime.errors import ServerUnreachable

    message = str(ServerUnreachable("http://x", "Server disconnected without sending a response."))
    assert ".." not in message and "response. Check that it runs" in message
