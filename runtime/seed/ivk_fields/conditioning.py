"""Conditioning fields of the model families: SD, FLUX (plain, Redux, Fill, Kontext), SD3,
CogView4. ``to_api_format()`` gives ``{"value": <the schema's *ConditioningField JSON>,
"type": ...}``; an empty field's value is None (the seed's ``from_api_format`` failed on it).
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import field_validator

from ._synced import SyncedValueModel, name_of
from .base import FieldModel, IvkField, PydanticFieldMixin
from .primitives import api_value

__all__ = [
    "IvkCogView4ConditioningField",
    "IvkConditioningField",
    "IvkFluxConditioningField",
    "IvkFluxFillConditioningField",
    "IvkFluxKontextConditioningField",
    "IvkFluxReduxConditioningField",
    "IvkSD3ConditioningField",
]


def _inner(data: dict[str, Any] | None) -> dict[str, Any]:
    inner = api_value(data)
    return inner if isinstance(inner, dict) else {}


def _tensor(name: str | None) -> dict[str, str] | None:
    return {"tensor_name": name} if name else None


def _tensor_name(v: object) -> str | None:
    name = name_of(v, "tensor_name")
    return name if isinstance(name, str) else None


class _MaskedConditioning(FieldModel, PydanticFieldMixin, IvkField[str]):
    """``value`` is the conditioning tensor's name, ``mask`` an optional mask tensor's name."""

    TYPE: ClassVar[str] = "conditioning"

    value: str | None = None
    name: str | None = None
    description: str | None = None
    mask: str | None = None

    @field_validator("mask", mode="before")
    @classmethod
    def _mask_name(cls, v: object) -> object:
        return name_of(v, "tensor_name")

    def validate_field(self) -> bool:
        return True

    def to_json_value(self) -> dict[str, Any] | None:
        if not self.value:
            return None  # a mask alone is no conditioning (``conditioning_name`` is required)
        out: dict[str, Any] = {"conditioning_name": self.value}
        if self.mask:
            out["mask"] = _tensor(self.mask)
        return out

    def to_api_format(self) -> dict[str, Any]:
        return {"value": self.to_json_value(), "type": self.TYPE}


class IvkConditioningField(_MaskedConditioning):
    """SD 1/2/XL conditioning (ConditioningField)."""

    @classmethod
    def from_api_format(cls, data: dict[str, Any]) -> IvkConditioningField:
        inner = _inner(data)
        return cls(value=inner.get("conditioning_name"), mask=_tensor_name(inner.get("mask")))


class IvkFluxConditioningField(_MaskedConditioning):
    """FLUX text conditioning (FluxConditioningField)."""

    TYPE: ClassVar[str] = "flux_conditioning"

    @classmethod
    def from_api_format(cls, data: dict[str, Any]) -> IvkFluxConditioningField:
        inner = _inner(data)
        return cls(value=inner.get("conditioning_name"), mask=_tensor_name(inner.get("mask")))


class _NamedConditioning(FieldModel, PydanticFieldMixin, IvkField[str]):
    TYPE: ClassVar[str] = ""

    value: str | None = None
    name: str | None = None
    description: str | None = None

    def validate_field(self) -> bool:
        return True

    def to_json_value(self) -> dict[str, Any] | None:
        return {"conditioning_name": self.value} if self.value else None

    def to_api_format(self) -> dict[str, Any]:
        return {"value": self.to_json_value(), "type": self.TYPE}


class IvkSD3ConditioningField(_NamedConditioning):
    """Stable Diffusion 3 conditioning (SD3ConditioningField)."""

    TYPE: ClassVar[str] = "sd3_conditioning"

    @classmethod
    def from_api_format(cls, data: dict[str, Any]) -> IvkSD3ConditioningField:
        return cls(value=_inner(data).get("conditioning_name"))


class IvkCogView4ConditioningField(_NamedConditioning):
    """CogView4 conditioning (CogView4ConditioningField)."""

    TYPE: ClassVar[str] = "cogview4_conditioning"

    @classmethod
    def from_api_format(cls, data: dict[str, Any]) -> IvkCogView4ConditioningField:
        return cls(value=_inner(data).get("conditioning_name"))


class _SyncedConditioning(SyncedValueModel, PydanticFieldMixin, IvkField[dict[str, Any]]):
    TYPE: ClassVar[str] = ""

    value: dict[str, Any] | None = None
    name: str | None = None
    description: str | None = None

    def validate_field(self) -> bool:
        return True

    def to_json_value(self) -> dict[str, Any] | None:
        return self.value

    def to_api_format(self) -> dict[str, Any]:
        return {"value": self.value, "type": self.TYPE}


class IvkFluxReduxConditioningField(_SyncedConditioning):
    """FLUX Redux: the ``conditioning`` tensor's name and an optional ``mask`` tensor's name;
    ``value`` is the FluxReduxConditioningField JSON (None until ``conditioning`` is set)."""

    TYPE: ClassVar[str] = "flux_redux_conditioning"
    PARTS: ClassVar[tuple[str, ...]] = ("conditioning", "mask")

    conditioning: str | None = None
    mask: str | None = None

    @field_validator("conditioning", "mask", mode="before")
    @classmethod
    def _tensor(cls, v: object) -> object:
        return name_of(v, "tensor_name")

    def compose(self) -> dict[str, Any] | None:
        if not self.conditioning:
            return None
        out: dict[str, Any] = {"conditioning": _tensor(self.conditioning)}
        if self.mask:
            out["mask"] = _tensor(self.mask)
        return out

    @classmethod
    def decompose(cls, value: dict[str, Any]) -> dict[str, Any]:
        return {
            "conditioning": _tensor_name(value.get("conditioning")),
            "mask": _tensor_name(value.get("mask")),
        }

    @classmethod
    def from_api_format(cls, data: dict[str, Any]) -> IvkFluxReduxConditioningField:
        return cls(value=_inner(data) or None)


class IvkFluxFillConditioningField(_SyncedConditioning):
    """FLUX Fill (inpainting): the reference ``image``'s name and the ``mask`` tensor's name;
    ``value`` is the FluxFillConditioningField JSON (None until both are set: both are
    required)."""

    TYPE: ClassVar[str] = "flux_fill_conditioning"
    PARTS: ClassVar[tuple[str, ...]] = ("image", "mask")

    image: str | None = None
    mask: str | None = None

    @field_validator("image", mode="before")
    @classmethod
    def _image(cls, v: object) -> object:
        return name_of(v, "image_name")

    @field_validator("mask", mode="before")
    @classmethod
    def _mask(cls, v: object) -> object:
        return name_of(v, "tensor_name")

    def compose(self) -> dict[str, Any] | None:
        if not (self.image and self.mask):
            return None
        return {"image": {"image_name": self.image}, "mask": _tensor(self.mask)}

    @classmethod
    def decompose(cls, value: dict[str, Any]) -> dict[str, Any]:
        image = name_of(value.get("image"), "image_name")
        return {
            "image": image if isinstance(image, str) else None,
            "mask": _tensor_name(value.get("mask")),
        }

    @classmethod
    def from_api_format(cls, data: dict[str, Any]) -> IvkFluxFillConditioningField:
        return cls(value=_inner(data) or None)


class IvkFluxKontextConditioningField(_SyncedConditioning):
    """FLUX Kontext: the reference ``image``'s name; ``value`` is the
    FluxKontextConditioningField JSON (None until ``image`` is set)."""

    TYPE: ClassVar[str] = "flux_kontext_conditioning"
    PARTS: ClassVar[tuple[str, ...]] = ("image",)

    image: str | None = None

    @field_validator("image", mode="before")
    @classmethod
    def _image(cls, v: object) -> object:
        return name_of(v, "image_name")

    def compose(self) -> dict[str, Any] | None:
        return {"image": {"image_name": self.image}} if self.image else None

    @classmethod
    def decompose(cls, value: dict[str, Any]) -> dict[str, Any]:
        image = name_of(value.get("image"), "image_name")
        return {"image": image if isinstance(image, str) else None}

    @classmethod
    def from_api_format(cls, data: dict[str, Any]) -> IvkFluxKontextConditioningField:
        return cls(value=_inner(data) or None)
