"""A tiny InvokeAI node pack of the project's own, for the custom field type tests.

scripts/invokeai-server.sh copies it into a server's ``nodes/`` folder when IVK_NODE_PACKS names
it (scripts/test.sh does so for the 6.14.2 server). Its two field types are models of their own,
so InvokeAI's schema ``$ref``s them and its GUI treats them as connection-only. Strict, with no
defaults and no extra keys: a value that arrives changed fails validation instead of passing
unnoticed, and the node's output is exactly what it received.
"""

import json
from typing import Literal

from pydantic import BaseModel, ConfigDict

from invokeai.invocation_api import (
    BaseInvocation,
    InputField,
    InvocationContext,
    StringOutput,
    invocation,
)


class IvkTestOperationField(BaseModel):
    """An edit to a text: taken by the client as a pydantic model."""

    model_config = ConfigDict(extra="forbid", strict=True)
    op: Literal["append", "prepend"]
    text: str
    times: int


class IvkTestStyleField(BaseModel):
    """A named style: taken by the client as a dataclass."""

    model_config = ConfigDict(extra="forbid", strict=True)
    name: str
    weight: float
    tags: list[str]


@invocation(
    "ivk_test_echo_fields",
    title="IVK Test Echo Fields",
    tags=["test"],
    category="test",
    version="1.0.0",
    use_cache=False,
)
class IvkTestEchoFieldsInvocation(BaseInvocation):
    """Outputs, as JSON with sorted keys, the custom field values it received."""

    operation: IvkTestOperationField = InputField(description="The edit to echo")
    style: IvkTestStyleField = InputField(description="The style to echo")

    def invoke(self, context: InvocationContext) -> StringOutput:
        received = {"operation": self.operation.model_dump(mode="json"), "style": self.style.model_dump(mode="json")}
        return StringOutput(value=json.dumps(received, sort_keys=True))
