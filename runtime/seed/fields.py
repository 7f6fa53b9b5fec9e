"""The seed client's typed field classes (``Ivk*Field``), as pydantic models.

Each Form input of a workflow is one of these. Assigning ``.value`` is validated on the spot
(type and the schema's bounds), so a bad value fails where it is set, not on the server.
``to_json_value()`` gives the JSON the node field takes, which is all the core needs.
"""

from __future__ import annotations

import enum
import pathlib
import re
from typing import Any, Generic, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    ValidationInfo,
    field_validator,
)

__all__ = [
    "SCHEDULER_NAMES",
    "IvkBoardField",
    "IvkBooleanField",
    "IvkCollectionField",
    "IvkColorField",
    "IvkEnumField",
    "IvkField",
    "IvkFloatField",
    "IvkImageField",
    "IvkIntegerField",
    "IvkJsonField",
    "IvkModelIdentifierField",
    "IvkSchedulerField",
    "IvkStringField",
    "SchedulerName",
]

T = TypeVar("T")


class IvkField(BaseModel, Generic[T]):
    """Base of every field. ``extra="forbid"``: a misspelt attribute raises instead of vanishing."""

    model_config = ConfigDict(validate_assignment=True, extra="forbid")

    def validate_field(self) -> bool:
        """Always true: pydantic already refused anything invalid (kept for the seed's API)."""
        return True

    def to_json_value(self) -> Any:
        """The JSON value of the node field; None means "unset: keep the workflow's value"."""
        raise NotImplementedError

    def to_api_format(self) -> dict[str, Any]:
        """The seed's shape: ``{"value": <json>}`` (model and colour fields are the value)."""
        return {"value": self.to_json_value()}


def _check_bounds(v: float, info: ValidationInfo) -> None:
    # Constraint fields are declared before ``value`` so ``info.data`` holds them both when
    # the model is built and when ``value`` alone is assigned.
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


class _Numeric(BaseModel):
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: float | None = None
    exclusive_maximum: float | None = None
    multiple_of: float | None = None


class IvkIntegerField(IvkField[int], _Numeric):
    value: StrictInt | None = None

    @field_validator("value")
    @classmethod
    def _bounds(cls, v: int | None, info: ValidationInfo) -> int | None:
        if v is not None:
            _check_bounds(v, info)
        return v

    def to_json_value(self) -> int | None:
        return self.value


class IvkFloatField(IvkField[float], _Numeric):
    value: float | None = Field(default=None, strict=True)  # strict float still takes an int

    @field_validator("value")
    @classmethod
    def _bounds(cls, v: float | None, info: ValidationInfo) -> float | None:
        if v is not None:
            _check_bounds(v, info)
        return v

    def to_json_value(self) -> float | None:
        return self.value


class IvkStringField(IvkField[str]):
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    value: StrictStr | None = None

    @field_validator("value")
    @classmethod
    def _constraints(cls, v: str | None, info: ValidationInfo) -> str | None:
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

    def to_json_value(self) -> str | None:
        return self.value


class IvkBooleanField(IvkField[bool]):
    value: StrictBool | None = None

    def to_json_value(self) -> bool | None:
        return self.value


class IvkEnumField(IvkField[str]):
    """A string from a fixed list (the schema's ``enum``); an enum member counts as its value."""

    choices: list[str] = Field(default_factory=list)
    value: str | None = None

    @field_validator("value", mode="before")
    @classmethod
    def _enum_member(cls, v: object) -> object:
        return v.value if isinstance(v, enum.Enum) else v

    @field_validator("value")
    @classmethod
    def _in_choices(cls, v: str | None, info: ValidationInfo) -> str | None:
        choices = info.data.get("choices") or []
        if v is not None and choices and v not in choices:
            raise ValueError(f"{v!r} is not one of {choices}")
        return v

    def get_choices(self) -> list[str]:
        return list(self.choices)

    def to_json_value(self) -> str | None:
        return self.value


class SchedulerName(str, enum.Enum):
    """InvokeAI 6.14.2's schedulers; a field built from a server's schema uses that server's list."""

    DDIM = "ddim"
    DDPM = "ddpm"
    DEIS = "deis"
    DEIS_K = "deis_k"
    LMS = "lms"
    LMS_K = "lms_k"
    PNDM = "pndm"
    HEUN = "heun"
    HEUN_K = "heun_k"
    EULER = "euler"
    EULER_K = "euler_k"
    EULER_A = "euler_a"
    KDPM_2 = "kdpm_2"
    KDPM_2_K = "kdpm_2_k"
    KDPM_2_A = "kdpm_2_a"
    KDPM_2_A_K = "kdpm_2_a_k"
    DPMPP_2S = "dpmpp_2s"
    DPMPP_2S_K = "dpmpp_2s_k"
    DPMPP_2M = "dpmpp_2m"
    DPMPP_2M_K = "dpmpp_2m_k"
    DPMPP_2M_SDE = "dpmpp_2m_sde"
    DPMPP_2M_SDE_K = "dpmpp_2m_sde_k"
    DPMPP_3M = "dpmpp_3m"
    DPMPP_3M_K = "dpmpp_3m_k"
    DPMPP_SDE = "dpmpp_sde"
    DPMPP_SDE_K = "dpmpp_sde_k"
    ER_SDE = "er_sde"
    UNIPC = "unipc"
    UNIPC_K = "unipc_k"
    LCM = "lcm"
    TCD = "tcd"


