"""Structured fields: colours, bounding boxes, collections, and any other JSON value.

A colour and a bounding box are their attributes (no ``.value``); a collection wraps a list
in ``.value`` with list operations that keep its length bounds.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Generic, TypeVar

from pydantic import Field, ValidationInfo, field_validator

from .base import FieldModel, IvkCollectionFieldMixin, IvkField, PydanticFieldMixin
from .primitives import api_value

__all__ = ["IvkBoundingBoxField", "IvkCollectionField", "IvkColorField", "IvkJsonField"]

T = TypeVar("T")


class IvkColorField(FieldModel, PydanticFieldMixin, IvkField[dict[str, int]]):
    """An RGBA colour (ColorField), each component 0-255; the components are the value."""

    r: int = 0
    g: int = 0
    b: int = 0
    a: int = 255

    @field_validator("r", "g", "b", "a")
    @classmethod
    def validate_color_component(cls, v: int) -> int:
        if not 0 <= v <= 255:
            raise ValueError(f"Color component {v} must be between 0 and 255")
        return v

    def validate_field(self) -> bool:
        return True

    def to_api_format(self) -> dict[str, Any]:
        return {"r": self.r, "g": self.g, "b": self.b, "a": self.a}

    @classmethod
    def from_api_format(cls, data: dict[str, Any]) -> IvkColorField:
        inner = data["value"] if isinstance(data.get("value"), dict) else data
        return cls(r=inner.get("r", 0), g=inner.get("g", 0), b=inner.get("b", 0), a=inner.get("a", 255))

    def to_json_value(self) -> dict[str, int]:
        return {"r": self.r, "g": self.g, "b": self.b, "a": self.a}

    def set_rgba(self, r: int, g: int, b: int, a: int = 255) -> None:
        self.r, self.g, self.b, self.a = r, g, b, a

    def set_hex(self, hex_color: str) -> None:
        """From ``"#RRGGBB"`` or ``"#RRGGBBAA"`` (the ``#`` optional)."""
        h = hex_color.lstrip("#")
        if len(h) not in (6, 8):
            raise ValueError(f"Invalid hex color format: {hex_color}")
        parts = [int(h[i : i + 2], 16) for i in range(0, len(h), 2)]
        self.set_rgba(*parts)

    def to_rgba(self) -> tuple[int, int, int, int]:
        return (self.r, self.g, self.b, self.a)

    def to_hex(self, include_alpha: bool = False) -> str:
        alpha = f"{self.a:02X}" if include_alpha else ""
        return f"#{self.r:02X}{self.g:02X}{self.b:02X}{alpha}"


class IvkBoundingBoxField(FieldModel, PydanticFieldMixin, IvkField[dict[str, Any]]):
    """A rectangle (BoundingBoxField): ``x_min``/``y_min`` inclusive, ``x_max``/``y_max``
    exclusive, with an optional detector ``score`` in [0, 1]; the coordinates are the value."""

    x_min: int = 0
    x_max: int = 0
    y_min: int = 0
    y_max: int = 0
    score: float | None = None

    def validate_field(self) -> bool:
        if self.x_max <= self.x_min:
            raise ValueError(f"x_max ({self.x_max}) must be greater than x_min ({self.x_min})")
        if self.y_max <= self.y_min:
            raise ValueError(f"y_max ({self.y_max}) must be greater than y_min ({self.y_min})")
        if self.score is not None and not 0.0 <= self.score <= 1.0:
            raise ValueError(f"Score {self.score} must be between 0.0 and 1.0")
        return True

    def to_api_format(self) -> dict[str, Any]:
        out: dict[str, Any] = {"x_min": self.x_min, "x_max": self.x_max, "y_min": self.y_min, "y_max": self.y_max}
        if self.score is not None:
            out["score"] = self.score
        return out

    @classmethod
    def from_api_format(cls, data: dict[str, Any]) -> IvkBoundingBoxField:
        inner = data["value"] if isinstance(data.get("value"), dict) else data
        return cls(
            x_min=inner.get("x_min", 0),
            x_max=inner.get("x_max", 0),
            y_min=inner.get("y_min", 0),
            y_max=inner.get("y_max", 0),
            score=inner.get("score"),
        )

    def to_json_value(self) -> dict[str, Any]:
        return self.to_api_format()

    def set_box(self, x_min: int, x_max: int, y_min: int, y_max: int, score: float | None = None) -> None:
        self.x_min, self.x_max, self.y_min, self.y_max, self.score = x_min, x_max, y_min, y_max, score

    def get_box(self) -> tuple[int, int, int, int, float | None]:
        return (self.x_min, self.x_max, self.y_min, self.y_max, self.score)

    def get_width(self) -> int:
        return self.x_max - self.x_min

    def get_height(self) -> int:
        return self.y_max - self.y_min

    def get_area(self) -> int:
        return self.get_width() * self.get_height()


class IvkCollectionField(
    FieldModel, PydanticFieldMixin, IvkField[list[T]], IvkCollectionFieldMixin[T], Generic[T]
):
    """A list input (``type: array``). ``IvkCollectionField[int]`` validates its items as
    ``int``; ``item_type`` checks them with ``isinstance`` as the seed did. The length bounds
    hold on assignment and for every list operation.

    ``value`` is None when the workflow holds no list (nothing is sent: the workflow's value
    stays); a field made without one starts with an empty list."""

    item_type: type[T] | None = None
    min_length: int | None = None
    max_length: int | None = None
    value: list[T] | None = Field(default_factory=list)

    @field_validator("value")
    @classmethod
    def _length(cls, v: list[T] | None, info: ValidationInfo) -> list[T] | None:
        if v is None:
            return v
        lo, hi, kind = info.data.get("min_length"), info.data.get("max_length"), info.data.get("item_type")
        if lo is not None and len(v) < lo:
            raise ValueError(f"{len(v)} items, fewer than the minimum {lo}")
        if hi is not None and len(v) > hi:
            raise ValueError(f"{len(v)} items, more than the maximum {hi}")
        if kind is not None:
            for i, item in enumerate(v):
                if not isinstance(item, kind):
                    raise ValueError(f"item {i} is {type(item).__name__}, expected {kind.__name__}")
        return v

    def _items(self) -> list[T]:
        if self.value is None:
            self.value = []
        return self.value

    def _check_item(self, item: T) -> None:
        if self.item_type is not None and not isinstance(item, self.item_type):
            raise TypeError(f"Item is {type(item)}, expected {self.item_type}")

    def validate_field(self) -> bool:
        n = len(self)
        if self.min_length is not None and n < self.min_length:
            raise ValueError(f"Collection length {n} is less than minimum {self.min_length}")
        if self.max_length is not None and n > self.max_length:
            raise ValueError(f"Collection length {n} exceeds maximum {self.max_length}")
        for item in self.iter_items():
            self._check_item(item)
        return True

    def to_api_format(self) -> dict[str, Any]:
        return {"value": self.value}

    @classmethod
    def from_api_format(cls, data: dict[str, Any]) -> IvkCollectionField[T]:
        inner = api_value(data)
        return cls(value=[] if inner is None else inner)

    def to_json_value(self) -> list[T] | None:
        return self.value

    def append(self, item: T) -> None:
        items = self._items()
        if self.max_length is not None and len(items) >= self.max_length:
            raise ValueError(f"Cannot add item: would exceed maximum length {self.max_length}")
        self._check_item(item)
        items.append(item)

    def remove(self, item: T) -> None:
        items = self._items()
        if self.min_length is not None and len(items) <= self.min_length:
            raise ValueError(f"Cannot remove item: would go below minimum length {self.min_length}")
        if item not in items:
            raise ValueError("Item not in collection")
        items.remove(item)

    def clear(self) -> None:
        if self.min_length is not None and self.min_length > 0:
            raise ValueError(f"Cannot clear collection: minimum length is {self.min_length}")
        self.value = []

    def extend(self, items: list[T]) -> None:
        """Append each item; all or nothing (the seed kept the items before a refused one)."""
        current = self._items()
        if self.max_length is not None and len(current) + len(items) > self.max_length:
            raise ValueError(f"Cannot add items: would exceed maximum length {self.max_length}")
        for item in items:
            self._check_item(item)
        current.extend(items)

    def __len__(self) -> int:
        return len(self.value) if self.value else 0

    def iter_items(self) -> Iterator[T]:
        return iter(self.value or [])

    def __iter__(self) -> Iterator[T]:  # type: ignore[override]
        # The items, as the seed's docs promise (pydantic's own __iter__ yields the attributes).
        return self.iter_items()

    def __getitem__(self, index: int) -> T:
        if self.value is None:
            raise IndexError("Collection is empty")
        return self.value[index]

    def __setitem__(self, index: int, value: T) -> None:
        if self.value is None:
            raise IndexError("Collection is empty")
        self._check_item(value)
        self.value[index] = value


class IvkJsonField(FieldModel, PydanticFieldMixin, IvkField[Any]):
    """Any other input: a structure the schema describes but no field class models."""

    value: Any = None

    def validate_field(self) -> bool:
        return True

    def to_api_format(self) -> dict[str, Any]:
        return {"value": self.value}

    @classmethod
    def from_api_format(cls, data: dict[str, Any]) -> IvkJsonField:
        return cls(value=api_value(data))

    def to_json_value(self) -> Any:
        return self.value
