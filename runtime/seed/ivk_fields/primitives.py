"""Primitive fields: strings, integers, floats and booleans, each holding a ``.value``.

Bounds are declared before ``value`` so that they are known when ``value`` is validated, at
construction as on assignment (the seed declared them after, so ``IvkIntegerField(value=5000,
maximum=100)`` slipped through). Types are strict: ``"7"`` is no integer and ``True`` no number.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import Field, StrictBool, StrictInt, StrictStr, ValidationInfo, field_validator

from .base import FieldModel, IvkField, PydanticFieldMixin

__all__ = ["IvkBooleanField", "IvkFloatField", "IvkIntegerField", "IvkStringField"]


def check_bounds(v: float, info: ValidationInfo) -> None:
    """Refuse ``v`` outside the bounds already validated on the model (``info.data``)."""
    d = info.data
    if d.get("minimum") is not None and v < d["minimum"]:
        raise ValueError(f"{v} is less than the minimum {d['minimum']}")
    if d.get("maximum") is not None and v > d["maximum"]:
        raise ValueError(f"{v} exceeds the maximum {d['maximum']}")
    if d.get("exclusive_minimum") is not None and v <= d["exclusive_minimum"]:
        raise ValueError(f"{v} must be greater than {d['exclusive_minimum']}")
    if d.get("exclusive_maximum") is not None and v >= d["exclusive_maximum"]:
        raise ValueError(f"{v} must be less than {d['exclusive_maximum']}")
    m = d.get("multiple_of")
    if m and (v / m) != round(v / m):
        raise ValueError(f"{v} is not a multiple of {m}")


def api_value(data: dict[str, Any] | None) -> Any:
    """The ``"value"`` of API data; a bare value (not a dict) is taken as the value itself."""
    return data.get("value") if isinstance(data, dict) else data


class _Numeric(FieldModel):
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: float | None = None
    exclusive_maximum: float | None = None
    multiple_of: float | None = None


class IvkStringField(FieldModel, PydanticFieldMixin, IvkField[str]):
    """A string (InvokeAI's StringField), with optional length bounds and a regex ``pattern``."""

    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    value: StrictStr | None = None

    @field_validator("value")
    @classmethod
    def validate_string_constraints(cls, v: str | None, info: ValidationInfo) -> str | None:
        if v is None:
            return v
        d = info.data
        if d.get("min_length") is not None and len(v) < d["min_length"]:
            raise ValueError(f"length {len(v)} is less than the minimum {d['min_length']}")
        if d.get("max_length") is not None and len(v) > d["max_length"]:
            raise ValueError(f"length {len(v)} exceeds the maximum {d['max_length']}")
        if d.get("pattern") and not re.search(d["pattern"], v):
            raise ValueError(f"{v!r} does not match {d['pattern']!r}")
        return v

    def validate_field(self) -> bool:
        return True  # refused values never got in

    def to_api_format(self) -> dict[str, Any]:
        return {"value": self.value}

    @classmethod
    def from_api_format(cls, data: dict[str, Any]) -> IvkStringField:
        return cls(value=api_value(data))

    def to_json_value(self) -> str | None:
        return self.value


class IvkIntegerField(_Numeric, PydanticFieldMixin, IvkField[int]):
    """An integer (InvokeAI's IntegerField), with optional bounds and ``multiple_of``."""

    value: StrictInt | None = None

    @field_validator("value")
    @classmethod
    def validate_integer_constraints(cls, v: int | None, info: ValidationInfo) -> int | None:
        if v is not None:
            check_bounds(v, info)
        return v

    def validate_field(self) -> bool:
        return True

    def to_api_format(self) -> dict[str, Any]:
        return {"value": self.value}

    @classmethod
    def from_api_format(cls, data: dict[str, Any]) -> IvkIntegerField:
        value = api_value(data)
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # some exports save 512 as 512.0
        return cls(value=value)

    def to_json_value(self) -> int | None:
        return self.value


class IvkFloatField(_Numeric, PydanticFieldMixin, IvkField[float]):
    """A float (InvokeAI's FloatField), with optional bounds; an int is taken as a float."""

    value: float | None = Field(default=None, strict=True)  # strict float still takes an int

    @field_validator("value")
    @classmethod
    def validate_float_constraints(cls, v: float | None, info: ValidationInfo) -> float | None:
        if v is not None:
            check_bounds(v, info)
        return v

    def validate_field(self) -> bool:
        return True

    def to_api_format(self) -> dict[str, Any]:
        return {"value": self.value}

    @classmethod
    def from_api_format(cls, data: dict[str, Any]) -> IvkFloatField:
        return cls(value=api_value(data))

    def to_json_value(self) -> float | None:
        return self.value


class IvkBooleanField(FieldModel, PydanticFieldMixin, IvkField[bool]):
    """A boolean (InvokeAI's BooleanField)."""

    value: StrictBool | None = None

    def validate_field(self) -> bool:
        return True

    def to_api_format(self) -> dict[str, Any]:
        return {"value": self.value}

    @classmethod
    def from_api_format(cls, data: dict[str, Any]) -> IvkBooleanField:
        return cls(value=api_value(data))

    def to_json_value(self) -> bool | None:
        return self.value
