"""A field whose ``value`` (the node field's JSON object) and its parts are kept in step.

The seed built ``value`` from the parts once, in ``__init__``: setting ``field.mask_name``
afterwards, as its own docstrings show, changed nothing that was sent. Here setting a part
rebuilds ``value``, and setting ``value`` sets the parts.
"""

from __future__ import annotations

from typing import Any, ClassVar

from .base import FieldModel

__all__ = ["SyncedValueModel", "name_of"]


def name_of(v: object, key: str) -> object:
    """``v`` as the ``key`` name it carries: ``{"image_name": "a.png"}`` or an object with
    ``.image_name`` (an uploaded image) counts as ``"a.png"``; anything else is left as it is."""
    attr = getattr(v, key, None)
    if isinstance(attr, str):
        return attr
    if isinstance(v, dict) and isinstance(v.get(key), str):
        return v[key]
    return v


class SyncedValueModel(FieldModel):
    """Subclasses declare ``value`` and their parts, list the parts in ``PARTS``, and say how
    to build ``value`` from them (``compose``) and them from ``value`` (``decompose``)."""

    PARTS: ClassVar[tuple[str, ...]] = ()

    def compose(self) -> dict[str, Any] | None:
        raise NotImplementedError

    @classmethod
    def decompose(cls, value: dict[str, Any]) -> dict[str, Any]:
        """Every part's value read from ``value`` (its default where ``value`` lacks it)."""
        raise NotImplementedError

    def model_post_init(self, context: Any, /) -> None:
        value = getattr(self, "value", None)
        given = self.model_fields_set & set(self.PARTS)
        if isinstance(value, dict):
            for part, v in self.decompose(value).items():
                if part not in given:  # parts passed explicitly win over ``value``
                    super().__setattr__(part, v)
        if given or not isinstance(value, dict):
            super().__setattr__("value", self.compose())

    def __setattr__(self, name: str, v: Any) -> None:
        super().__setattr__(name, v)
        if name == "value":
            value = getattr(self, "value", None)
            for part, pv in self.decompose(value if isinstance(value, dict) else {}).items():
                super().__setattr__(part, pv)
        elif name in self.PARTS:
            super().__setattr__("value", self.compose())
