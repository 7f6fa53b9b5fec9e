"""The client side of the ivk_test_nodes pack: Python types for its two field types.

``ivk-codegen --extension ivk_test_types`` (run in this folder) types the pack's inputs with
them: the operation as a pydantic model, the style as a standard-library dataclass. Each
serializes (pydantic's JSON form) to exactly the JSON the node's field takes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, ConfigDict

from ivk_codegen.extensions import TypeExtension


class IvkTestOperation(BaseModel):
    """IvkTestOperationField: an edit to a text."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    op: Literal["append", "prepend"]
    text: str
    times: int = 1


@dataclass(frozen=True)
class IvkTestStyle:
    """IvkTestStyleField: a named style."""

    name: str
    weight: float
    tags: list[str] = field(default_factory=list)


IVK_TYPE_EXTENSIONS = [
    TypeExtension(ref="IvkTestOperationField", python_type="ivk_test_types.IvkTestOperation",
                  description="an edit of the ivk_test_nodes pack"),
    TypeExtension(ref="IvkTestStyleField", python_type="ivk_test_types.IvkTestStyle"),
]
