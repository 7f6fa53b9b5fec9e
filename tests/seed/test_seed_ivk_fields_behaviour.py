"""What the ``ivk_fields`` classes do beyond their JSON: validation errors, the collection
helpers, parts kept in step with ``value``, and the places where 1.1.1 did otherwise."""

from __future__ import annotations

import asyncio
import dataclasses
import pathlib
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from ivk_runtime.seed.ivk_fields import (
    IvkBoardField,
    IvkCollectionField,
    IvkColorField,
    IvkDenoiseMaskField,
    IvkEnumField,
    IvkField,
    IvkFluxFillConditioningField,
    IvkFluxKontextConditioningField,
    IvkFluxReduxConditioningField,
    IvkImageField,
    IvkLiteralField,
    IvkLoRAField,
    IvkModelIdentifierField,
    IvkSchedulerField,
    IvkStringField,
    IvkUNetField,
)
from ivk_runtime.seed.ivk_fields.base import PydanticFieldMixin
from ivk_runtime.seed.ivk_fields.model_conversion import (
    ModelLike,
    from_ivk_model_field,
    is_model_compatible,
    to_ivk_model_field,
)
from ivk_runtime.seed.ivk_fields.models import BaseDnnModelType, DnnModelType


def test_string_pattern_is_checked() -> None:
    # 1.1.1 declared ``pattern`` and never checked it.
    f = IvkStringField(pattern=r"^\d+$", value="12")
    with pytest.raises(ValidationError, match="does not match"):
        f.value = "12a"
    assert f.value == "12"


def test_choices_and_literals_hold_at_construction_too() -> None:
    with pytest.raises(ValidationError):
        IvkEnumField(choices=["a", "b"], value="z")  # 1.1.1 took it: choices came after value
    with pytest.raises(ValidationError):
        IvkLiteralField(literals=["x"], value="y")
    e = IvkEnumField(choices=["a", "b"], value="a")
    e.add_choice("c")
    e.remove_choice("a")
    assert (e.value, e.get_choices()) == (None, ["b", "c"])
    e.value = "c"
    with pytest.raises(ValidationError):
        e.value = "a"


def test_scheduler_choices_are_the_fields_own() -> None:
    s = IvkSchedulerField.from_api_format({"value": "lcm", "choices": ["lcm", "tcd"]})
    assert s.get_choices() == ["lcm", "tcd"] and s.to_api_format()["choices"] == ["lcm", "tcd"]
    assert "er_sde" in IvkSchedulerField().get_choices()  # 6.14's scheduler, not in 1.1.1's list


def test_colour_components_and_hex() -> None:
    c = IvkColorField.from_api_format({"r": 1, "g": 2, "b": 3})
    assert c.to_rgba() == (1, 2, 3, 255)
    c.set_hex("0A0B0C80")
    assert (c.to_hex(), c.to_hex(include_alpha=True)) == ("#0A0B0C", "#0A0B0C80")
    with pytest.raises(ValueError):
        c.set_hex("#12345")
    with pytest.raises(ValidationError):
        c.a = -1
    assert c.a == 0x80


def test_collection_helpers_keep_the_bounds() -> None:
    c: IvkCollectionField[int] = IvkCollectionField(min_length=1, max_length=3)
    assert len(c) == 0 and c.value == []
    c.append(1)
    c.extend([2, 3])
    assert list(c) == [1, 2, 3] and c[1] == 2 and len(c) == 3
    with pytest.raises(ValueError):
        c.append(4)
    c[0] = 9
    c.remove(9)
    assert c.value == [2, 3]
    with pytest.raises(ValueError):
        c.remove(7)  # not there
    c.remove(2)
    with pytest.raises(ValueError):
        c.remove(3)  # would go below min_length
    with pytest.raises(ValueError):
        c.clear()
    assert c.validate_field()


def test_collection_extend_is_all_or_nothing() -> None:
    c: IvkCollectionField[int] = IvkCollectionField(value=[1], max_length=2)
    with pytest.raises(ValueError):
        c.extend([2, 3])
    assert c.value == [1]  # 1.1.1 kept the 2 it appended before refusing the 3


def test_collection_item_types() -> None:
    typed = IvkCollectionField[int](value=[1, 2])
    with pytest.raises(ValidationError):
        typed.value = ["x"]  # type: ignore[list-item]
    checked: IvkCollectionField[Any] = IvkCollectionField(item_type=str)
    with pytest.raises(TypeError):
        checked.append(3)
    with pytest.raises(ValidationError):
        checked.value = [3]
    checked.append("a")
    with pytest.raises(TypeError):
        checked[0] = 4


def test_a_collection_without_a_saved_list_sends_nothing() -> None:
    c: IvkCollectionField[int] = IvkCollectionField(value=None)
    assert c.to_json_value() is None and len(c) == 0
    c.append(5)
    assert c.to_json_value() == [5]


def test_denoise_mask_parts_and_value_stay_in_step() -> None:
    m = IvkDenoiseMaskField()
    assert m.value is None
    m.mask_name = "mask-uuid"  # 1.1.1: value stayed None, the mask never reached the node
    assert m.to_api_format() == {
        "value": {"mask_name": "mask-uuid", "gradient": False},
        "type": "denoise_mask",
    }
    m.gradient = True
    m.masked_latents_name = "ml"
    assert m.value == {"mask_name": "mask-uuid", "gradient": True, "masked_latents_name": "ml"}
    m.value = {"mask_name": "other"}
    assert (m.mask_name, m.masked_latents_name, m.gradient) == ("other", None, False)
    m.value = None
    assert m.mask_name is None
    both = IvkDenoiseMaskField(value={"mask_name": "a", "gradient": True}, mask_name="b")
    assert both.value == {"mask_name": "b", "gradient": True}  # a part given wins, value follows


