"""Model fields: a model reference (``IvkModelIdentifierField``) and the loaded-model structures
the schema passes between nodes (``UNetField``, ``CLIPField``, ``TransformerField``,
``LoRAField``). Their attributes are the value (no ``.value``); ``to_api_format()`` is the JSON
InvokeAI's schema describes.

A model sub-dict is any JSON object (the seed typed it ``dict[str, str]``, so a real
identifier, whose ``submodel_type`` is null, was refused); an ``IvkModelIdentifierField`` or
``IvkLoRAField`` given in its place counts as its JSON.
"""

from __future__ import annotations

import enum
from typing import Any

from pydantic import Field, field_validator

from ..dnn_model.dnn_model_types import BaseDnnModelType, DnnModelType
from .base import FieldModel, IvkField, PydanticFieldMixin

__all__ = [
    "BaseDnnModelType",
    "DnnModelType",
    "IvkCLIPEmbedField",
    "IvkCLIPField",
    "IvkFluxModelField",
    "IvkLoRAField",
    "IvkModelIdentifierField",
    "IvkSDXLModelField",
    "IvkT5EncoderField",
    "IvkTransformerField",
    "IvkUNetField",
    "IvkVAEModelField",
]

_IDENTIFIER_KEYS = ("key", "hash", "name", "base", "type", "submodel_type")


def _text(v: object) -> str:
    return str(v.value) if isinstance(v, enum.Enum) else str(v)


def _as_json(v: object) -> object:
    """A field object given where JSON is expected counts as its ``to_api_format()``."""
    if isinstance(v, (IvkModelIdentifierField, IvkLoRAField)):
        return v.to_api_format()
    return v


class IvkModelIdentifierField(FieldModel, PydanticFieldMixin, IvkField[dict[str, Any]]):
    """A model reference (ModelIdentifierField): key, hash, name, base, type, submodel_type.

    ``base`` and ``type`` are the enums where the value is one of theirs. A value they do not
    know (a newer server's base) is kept as the string it was; the seed replaced it with
    ``any``/``main``, sending a different model reference than the one it read.
    """

    key: str = Field(default="", description="The model's unique key")
    hash: str = Field(default="", description="The model's BLAKE3 hash")
    name: str = Field(default="", description="The model's name")
    base: BaseDnnModelType | str = Field(default=BaseDnnModelType.Any, description="The model's base")
    type: DnnModelType | str = Field(default=DnnModelType.Main, description="The model's type")
    submodel_type: str | None = Field(default=None, description="The submodel to load, if any")

    @field_validator("base", mode="before")
    @classmethod
    def _coerce_base(cls, v: object) -> object:
        try:
            return BaseDnnModelType(_text(v))
        except ValueError:
            return _text(v)

    @field_validator("type", mode="before")
    @classmethod
    def _coerce_type(cls, v: object) -> object:
        try:
            return DnnModelType(_text(v))
        except ValueError:
            return _text(v)

    @field_validator("submodel_type", mode="before")
    @classmethod
    def _coerce_submodel(cls, v: object) -> object:
        return v.value if isinstance(v, enum.Enum) else v

    def validate_field(self) -> bool:
        return True

    def is_set(self) -> bool:
        """Whether the field names a model (a default-constructed one does not)."""
        return bool(self.key or self.name)

    def to_api_format(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "hash": self.hash,
            "name": self.name,
            "base": _text(self.base),
            "type": _text(self.type),
            "submodel_type": self.submodel_type,
        }

    @classmethod
    def from_api_format(cls, data: dict[str, Any]) -> IvkModelIdentifierField:
        """From a ModelIdentifierField JSON object (unknown keys and nulls ignored)."""
        inner = data["value"] if isinstance(data.get("value"), dict) else data
        return cls(**{k: inner[k] for k in _IDENTIFIER_KEYS if inner.get(k) is not None})

    def to_json_value(self) -> dict[str, Any] | None:
        if not self.is_set():
            return None  # a default-constructed field must not send an empty identifier
        out = self.to_api_format()
        if out["submodel_type"] is None:
            del out["submodel_type"]
        return out


