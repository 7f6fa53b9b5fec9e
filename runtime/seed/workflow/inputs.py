"""``IvkWorkflowInput``: one Form input of a workflow handle, with its typed field (a pydantic
model, as the seed's was: ``model_dump()``, ``model_copy()``, keyword construction)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, PrivateAttr

from ..fields import (
    IvkBoardField,
    IvkBooleanField,
    IvkEnumField,
    IvkField,
    IvkFloatField,
    IvkImageField,
    IvkIntegerField,
    IvkModelIdentifierField,
    IvkStringField,
)

__all__ = ["IvkWorkflowInput", "IvkWorkflowOutput"]

_VALUE_FIELDS = (
    IvkStringField,
    IvkIntegerField,
    IvkFloatField,
    IvkBooleanField,
    IvkEnumField,
    IvkBoardField,
    IvkImageField,
)


class IvkWorkflowInput(BaseModel):
    """Input ``input_index`` (depth-first order of the Form): where it goes and its field.

    ``label`` is the field's label in the workflow ("" when it has none, as in the seed: show
    ``label or field_name``); ``node_name`` the node's label, else its type; ``jsonpath``
    where the value sits in the workflow JSON. ``node_type`` and ``description`` are ours (a
    handle fills them; "" when not given).

    The concrete class of ``field`` is fixed at construction: assigning another class raises
    TypeError and leaves the input as it was.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True, validate_assignment=True)

    label: str
    node_name: str
    node_id: str
    field_name: str
    field: IvkField[Any]
    required: bool
    input_index: int
    jsonpath: str
    node_type: str = ""
    description: str = ""

    _field_type: type[IvkField[Any]] = PrivateAttr()

    def model_post_init(self, context: Any, /) -> None:
        self._field_type = type(self.field)

    def __setattr__(self, name: str, value: Any) -> None:
        # Checked before assigning: the seed raised too, but only after the field had changed.
        if name == "field" and type(value) is not self._field_type:
            raise TypeError(
                "Cannot reassign 'field' with different type: "
                f"expected {self._field_type.__name__}, got {type(value).__name__}"
            )
        super().__setattr__(name, value)

    def is_set(self) -> bool:
        f = self.field
        if isinstance(f, IvkModelIdentifierField):
            return f.is_set()
        if isinstance(f, _VALUE_FIELDS):
            return f.value is not None
        return True

    def validate_input(self) -> bool:
        """Raise ValueError when a required input has no value (values themselves were
        validated when assigned)."""
        if self.required and not self.is_set():
            raise ValueError(f"Required field '{self.label or self.field_name}' is not set")
        return self.field.validate_field()


# The seed's name for a Form-exposed board field of an output node.
IvkWorkflowOutput = IvkWorkflowInput
