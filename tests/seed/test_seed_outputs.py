"""map_outputs: output nodes -> image names, with the seed's evidence tiers, on captured items."""

from __future__ import annotations

import copy

from seed_fakes import load

from ivk_runtime.seed.results import QueueItem, map_outputs


def test_iterated_save_gives_every_image_in_iteration_order() -> None:
    item = load("queue_item_completed_iterate_collect_images.json")
    [m] = map_outputs(item, [("save", "save_image", 3, "Board")])
    assert m["tier"] == "results"
    assert m["board_id"] == "31547ad0-9519-4747-a2de-a75e33be6cbb"
    assert m["image_names"] == [
        "7f9fa695-5cbc-4c1b-9bd8-69ed3c3f7b6a.png",
        "af9388fd-cd2f-428c-8a6c-c7edbcfe7ea1.png",
        "728df487-01a1-4299-9dfc-2b4e0c90691c.png",
    ]


def test_no_board_in_the_graph_means_uncategorized_and_a_queue_item_works_as_input() -> None:
    item = QueueItem(load("queue_item_completed_iterate_collect_images.json"))
    [m] = map_outputs(item, [("blank", "blank_image", 0, "")])
    assert m["board_id"] == "none" and len(m["image_names"]) == 3


def test_legacy_outputs_list_is_the_second_tier() -> None:
    item = {"status": "completed", "outputs": [{"node_id": "n1", "image": {"image_name": "x.png"}}]}
    [m] = map_outputs(item, [("n1", "save_image", 0, "b")])
    assert (m["tier"], m["image_names"], m["node_type"]) == ("legacy", ["x.png"], "save_image")


def test_traversal_finds_images_downstream_when_the_node_has_none() -> None:
    item = copy.deepcopy(load("queue_item_completed.json"))
    session = item["session"]
    blur_prepared = session["source_prepared_mapping"]["blur"][0]
    del session["results"][blur_prepared]  # nothing direct for "blur"
    [m] = map_outputs(item, [("blur", "img_blur", 1, "")])
    assert m["tier"] == "traversal"
    assert m["image_names"] == ["b43401fd-295d-4e0b-acd5-7f1b5a693427.png"]  # the save node's


def test_nothing_found_is_tier_none() -> None:
    [m] = map_outputs(load("queue_item_failed_div0.json"), [("save", "save_image", 0, "")])
    assert (m["tier"], m["image_names"], m["board_id"]) == ("none", [], "none")