def test_flux_conditioning_parts() -> None:
    r = IvkFluxReduxConditioningField(conditioning={"tensor_name": "c"})
    r.mask = "m"
    assert r.value == {"conditioning": {"tensor_name": "c"}, "mask": {"tensor_name": "m"}}
    f = IvkFluxFillConditioningField(image="i.png")
    assert f.value is None
    f.mask = "m"
    assert f.value == {"image": {"image_name": "i.png"}, "mask": {"tensor_name": "m"}}
    k = IvkFluxKontextConditioningField(value={"image": {"image_name": "r.png"}})
    assert k.image == "r.png"
    k.image = "s.png"
    assert k.to_json_value() == {"image": {"image_name": "s.png"}}


def test_board_auto_and_none_are_not_board_ids() -> None:
    # 1.1.1 sent {"board_id": "auto"}: a board that does not exist.
    assert IvkBoardField(value="auto").to_api_format() == {"value": "auto", "type": "board"}
    assert IvkBoardField(value="none").to_json_value() == "none"
    assert IvkBoardField.from_api_format({"value": "none"}).value == "none"
    assert IvkBoardField(value="b1").to_api_format()["value"] == {"board_id": "b1"}


def test_model_identifier_keeps_a_base_it_does_not_know() -> None:
    m = IvkModelIdentifierField(key="k", base="sdxl", type="vae")
    assert m.base is BaseDnnModelType.StableDiffusionXL and m.type is DnnModelType.VAE
    new = IvkModelIdentifierField(key="k", base="flux9", type="some_encoder")
    assert new.to_api_format()["base"] == "flux9"  # 1.1.1 sent "any" and "main"
    assert new.to_api_format()["type"] == "some_encoder"
    wrapped = IvkModelIdentifierField.from_api_format({"value": {"key": "w", "base": "flux"}})
    assert (wrapped.key, wrapped.base) == ("w", "flux")


def test_model_fields_take_field_objects() -> None:
    ident = IvkModelIdentifierField(key="u", hash="h", name="n", base="sdxl", submodel_type="unet")
    lora = IvkLoRAField(lora_model=IvkModelIdentifierField(key="l", type="lora"), weight=0.5)
    unet = IvkUNetField(unet_model=ident, scheduler=ident, loras=[lora])
    api = unet.to_api_format()
    assert api["unet"]["key"] == "u" and api["loras"] == [lora.to_api_format()]
    assert api["loras"][0]["lora"]["type"] == "lora"


@dataclasses.dataclass
class _Record:
    key: str = "k"
    hash: str = "blake3:x"
    name: str = "vae"
    base: BaseDnnModelType = BaseDnnModelType.Flux
    type: DnnModelType = DnnModelType.VAE


def test_model_conversion() -> None:
    rec = _Record()
    assert isinstance(rec, ModelLike)
    field = to_ivk_model_field(rec)
    assert field.to_api_format() == {
        "key": "k", "hash": "blake3:x", "name": "vae", "base": "flux", "type": "vae", "submodel_type": None
    }  # fmt: skip
    assert from_ivk_model_field(field) == {
        "key": "k",
        "hash": "blake3:x",
        "name": "vae",
        "base": "flux",
        "type": "vae",
    }
    assert is_model_compatible(rec, "flux") and is_model_compatible(rec, "flux", "vae")
    assert not is_model_compatible(rec, "flux", "main") and not is_model_compatible(rec, "sdxl")


class IvkPercentField(BaseModel, PydanticFieldMixin, IvkField[float]):
    """A user's field, declared as 1.1.1's extension guide shows."""

    value: float | None = None

    def validate_field(self) -> bool:
        return True

    def to_api_format(self) -> dict[str, Any]:
        return {"value": self.value}

    @classmethod
    def from_api_format(cls, data: dict[str, Any]) -> IvkPercentField:
        return cls(value=data.get("value"))


def test_a_user_field_in_the_documented_form_works() -> None:
    p = IvkPercentField(value=0.5)
    assert IvkPercentField.from_api_format(p.to_api_format()).value == 0.5
    assert p.to_json_dict() == {"value": 0.5}
    assert IvkPercentField.from_json_dict({"value": 0.25}).value == 0.25
    assert p.to_json_value() == 0.5  # what the workflow handle sends, from to_api_format


def test_json_dict_round_trip_keeps_every_attribute() -> None:
    f = IvkStringField(value="abc", max_length=5, pattern="^a")
    again = IvkStringField.from_json_dict(f.to_json_dict())
    assert again == f
    with pytest.raises(ValidationError):
        IvkStringField.from_json_dict({"value": "x", "label": "typo"})  # extras refused


def test_a_local_image_has_no_api_form_and_uploads_check_the_file(tmp_path: pathlib.Path) -> None:
    f = IvkImageField(value=tmp_path / "missing.png")
    assert f.to_json_value() == tmp_path / "missing.png"  # the core uploads it on submit
    with pytest.raises(ValueError, match="local file"):
        f.to_api_format()
    with pytest.raises(FileNotFoundError):
        asyncio.run(f.upload(object()))
    with pytest.raises(ValueError):
        asyncio.run(IvkImageField().upload(object()))
    with pytest.raises(ValueError):
        asyncio.run(IvkImageField().download(object()))


def test_base_methods_are_left_to_subclasses() -> None:
    class Bare(IvkField[str]):
        pass

    for call in (Bare().validate_field, Bare().to_api_format, Bare().to_json_value):
        with pytest.raises(NotImplementedError):
            call()
    with pytest.raises(NotImplementedError):
        Bare.from_api_format({})
