"""Between model records (``DnnModel``, or anything with key/hash/name/base/type) and
``IvkModelIdentifierField``, without either knowing the other: the ``ModelLike`` protocol."""

from __future__ import annotations

import enum
from typing import Protocol, runtime_checkable

from .models import IvkModelIdentifierField

__all__ = ["ModelLike", "from_ivk_model_field", "is_model_compatible", "to_ivk_model_field"]


@runtime_checkable
class ModelLike(Protocol):
    """What a model record offers: key, hash, name, base and type (the last two str or a str
    enum)."""

    @property
    def key(self) -> str: ...

    @property
    def hash(self) -> str: ...

    @property
    def name(self) -> str: ...

    @property
    def base(self) -> str: ...

    @property
    def type(self) -> str: ...


def _text(v: object) -> str:
    return str(v.value) if isinstance(v, enum.Enum) else str(v)


def to_ivk_model_field(model: ModelLike) -> IvkModelIdentifierField:
    """The workflow field for a model record (no submodel: a whole model)."""
    return IvkModelIdentifierField(
        key=model.key,
        hash=model.hash,
        name=model.name,
        base=_text(model.base),
        type=_text(model.type),
        submodel_type=None,
    )


def from_ivk_model_field(field: IvkModelIdentifierField) -> dict[str, str]:
    """The model's key, hash, name, base and type as a dictionary."""
    return {
        "key": field.key,
        "hash": field.hash,
        "name": field.name,
        "base": field.base,
        "type": field.type,
    }


def is_model_compatible(model: ModelLike, base_type: str, model_type: str | None = None) -> bool:
    """Whether the model has base ``base_type`` (and type ``model_type``, when given)."""
    if _text(model.base) != base_type:
        return False
    return model_type is None or _text(model.type) == model_type
