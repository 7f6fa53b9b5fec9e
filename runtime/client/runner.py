"""What a generated module runs on: anything with a client's ``run``/``run_many`` (a client,
or a pool of servers), and the ``progress`` a run takes (a callback, or True for a bar)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol, Union

if TYPE_CHECKING:
    from ..events import ProgressEvent
    from ..graph.drift import Expectation
    from ..workflow import Workflow
    from .results import RunResult

__all__ = ["AsyncRunner", "Progress", "Runner"]

# A callback for each event, True for a live bar on a terminal (nothing elsewhere), or None.
Progress = Union[bool, Callable[["ProgressEvent"], None], None]


class Runner(Protocol):
    """``InvokeAIClient`` or ``InvokeAIPool``."""

    def run(
        self,
        workflow: Workflow,
        values: Mapping[int, Any] = ...,
        *,
        attribute_names: Mapping[int, str] | None = None,
        timeout: float | None = None,
        progress: Progress = None,
        expects: Sequence[Expectation] = (),
    ) -> RunResult: ...

    def run_many(
        self,
        workflow: Workflow,
        values_list: Sequence[Mapping[int, Any]],
        *,
        attribute_names: Mapping[int, str] | None = None,
        timeout: float | None = None,
        progress: Progress = None,
        expects: Sequence[Expectation] = (),
    ) -> list[RunResult]: ...


class AsyncRunner(Protocol):
    """``AsyncInvokeAIClient`` or ``AsyncInvokeAIPool``."""

    async def run(
        self,
        workflow: Workflow,
        values: Mapping[int, Any] = ...,
        *,
        attribute_names: Mapping[int, str] | None = None,
        timeout: float | None = None,
        progress: Progress = None,
        expects: Sequence[Expectation] = (),
    ) -> RunResult: ...

    async def run_many(
        self,
        workflow: Workflow,
        values_list: Sequence[Mapping[int, Any]],
        *,
        attribute_names: Mapping[int, str] | None = None,
        timeout: float | None = None,
        progress: Progress = None,
        expects: Sequence[Expectation] = (),
    ) -> list[RunResult]: ...