class IvkLoRAField(FieldModel, PydanticFieldMixin, IvkField[dict[str, Any]]):
    """A LoRA and its weight (LoRAField): ``{"lora": <ModelIdentifierField>, "weight": w}``."""

    lora_model: dict[str, Any] | None = None
    weight: float = 1.0

    @field_validator("lora_model", mode="before")
    @classmethod
    def _model(cls, v: object) -> object:
        return _as_json(v)

    def validate_field(self) -> bool:
        return True

    def to_api_format(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.lora_model:
            out["lora"] = self.lora_model
        out["weight"] = self.weight
        return out

    @classmethod
    def from_api_format(cls, data: dict[str, Any]) -> IvkLoRAField:
        return cls(lora_model=data.get("lora"), weight=data.get("weight", 1.0))

    def to_json_value(self) -> dict[str, Any] | None:
        return self.to_api_format() if self.lora_model else None


def _loras(v: object) -> object:
    return [_as_json(item) for item in v] if isinstance(v, list) else v


class IvkUNetField(FieldModel, PydanticFieldMixin, IvkField[dict[str, Any]]):
    """A loaded UNet (UNetField): the ``unet`` and ``scheduler`` submodels, LoRAs, seamless
    axes and an optional FreeU configuration."""

    unet_model: dict[str, Any] | None = None
    scheduler: dict[str, Any] | None = None
    loras: list[dict[str, Any]] = Field(default_factory=list)
    seamless_axes: list[str] = Field(default_factory=list)
    freeu_config: dict[str, Any] | None = None

    @field_validator("unet_model", "scheduler", mode="before")
    @classmethod
    def _model(cls, v: object) -> object:
        return _as_json(v)

    @field_validator("loras", mode="before")
    @classmethod
    def _lora_list(cls, v: object) -> object:
        return _loras(v)

    def validate_field(self) -> bool:
        return True

    def to_api_format(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.unet_model:
            out["unet"] = self.unet_model
        if self.scheduler:
            out["scheduler"] = self.scheduler
        out["loras"] = self.loras
        out["seamless_axes"] = self.seamless_axes
        if self.freeu_config:
            out["freeu_config"] = self.freeu_config
        return out

    @classmethod
    def from_api_format(cls, data: dict[str, Any]) -> IvkUNetField:
        return cls(
            unet_model=data.get("unet"),
            scheduler=data.get("scheduler"),
            loras=data.get("loras") or [],
            seamless_axes=data.get("seamless_axes") or [],
            freeu_config=data.get("freeu_config"),
        )

    def to_json_value(self) -> dict[str, Any] | None:
        return self.to_api_format() if self.unet_model else None


class IvkCLIPField(FieldModel, PydanticFieldMixin, IvkField[dict[str, Any]]):
    """A loaded CLIP text encoder (CLIPField): tokenizer, text encoder, skipped layers, LoRAs."""

    tokenizer: dict[str, Any] | None = None
    text_encoder: dict[str, Any] | None = None
    skipped_layers: int = 0
    loras: list[dict[str, Any]] = Field(default_factory=list)

    @field_validator("tokenizer", "text_encoder", mode="before")
    @classmethod
    def _model(cls, v: object) -> object:
        return _as_json(v)

    @field_validator("loras", mode="before")
    @classmethod
    def _lora_list(cls, v: object) -> object:
        return _loras(v)

    def validate_field(self) -> bool:
        return True

    def to_api_format(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.tokenizer:
            out["tokenizer"] = self.tokenizer
        if self.text_encoder:
            out["text_encoder"] = self.text_encoder
        out["skipped_layers"] = self.skipped_layers
        out["loras"] = self.loras
        return out

    @classmethod
    def from_api_format(cls, data: dict[str, Any]) -> IvkCLIPField:
        return cls(
            tokenizer=data.get("tokenizer"),
            text_encoder=data.get("text_encoder"),
            skipped_layers=data.get("skipped_layers", 0),
            loras=data.get("loras") or [],
        )

    def to_json_value(self) -> dict[str, Any] | None:
        return self.to_api_format() if self.tokenizer or self.text_encoder else None


class IvkTransformerField(FieldModel, PydanticFieldMixin, IvkField[dict[str, Any]]):
    """A loaded FLUX transformer (TransformerField): the transformer submodel and LoRAs."""

    transformer_model: dict[str, Any] | None = None
    loras: list[dict[str, Any]] = Field(default_factory=list)

    @field_validator("transformer_model", mode="before")
    @classmethod
    def _model(cls, v: object) -> object:
        return _as_json(v)

    @field_validator("loras", mode="before")
    @classmethod
    def _lora_list(cls, v: object) -> object:
        return _loras(v)

    def validate_field(self) -> bool:
        return True

    def to_api_format(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.transformer_model:
            out["transformer"] = self.transformer_model
        out["loras"] = self.loras
        return out

    @classmethod
    def from_api_format(cls, data: dict[str, Any]) -> IvkTransformerField:
        return cls(transformer_model=data.get("transformer"), loras=data.get("loras") or [])

    def to_json_value(self) -> dict[str, Any] | None:
        return self.to_api_format() if self.transformer_model else None


# The seed's names for model references of particular kinds: the same class.
IvkSDXLModelField = IvkModelIdentifierField
IvkFluxModelField = IvkModelIdentifierField
IvkT5EncoderField = IvkModelIdentifierField
IvkCLIPEmbedField = IvkModelIdentifierField
IvkVAEModelField = IvkModelIdentifierField
