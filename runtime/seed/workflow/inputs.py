"""``IvkWorkflowInput``: one Form input of a workflow handle, with its typed field."""

from __future__ import annotations

from typing import Any

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


class IvkWorkflowInput:
    """Input ``input_index`` (depth-first order of the Form): where it goes and its field.

    ``label`` is the field's label in the workflow ("" when it has none, as in the seed: show
    ``label or field_name``); ``node_name`` the node's label, else its type.
    """

    def __init__(
        self,
        *,
        input_index: int,
        label: str,
        node_name: str,
        node_id: str,
        node_type: str,
        field_name: str,
        field: IvkField[Any],
        required: bool,
        description: str = "",
    ) -> None:
        self.input_index = input_index
        self.label = label
        self.node_name = node_name
        self.node_id = node_id
        self.node_type = node_type
        self.field_name = field_name
        self.required = required
        self.description = description
        self._field = field

    @property
    def field(self) -> IvkField[Any]:
        return self._field

    @field.setter
    def field(self, value: IvkField[Any]) -> None:
        # The concrete type is fixed: what the schema says the node takes does not change.
        if type(value) is not type(self._field):
            raise TypeError(
                f"input {self.input_index}: expected {type(self._field).__name__}, "
                f"got {type(value).__name__}"
            )
        self._field = value

    @property
    def jsonpath(self) -> str:
        """Where the value sits in the workflow JSON (the seed's locator)."""
        return f"$.nodes[?(@.id='{self.node_id}')].data.inputs.{self.field_name}"

    def is_set(self) -> bool:
        f = self._field
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
        return self._field.validate_field()

    def __repr__(self) -> str:
        return (
            f"IvkWorkflowInput(input_index={self.input_index}, label={self.label!r}, "
            f"node_name={self.node_name!r}, field_name={self.field_name!r}, "
            f"field={self._field!r})"
        )


# The seed's name for a Form-exposed board field of an output node.
IvkWorkflowOutput = IvkWorkflowInput
