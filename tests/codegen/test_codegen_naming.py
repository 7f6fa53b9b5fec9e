"""Python names from InvokeAI labels: snake_case folding, safety, uniqueness, renames, classes."""

from __future__ import annotations

import builtins
import json
import keyword
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codegen_support import OWN, run_cli
from ivk_codegen.naming import (
    MODULE_NAMES,
    RESERVED,
    NameRequest,
    assign_names,
    class_name,
    snake_case,
)
from ivk_codegen.pipeline import generate_source
from ivk_codegen.pysyntax import identifier
from ivk_codegen.schema_source import SchemaSource


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("CFG Scale (Low)", "cfg_scale_low"),
        ("Width", "width"),
        ("  --padded--  ", "padded"),
        ("Denoising Start (0-1)", "denoising_start_0_1"),
        # non-ASCII: transliterated as it reads (anyascii), symbols such as emoji left out
        ("Café au lait", "cafe_au_lait"),
        ("Größe", "grosse"),
        ("øl Łódź straße", "ol_lodz_strasse"),
        ("Æther", "aether"),
        ("Ｗｉｄｔｈ", "width"),  # full-width forms fold to ASCII
        ("重绘幅度", "zhong_hui_fu_du"),  # was "" and then the field name: value, value_2...
        ("宽度 prompt", "kuan_du_prompt"),
        ("Ширина", "shirina"),
        ("🙂 Smile ✨", "smile"),
        ("x\ud800y", "xy"),  # a lone surrogate (JSON allows it) is no letter
        # signs and plural acronyms, as the GUI shows them
        ("Creativity Control (-10 to 10)", "creativity_control_minus_10_to_10"),
        ("Offset −5", "offset_minus_5"),  # U+2212, the minus sign
        ("1-2", "1_2"),  # a range, not a sign
        ("LoRAs", "loras"),
        ("Concept LoRAs", "concept_loras"),
        ("VAEs and IDs", "vaes_and_ids"),
        ("HTTPSession", "http_session"),  # an acronym before a word still splits
        # camelCase and acronyms
        ("negativePrompt", "negative_prompt"),
        ("VAEModel", "vae_model"),
        ("HTTPServer", "http_server"),
        ("CLIPSkip", "clip_skip"),
        ("t5Encoder", "t5_encoder"),
        ("LoRA Weight", "lora_weight"),  # LoRA stays one word
        ("IP-Adapter", "ip_adapter"),
        ("FLUX.1 Dev", "flux_1_dev"),
    ],
)
def test_snake_case(label: str, expected: str) -> None:
    assert snake_case(label) == expected


def test_a_huge_label_makes_a_name_of_sane_length() -> None:
    from ivk_codegen.naming import MAX_NAME, class_name

    name = snake_case("blur radius " * 10_000)
    assert name.startswith("blur_radius_blur_radius") and len(name) <= MAX_NAME
    assert not name.endswith("_")
    assert len(snake_case("x" * 100_000)) == MAX_NAME
    assert len(class_name(["Big " * 50_000])) <= MAX_NAME + len("Workflow")


def test_a_node_label_ending_in_the_field_label_is_not_said_twice() -> None:
    names, _ = _names(("Prompt", "Positive Prompt"), ("Prompt", "Negative Prompt"))
    assert names == ["positive_prompt", "negative_prompt"]  # not positive_prompt_prompt


@given(st.text())
def test_snake_case_is_always_ascii_snake(text: str) -> None:
    name = snake_case(text)
    assert name == "" or re.fullmatch(r"[a-z0-9]+(_[a-z0-9]+)*", name), name
    assert snake_case(name) == name  # idempotent


def _names(*labels: str | tuple[str, str]) -> tuple[list[str], list[str]]:
    """Names for (field label, node label) pairs; renames as 'index:given'."""
    requests = [
        NameRequest(i, *((lb, "x", "") if isinstance(lb, str) else (lb[0], "x", lb[1])))
        for i, lb in enumerate(labels)
    ]
    names, renames = assign_names(requests)
    return names, [f"{r.index}:{r.given}" for r in renames]


@pytest.mark.parametrize(
    ("label", "name"),
    [
        ("class", "class_"), ("Lambda", "lambda_"), ("from", "from_"),  # keywords
        ("Type", "type_"), ("id", "id_"), ("format", "format_"), ("input", "input_"),  # builtins
        ("run", "run_"), ("Workflow", "workflow_"), ("to_values", "to_values_"),  # reserved
        ("model_config", "model_config_"), ("self", "self_"),
        ("2nd pass", "input_2nd_pass"), ("1", "input_1"),  # leading digits
    ],
)  # fmt: skip
def test_unsafe_names_are_changed_and_reported(label: str, name: str) -> None:
    names, renames = _names(label)
    assert names == [name]
    assert renames == [f"0:{name}"]


def test_empty_label_falls_back_to_the_field_name_then_input() -> None:
    names, _ = assign_names([NameRequest(0, "🙂", "seed", ""), NameRequest(1, "", "", "")])
    assert names == ["seed", "input_"]


