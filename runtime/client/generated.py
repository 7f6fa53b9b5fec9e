"""The base of the dataclasses that ivk-codegen generates: values out, runs in.

A generated class holds one attribute per Form input; this mixin turns them into the JSON
each node field takes, and hands the workflow and those values to a client. It never
reimplements the client: every run goes through the same core as the seed API.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from pydantic import ConfigDict

from ..errors import WorkflowError
from .values import to_field_json

if TYPE_CHECKING:
    from ..graph.drift import Expectation
    from ..workflow import Workflow
    from .results import RunResult
    from .runner import AsyncRunner, Progress, Runner

__all__ = ["GeneratedWorkflow", "InputSpec", "workflow_config"]

# Assignment is validated so a wrong value fails where it is set, naming the attribute;
# strict so that what passes at run time is what mypy checked ("5" is not an int).
workflow_config = ConfigDict(validate_assignment=True, extra="forbid", strict=True)

_W = TypeVar("_W", bound="GeneratedWorkflow")


@dataclass(frozen=True)
class InputSpec:
    """Where an attribute goes: the Form index, the node and field it sets, and its kind."""

    index: int
    attribute: str
    node_id: str
    field: str
    kind: str = "value"  # "value", or "image"/"board" whose str form needs wrapping
    # What the input was generated against, checked against each server before the first run
    # (modules generated before these were recorded leave them empty: nothing to check).
    node_type: str = ""
    node_version: str = ""
    signature: str = ""  # graph.drift.field_signature of the field in that schema


class GeneratedWorkflow:
    """Mixin of generated workflow dataclasses."""

    _inputs: ClassVar[tuple[InputSpec, ...]]
    _workflow_source: ClassVar[str]
    # (attribute, node id, field) of inputs since gone: the generator never reuses the names
    _retired: ClassVar[tuple[tuple[str, str, str], ...]] = ()

    @classmethod
    def workflow(cls) -> Workflow:
        """The embedded workflow, parsed once, checked against the generated inputs."""
        return _parse_embedded(cls)

    @classmethod
    def input_specs(cls) -> tuple[InputSpec, ...]:
        return cls._inputs

    def to_values(self) -> dict[int, Any]:
        """Form index -> the JSON each node field takes (local image files stay Paths)."""
        values: dict[int, Any] = {}
        for spec in self._inputs:
            values[spec.index] = to_field_json(getattr(self, spec.attribute), spec.kind)
        return values

    @classmethod
    def expectations(cls) -> tuple[Expectation, ...]:
        """What each input was generated against, for the client's drift check (made once)."""
        if cls not in _EXPECTED:
            from ..graph.drift import Expectation  # the graph layer loads on first use, not import

            _EXPECTED[cls] = tuple(
                Expectation(s.attribute, s.node_type, s.node_version, s.field, s.signature)
                for s in cls._inputs
                if s.node_type
            )
        return _EXPECTED[cls]

    @classmethod
    def json_schema(cls) -> dict[str, Any]:
        """The JSON schema of the inputs: names, types, bounds, choices, defaults, docstrings."""
        from .generated_data import json_schema

        return json_schema(cls)

    def to_dict(self) -> dict[str, Any]:
        """The values as JSON-safe data (``from_dict`` makes them an instance again)."""
        from .generated_data import to_dict

        return to_dict(self)

    @classmethod
    def from_dict(cls: type[_W], data: dict[str, Any]) -> _W:
        """An instance from ``to_dict``'s data (or any JSON of it), validated strictly."""
        from .generated_data import from_dict

        return from_dict(cls, data)

    @classmethod
    def attribute_names(cls) -> dict[int, str]:
        return {spec.index: spec.attribute for spec in cls._inputs}

    def run(
        self,
        client: Runner,
        *,
        timeout: float | None = None,
        progress: Progress = None,
    ) -> RunResult:
        """Run the workflow with these values on the client's server and wait for it."""
        return client.run(
            self.workflow(),
            self.to_values(),
            attribute_names=self.attribute_names(),
            timeout=timeout,
            progress=progress,
            expects=self.expectations(),
        )

    async def arun(
        self,
        client: AsyncRunner,
        *,
        timeout: float | None = None,
        progress: Progress = None,
    ) -> RunResult:
        """As ``run``, on the async client."""
        return await client.run(
            self.workflow(),
            self.to_values(),
            attribute_names=self.attribute_names(),
            timeout=timeout,
            progress=progress,
            expects=self.expectations(),
        )

    @classmethod
    def run_many(
        cls: type[_W],
        client: Runner,
        params: Sequence[_W],
        *,
        timeout: float | None = None,
        progress: Progress = None,
    ) -> list[RunResult]:
        """Run several value sets as one batch; results come back in the order given."""
        return client.run_many(
            cls.workflow(),
            [p.to_values() for p in params],
            attribute_names=cls.attribute_names(),
            timeout=timeout,
            progress=progress,
            expects=cls.expectations(),
        )

    @classmethod
    async def arun_many(
        cls: type[_W],
        client: AsyncRunner,
        params: Sequence[_W],
        *,
        timeout: float | None = None,
        progress: Progress = None,
    ) -> list[RunResult]:
        """As ``run_many``, on the async client."""
        return await client.run_many(
            cls.workflow(),
            [p.to_values() for p in params],
            attribute_names=cls.attribute_names(),
            timeout=timeout,
            progress=progress,
            expects=cls.expectations(),
        )


_PARSED: dict[type[GeneratedWorkflow], Workflow] = {}
_EXPECTED: dict[type[GeneratedWorkflow], tuple[Expectation, ...]] = {}


def _parse_embedded(cls: type[GeneratedWorkflow]) -> Workflow:
    if cls not in _PARSED:
        _PARSED[cls] = _parse_and_check(cls)
    return _PARSED[cls]


def _parse_and_check(cls: type[GeneratedWorkflow]) -> Workflow:
    # The JSON sits at the end of the generated module, out of the reader's way.
    text = getattr(sys.modules[cls.__module__], "_WORKFLOW_JSON", None)
    if not isinstance(text, str):
        raise WorkflowError(cls._workflow_source, None, f"{cls.__module__} embeds no workflow")
    from ..workflow import parse_workflow  # loaded with the first run, not the module

    workflow = parse_workflow(json.loads(text), cls._workflow_source)
    # The module and the runtime must agree on what each index sets, or values go astray.
    for spec in cls._inputs:
        if spec.index >= len(workflow.inputs):
            raise WorkflowError(cls._workflow_source, f"input {spec.index}", "no such Form input")
        found = workflow.inputs[spec.index]
        if (found.node_id, found.field_name) != (spec.node_id, spec.field):
            raise WorkflowError(
                cls._workflow_source,
                f"input {spec.index} ({spec.attribute})",
                f"the runtime reads node {found.node_id!r} field {found.field_name!r} where the "
                f"module expects node {spec.node_id!r} field {spec.field!r}; regenerate the module",
            )
    return workflow
