"""Choice fields: a string from a list (``IvkEnumField``), schedulers, interpolation and colour
modes, and literals. ``choices`` is declared before ``value`` so a value outside them is refused
at construction too (the seed checked only on assignment). An enum member counts as its value.
"""

from __future__ import annotations

import enum
from typing import Any

from pydantic import Field, ValidationInfo, field_validator

from .base import FieldModel, IvkField, PydanticFieldMixin
from .primitives import api_value

__all__ = [
    "COLOR_MODES",
    "INTERPOLATION_MODES",
    "SCHEDULER_NAMES",
    "IvkColorModeField",
    "IvkEnumField",
    "IvkInterpolationField",
    "IvkLiteralField",
    "IvkSchedulerField",
    "SchedulerName",
]


class SchedulerName(str, enum.Enum):
    """InvokeAI 6.14.2's schedulers, in its order (``er_sde`` is newer than the seed's list);
    a field built from a server's schema takes that server's list."""

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
INTERPOLATION_MODES: list[str] = ["nearest", "linear", "bilinear", "bicubic", "trilinear", "area"]
COLOR_MODES: list[str] = ["RGB", "RGBA", "L", "LA", "CMYK", "HSV"]

_SCHEDULER_ALIASES = {
    "euler_ancestral": SchedulerName.EULER_A.value,
    "euler-ancestral": SchedulerName.EULER_A.value,
    "euler ancestral": SchedulerName.EULER_A.value,
}


def _member_value(v: object) -> object:
    return v.value if isinstance(v, enum.Enum) else v


class IvkEnumField(FieldModel, PydanticFieldMixin, IvkField[str]):
    """A string from ``choices`` (the schema's ``enum``, or a Form dropdown's options); no
    choices means any string."""

    choices: list[str] = Field(default_factory=list)
    value: str | None = None
    name: str | None = None
    description: str | None = None

    @field_validator("value", mode="before")
    @classmethod
    def _enum_member(cls, v: object) -> object:
        return _member_value(v)

    @field_validator("value")
    @classmethod
    def validate_enum_choice(cls, v: str | None, info: ValidationInfo) -> str | None:
        choices = info.data.get("choices") or []
        if v is not None and choices and v not in choices:
            raise ValueError(f"Value '{v}' is not in choices: {choices}")
        return v

    def validate_field(self) -> bool:
        if self.value is not None and self.choices and self.value not in self.choices:
            raise ValueError(f"Value '{self.value}' not in choices: {self.choices}")
        return True

    def to_api_format(self) -> dict[str, Any]:
        return {"value": self.value, "type": "enum", "choices": self.choices}

    @classmethod
    def from_api_format(cls, data: dict[str, Any]) -> IvkEnumField:
        choices = data.get("choices", []) if isinstance(data, dict) else []
        return cls(value=api_value(data), choices=choices)

    def to_json_value(self) -> str | None:
        return self.value

    def get_choices(self) -> list[str]:
        return list(self.choices)

    def add_choice(self, choice: str) -> None:
        if choice not in self.choices:
            self.choices.append(choice)

    def remove_choice(self, choice: str) -> None:
        """Drop a choice; a value that was that choice is reset to None."""
        if choice in self.choices:
            self.choices.remove(choice)
            if self.value == choice:
                self.value = None


class IvkSchedulerField(IvkEnumField):
    """A scheduler; the choices default to ``SCHEDULER_NAMES``."""

    choices: list[str] = Field(default_factory=lambda: list(SCHEDULER_NAMES))

    def to_api_format(self) -> dict[str, Any]:
        return {"value": self.value, "type": "scheduler", "choices": list(self.choices)}

    @classmethod
    def from_api_format(cls, data: dict[str, Any]) -> IvkSchedulerField:
        choices = data.get("choices") if isinstance(data, dict) else None
        if isinstance(choices, list) and choices:
            return cls(value=api_value(data), choices=choices)
        return cls(value=api_value(data))

    @staticmethod
    def normalize_alias(name: str) -> str:
        """Legacy spellings to the canonical name: ``euler_ancestral`` -> ``euler_a``."""
        return _SCHEDULER_ALIASES.get(name.lower(), name)


class IvkInterpolationField(IvkEnumField):
    """An interpolation mode; the choices default to ``INTERPOLATION_MODES``."""

    choices: list[str] = Field(default_factory=lambda: list(INTERPOLATION_MODES))

    def to_api_format(self) -> dict[str, Any]:
        return {"value": self.value, "type": "interpolation"}

    @classmethod
    def from_api_format(cls, data: dict[str, Any]) -> IvkInterpolationField:
        return cls(value=api_value(data))


class IvkColorModeField(IvkEnumField):
    """A colour mode; the choices default to ``COLOR_MODES``."""

    choices: list[str] = Field(default_factory=lambda: list(COLOR_MODES))

    def to_api_format(self) -> dict[str, Any]:
        return {"value": self.value, "type": "color_mode"}

    @classmethod
    def from_api_format(cls, data: dict[str, Any]) -> IvkColorModeField:
        return cls(value=api_value(data))


class IvkLiteralField(FieldModel, PydanticFieldMixin, IvkField[str]):
    """A string from ``literals`` (a ``Literal[...]`` of a node field)."""

    literals: list[str] = Field(default_factory=list)
    value: str | None = None
    name: str | None = None
    description: str | None = None

    @field_validator("value", mode="before")
    @classmethod
    def _enum_member(cls, v: object) -> object:
        return _member_value(v)

    @field_validator("value")
    @classmethod
    def validate_literal_choice(cls, v: str | None, info: ValidationInfo) -> str | None:
        literals = info.data.get("literals") or []
        if v is not None and literals and v not in literals:
            raise ValueError(f"Value '{v}' is not in literals: {literals}")
        return v

    def validate_field(self) -> bool:
        if self.value is not None and self.literals and self.value not in self.literals:
            raise ValueError(f"Value '{self.value}' not in literals: {self.literals}")
        return True

    def to_api_format(self) -> dict[str, Any]:
        return {"value": self.value, "type": "literal", "literals": self.literals}

    @classmethod
    def from_api_format(cls, data: dict[str, Any]) -> IvkLiteralField:
        literals = data.get("literals", []) if isinstance(data, dict) else []
        return cls(value=api_value(data), literals=literals)

    def to_json_value(self) -> str | None:
        return self.value

    def get_literals(self) -> list[str]:
        return list(self.literals)
