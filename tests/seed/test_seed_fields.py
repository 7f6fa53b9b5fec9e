"""The Ivk*Field classes: values validate when assigned, and turn into node-field JSON."""

from __future__ import annotations

import pathlib

import pytest
from pydantic import ValidationError

from ivk_runtime.seed import (
    SCHEDULER_NAMES,
    IvkBoardField,
    IvkBooleanField,
    IvkCollectionField,
    IvkColorField,
    IvkEnumField,
    IvkFloatField,
    IvkImage,
    IvkImageField,
    IvkIntegerField,
    IvkModelIdentifierField,
    IvkSchedulerField,
    IvkStringField,
    SchedulerName,
)


def test_integer_bounds_checked_on_assignment_and_failed_assignment_keeps_old_value() -> None:
    f = IvkIntegerField(value=10, minimum=0, maximum=100, multiple_of=2)
    f.value = 42
    for bad in (101, -1, 43):
        with pytest.raises(ValidationError):
            f.value = bad
        assert f.value == 42
    with pytest.raises(ValidationError):
        f.value = "7"  # type: ignore[assignment]
    with pytest.raises(ValidationError):
        f.value = True  # a bool is no integer here
    assert f.to_json_value() == 42


def test_bounds_are_checked_at_construction_too() -> None:
    # The seed's validator ran before the bounds were set, so this slipped through there.
    with pytest.raises(ValidationError):
        IvkIntegerField(value=5000, maximum=100)


def test_exclusive_bounds() -> None:
    f = IvkIntegerField(value=1, exclusive_minimum=0)
    with pytest.raises(ValidationError):
        f.value = 0
    g = IvkFloatField(value=0.5, exclusive_maximum=1)
    with pytest.raises(ValidationError):
        g.value = 1.0


def test_float_takes_int_not_str() -> None:
    f = IvkFloatField(value=0.5, minimum=0.0, maximum=1.0)
    f.value = 1
    assert f.value == 1.0
    with pytest.raises(ValidationError):
        f.value = "0.3"  # type: ignore[assignment]
    with pytest.raises(ValidationError):
        f.value = 1.5


def test_string_and_boolean() -> None:
    s = IvkStringField(value="a", max_length=3)
    with pytest.raises(ValidationError):
        s.value = "abcd"
    with pytest.raises(ValidationError):
        s.value = 3  # type: ignore[assignment]
    b = IvkBooleanField(value=False)
    b.value = True
    with pytest.raises(ValidationError):
        b.value = "yes"  # type: ignore[assignment]
    assert (s.to_json_value(), b.to_json_value()) == ("a", True)


def test_misspelt_attribute_raises() -> None:
    f = IvkStringField()
    with pytest.raises(ValidationError):
        f.valeu = "x"  # type: ignore[attr-defined]


def test_enum_and_scheduler() -> None:
    e = IvkEnumField(choices=["gaussian", "box"], value="box")
    with pytest.raises(ValidationError):
        e.value = "median"
    assert e.value == "box" and e.get_choices() == ["gaussian", "box"]
    s = IvkSchedulerField()
    assert s.choices == SCHEDULER_NAMES and "er_sde" in s.choices
    s.value = SchedulerName.DPMPP_3M_K  # an enum member is its value
    assert s.value == "dpmpp_3m_k" and s.to_json_value() == "dpmpp_3m_k"
    assert IvkSchedulerField.normalize_alias("Euler_Ancestral") == "euler_a"
    with pytest.raises(ValidationError):
        s.value = "euler_ancestral"


def test_image_field_takes_names_paths_and_uploaded_images() -> None:
    f = IvkImageField()
    assert f.to_json_value() is None
    f.value = "abc.png"
    assert f.to_json_value() == {"image_name": "abc.png"}
    f.value = IvkImage(image_name="up.png")  # type: ignore[assignment]
    assert f.value == "up.png"
    f.value = pathlib.Path("local.png")
    assert f.to_json_value() == pathlib.Path("local.png")  # the core uploads it
    assert IvkImageField(value={"image_name": "d.png"}).value == "d.png"
    with pytest.raises(ValidationError):
        f.value = 12  # type: ignore[assignment]


def test_board_field() -> None:
    assert IvkBoardField(value={"board_id": "b1"}).to_json_value() == {"board_id": "b1"}
    assert IvkBoardField(value="none").to_json_value() == "none"
    assert IvkBoardField(value="auto").to_json_value() == "auto"
    assert IvkBoardField().to_json_value() is None


def test_model_identifier_has_no_value_and_unset_sends_nothing() -> None:
    m = IvkModelIdentifierField()
    assert not hasattr(m, "value")
    assert m.to_json_value() is None
    m = IvkModelIdentifierField.from_api_format(
        {"key": "k", "hash": "h", "name": "n", "base": "sdxl", "type": "main", "extra": 1}
    )
    assert m.to_json_value() == {
        "key": "k",
        "hash": "h",
        "name": "n",
        "base": "sdxl",
        "type": "main",
    }
    m.name = "other"
    assert m.to_api_format()["name"] == "other"


def test_color_and_collection() -> None:
    c = IvkColorField()
    c.set_hex("#FF800080")
    assert c.to_rgba() == (255, 128, 0, 128)
    with pytest.raises(ValidationError):
        c.r = 256
    coll = IvkCollectionField(value=[1, 2], max_length=2)
    with pytest.raises(ValidationError):
        coll.value = [1, 2, 3]
    assert coll.value == [1, 2]
