"""The bases of every field: ``IvkField[T]``, ``PydanticFieldMixin`` and the two behaviour mixins.

``IvkField`` is a plain generic class, not a pydantic model, so that a user's own field can be
declared as the seed documents it, ``class MyField(BaseModel, PydanticFieldMixin, IvkField[str])``
(a pydantic ``IvkField`` would make that base order impossible). Every field is
default-constructable: ``MyField()`` works.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict

if TYPE_CHECKING:
    from ...client import AsyncInvokeAIClient, InvokeAIClient

__all__ = [
    "FieldModel",
    "IvkCollectionFieldMixin",
    "IvkField",
    "IvkImageFieldMixin",
    "PydanticFieldMixin",
]

T = TypeVar("T")


class IvkField(Generic[T]):
    """Base of every field type.

    Subclasses implement ``validate_field``, ``to_api_format`` and ``from_api_format``; those
    left out raise NotImplementedError, as in the seed. ``to_json_value`` is what the workflow
    handle puts into the node field: by default the ``"value"`` of ``to_api_format()`` (or the
    whole of it, for fields whose attributes are the value), so a user's field works unchanged.
    """

    def __init__(self, **kwargs: Any) -> None:
        """Holds nothing: the concrete (pydantic) classes store their own data."""

    def validate_field(self) -> bool:
        """True when the current value is valid; raises ValueError saying why when not."""
        raise NotImplementedError("Subclass must implement validate_field()")

    def to_api_format(self) -> dict[str, Any]:
        """The field in InvokeAI's API format."""
        raise NotImplementedError("Subclass must implement to_api_format()")

    @classmethod
    def from_api_format(cls, data: dict[str, Any]) -> IvkField[T]:
        """A field from API data (the shape ``to_api_format`` gives)."""
        raise NotImplementedError("Subclass must implement from_api_format()")

    @classmethod
    def from_json_dict(cls, data: dict[str, Any]) -> IvkField[T]:
        """A field from the dictionary ``to_json_dict`` gives."""
        raise NotImplementedError("Subclass must implement from_json_dict()")

    def to_json_dict(self) -> dict[str, Any]:
        """Every attribute of the field, as a JSON-like dictionary."""
        raise NotImplementedError("Subclass must implement to_json_dict()")

    def to_json_value(self) -> Any:
        """The JSON value of the node field; None means "unset: keep the workflow's value"."""
        api = self.to_api_format()
        return api["value"] if "value" in api else api


class PydanticFieldMixin:
    """``from_json_dict``/``to_json_dict`` for fields that are pydantic models."""

    @classmethod
    def from_json_dict(cls, data: dict[str, Any]) -> Any:
        if issubclass(cls, BaseModel):
            return cls.model_validate(data)
        return cls(**data)

    def to_json_dict(self) -> dict[str, Any]:
        if isinstance(self, BaseModel):
            return self.model_dump(exclude_none=False)
        return dict(self.__dict__)


class IvkImageFieldMixin:
    """Upload and download for image fields (``IvkImageField`` implements them)."""

    async def upload(self, client: InvokeAIClient | AsyncInvokeAIClient) -> str:
        """Upload the local image; returns its name on the server."""
        raise NotImplementedError

    async def download(
        self, client: InvokeAIClient | AsyncInvokeAIClient, output_path: Path | None = None
    ) -> Path:
        """Download the image; returns where it was written."""
        raise NotImplementedError


class IvkCollectionFieldMixin(Generic[T]):
    """List operations for collection fields (``IvkCollectionField`` implements them)."""

    def append(self, item: T) -> None:
        raise NotImplementedError

    def remove(self, item: T) -> None:
        raise NotImplementedError

    def clear(self) -> None:
        raise NotImplementedError

    def __len__(self) -> int:
        raise NotImplementedError

    def iter_items(self) -> Iterator[T]:
        raise NotImplementedError


class FieldModel(BaseModel):
    """The pydantic base of this package's fields: values are validated when assigned, and a
    misspelt attribute raises instead of being kept as an extra (the seed kept it silently)."""

    model_config = ConfigDict(validate_assignment=True, extra="forbid")