def test_duplicates_take_their_node_label() -> None:
    names, renames = _names(("Value", "Width"), ("Value", "Height"), "Steps")
    assert names == ["width_value", "height_value", "steps"]
    assert renames == ["0:width_value", "1:height_value"]


def test_duplicates_without_node_labels_are_numbered_first_keeping_the_name() -> None:
    names, renames = _names("Value", "Value", "Value")
    assert names == ["value", "value_2", "value_3"]
    assert renames == ["1:value_2", "2:value_3"]


def test_duplicates_with_one_node_label_and_one_without() -> None:
    names, _ = _names(("Steps", "Refiner"), ("Steps", ""))
    assert names == ["refiner_steps", "steps"]


def test_same_node_label_still_collides_and_is_numbered() -> None:
    names, _ = _names(("Value", "Canvas"), ("Value", "Canvas"))
    assert names == ["canvas_value", "canvas_value_2"]


def test_numbering_skips_names_used_later() -> None:
    names, _ = _names("Value", "Value", "Value 2")
    assert len(set(names)) == 3
    assert names[0] == "value" and names[2] == "value_2"


labels = st.one_of(st.sampled_from(["Value", "value", "Steps", "class", "run", "2x", "", "日本", "Value 2"]),
                   st.text(max_size=12))  # fmt: skip
requests = st.lists(st.tuples(labels, st.sampled_from(["", "Canvas", "Width", "class", "9"])), max_size=12)


@settings(max_examples=200)
@given(requests)
def test_names_are_unique_safe_and_deterministic(reqs: list[tuple[str, str]]) -> None:
    request_objs = [NameRequest(i, label, "value", node) for i, (label, node) in enumerate(reqs)]
    names, renames = assign_names(request_objs)
    assert (names, renames) == assign_names(request_objs)
    assert len(names) == len(reqs) and len(set(names)) == len(names)
    for name in names:
        assert identifier(name) == name
        assert name not in RESERVED and not hasattr(builtins, name) and not keyword.iskeyword(name)
        assert not name.startswith("_")
    # a name that is not the label's own snake_case is reported, and only such a name
    changed = {i for i, (name, (label, _)) in enumerate(zip(names, reqs))
               if name != (snake_case(label) or "value")}  # fmt: skip
    assert {r.index for r in renames} == changed


@pytest.mark.parametrize(
    ("candidates", "expected"),
    [
        (["SDXL w/Refiner  Text to Image", "stem"], "SdxlWRefinerTextToImage"),
        (["", "blur_image"], "BlurImage"),
        (["🙂✨", "my-flow"], "MyFlow"),  # no letters: the file stem
        (["重绘幅度", "my-flow"], "ZhongHuiFuDu"),
        (["🙂", "✨"], "Workflow"),
        (["123 go"], "Workflow123Go"),
        (["None"], "NoneWorkflow"),
        (["print"], "Print"),  # capitalised: no longer the builtin
        (["Field"], "FieldWorkflow"),  # a name the module imports
        (["Literal"], "LiteralWorkflow"),
        (["Schema Object"], "SchemaObjectWorkflow"),  # the base the module imports for its objects
        (["Generated Workflow"], "GeneratedWorkflowWorkflow"),
    ],
)
def test_class_names(candidates: list[str], expected: str) -> None:
    assert class_name(candidates) == expected


@given(st.text(), st.text())
def test_class_name_is_always_a_safe_pascal_identifier(name: str, stem: str) -> None:
    cls = class_name([name, stem])
    assert identifier(cls) == cls
    assert cls[0].isupper()
    assert cls not in MODULE_NAMES and not hasattr(builtins, cls)


def test_renames_are_reported_on_stderr_and_the_names_used() -> None:
    result = run_cli([OWN / "fails_at_runtime.json"])
    assert result.code == 0
    renames = [ln for ln in result.err.splitlines() if "renamed:" in ln]
    assert renames == [
        "fails_at_runtime.json: renamed: input 0: 'Value' is named 'numerator_value' "
        "(duplicate label; node label added)",
        "fails_at_runtime.json: renamed: input 1: 'Value' is named 'denominator_value' "
        "(duplicate label; node label added)",
    ]
    assert "    numerator_value: " in result.out and "    denominator_value: " in result.out


def test_names_do_not_depend_on_anything_but_the_form(bundled_schema: SchemaSource) -> None:
    """Reordering the nodes (not the Form) changes no name."""
    raw = json.loads((OWN / "nested_form.json").read_text(encoding="utf-8"))
    first = generate_source(raw, "n.json", bundled_schema)
    raw["nodes"].reverse()
    second = generate_source(raw, "n.json", bundled_schema)
    assert [ln for ln in first.code.splitlines() if ln.startswith("    ") and ": " in ln][:20] == [
        ln for ln in second.code.splitlines() if ln.startswith("    ") and ": " in ln
    ][:20]
    assert first.messages == second.messages