SCHEDULER_NAMES: list[str] = [s.value for s in SchedulerName]

_SCHEDULER_ALIASES = {
    "euler_ancestral": "euler_a",
    "euler-ancestral": "euler_a",
    "euler ancestral": "euler_a",
}


class IvkSchedulerField(IvkEnumField):
    choices: list[str] = Field(default_factory=lambda: list(SCHEDULER_NAMES))

    @staticmethod
    def normalize_alias(name: str) -> str:
        """Legacy spellings (``euler_ancestral``) to the canonical name."""
        return _SCHEDULER_ALIASES.get(name.lower(), name)


class IvkImageField(IvkField[str]):
    """An image: a server image name (``str``), or a local file (``pathlib.Path``) that the core
    uploads when the workflow is submitted. An uploaded-image object counts as its name."""

    value: StrictStr | pathlib.Path | None = None

    @field_validator("value", mode="before")
    @classmethod
    def _image_name(cls, v: object) -> object:
        name = getattr(v, "image_name", None)  # IvkImage, ImageRef
        if isinstance(name, str):
            return name
        if isinstance(v, dict) and isinstance(v.get("image_name"), str):
            return v["image_name"]
        return v

    def to_json_value(self) -> Any:
        if isinstance(self.value, pathlib.Path):
            return self.value  # the core uploads it
        return None if self.value is None else {"image_name": self.value}


class IvkBoardField(IvkField[str]):
    """A board id, ``"none"`` (uncategorized) or ``"auto"``; a board object counts as its id."""

    value: StrictStr | None = None

    @field_validator("value", mode="before")
    @classmethod
    def _board_id(cls, v: object) -> object:
        bid = getattr(v, "board_id", None)  # Board, BoardHandle
        if isinstance(bid, str):
            return bid
        if isinstance(v, dict) and isinstance(v.get("board_id"), str):
            return v["board_id"]
        return v

    def to_json_value(self) -> Any:
        if self.value is None or self.value in ("auto", "none"):
            return self.value
        return {"board_id": self.value}


class IvkModelIdentifierField(IvkField[dict[str, Any]]):
    """A model reference; the attributes are the value (no ``.value``)."""

    key: str = ""
    hash: str = ""
    name: str = ""
    base: str = "any"
    type: str = "main"
    submodel_type: str | None = None

    @field_validator("base", "type", "submodel_type", mode="before")
    @classmethod
    def _enum_member(cls, v: object) -> object:
        return v.value if isinstance(v, enum.Enum) else v

    @classmethod
    def from_api_format(cls, data: dict[str, Any]) -> IvkModelIdentifierField:
        known = {k: data[k] for k in cls.model_fields if data.get(k) is not None}
        return cls(**known)

    def is_set(self) -> bool:
        return bool(self.key or self.name)

    def to_json_value(self) -> dict[str, Any] | None:
        if not self.is_set():
            return None  # a default-constructed field must not send an empty identifier
        return self.model_dump(exclude_none=True)

    def to_api_format(self) -> dict[str, Any]:
        return self.model_dump()


class IvkColorField(IvkField[dict[str, int]]):
    """An RGBA colour; the components are the value (no ``.value``)."""

    r: int = Field(default=0, ge=0, le=255)
    g: int = Field(default=0, ge=0, le=255)
    b: int = Field(default=0, ge=0, le=255)
    a: int = Field(default=255, ge=0, le=255)

    def set_rgba(self, r: int, g: int, b: int, a: int = 255) -> None:
        self.r, self.g, self.b, self.a = r, g, b, a

    def set_hex(self, hex_color: str) -> None:
        h = hex_color.lstrip("#")
        if len(h) not in (6, 8):
            raise ValueError(f"not a hex colour: {hex_color!r}")
        parts = [int(h[i : i + 2], 16) for i in range(0, len(h), 2)]
        self.set_rgba(*parts)

    def to_rgba(self) -> tuple[int, int, int, int]:
        return (self.r, self.g, self.b, self.a)

    def to_json_value(self) -> dict[str, int]:
        return {"r": self.r, "g": self.g, "b": self.b, "a": self.a}

    def to_api_format(self) -> dict[str, Any]:
        return dict(self.to_json_value())


class IvkCollectionField(IvkField[list[Any]]):
    """A list input (``type: array``), its length bounded as the schema says."""

    min_length: int | None = None
    max_length: int | None = None
    value: list[Any] | None = None

    @field_validator("value")
    @classmethod
    def _length(cls, v: list[Any] | None, info: ValidationInfo) -> list[Any] | None:
        lo, hi = info.data.get("min_length"), info.data.get("max_length")
        if v is not None and lo is not None and len(v) < lo:
            raise ValueError(f"{len(v)} items, fewer than the minimum {lo}")
        if v is not None and hi is not None and len(v) > hi:
            raise ValueError(f"{len(v)} items, more than the maximum {hi}")
        return v

    def to_json_value(self) -> list[Any] | None:
        return self.value


class IvkJsonField(IvkField[Any]):
    """Any other input (a structure the schema describes but this layer does not model)."""

    value: Any = None

    def to_json_value(self) -> Any:
        return self.value
