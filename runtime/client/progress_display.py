"""``progress=True``: a live bar on a terminal (rich draws it), nothing elsewhere.

One line counts the runs done out of the total; one shows the running node's steps; each
failure is printed above them as it happens. rich is imported only when a bar is shown.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ..events.waiter import ProgressFn
from .terminal_text import printable

if TYPE_CHECKING:
    from ..events import ProgressEvent
    from .runner import Progress

__all__ = ["progress_callback"]

_ENDED = {"completed": "done", "failed": "failed", "canceled": "canceled"}


@contextlib.contextmanager
def progress_callback(progress: Progress, runs: int) -> Iterator[ProgressFn | None]:
    """The callback a wait takes for ``progress``; a bar lives while the block runs."""
    if progress is None or progress is False:
        yield None
    elif progress is True:
        with _bar(runs) as callback:
            yield callback
    elif callable(progress):
        yield progress
    else:
        raise TypeError(f"progress must be True, False, None or a callable, not {progress!r}")


@contextlib.contextmanager
def _bar(runs: int) -> Iterator[ProgressFn | None]:
    try:
        from rich.console import Console
    except ImportError:  # an optional extra: say how to get it rather than draw nothing
        raise ImportError("progress=True needs rich: pip install 'ivk-codegen[progress]'") from None
    console = Console(stderr=True)
    if not console.is_terminal:
        yield None
        return
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    # markup off: node names and messages come from the server; "amount": "3/8" runs, "40%" steps
    columns = (
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        TextColumn("{task.fields[amount]}", markup=False),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=False) as bar:
        yield _Display(bar, runs).on_event


class _Display:
    def __init__(self, bar: Any, runs: int) -> None:
        self._bar = bar
        self._runs = bar.add_task("runs", total=max(runs, 1), amount=f"0/{runs}")
        self._step = bar.add_task("waiting", total=100, amount="", visible=False)
        self._seen: set[int] = set()
        self._ended: dict[int, str] = {}
        self._failed = 0

    def on_event(self, event: ProgressEvent) -> None:
        bar = self._bar
        if event.item_id not in self._seen:
            self._seen.add(event.item_id)
            # batch nodes make more queue items than runs asked for: the total follows them
            if len(self._seen) > bar.tasks[self._runs].total:
                done = len(self._ended)
                bar.update(self._runs, total=len(self._seen), amount=f"{done}/{len(self._seen)}")
        if event.kind == "status" and event.status in _ENDED and event.item_id not in self._ended:
            self._ended[event.item_id] = event.status
            if event.status != "completed":
                self._failed += 1
                why = f": {event.message}" if event.message else ""
                bar.console.print(
                    printable(f"run {event.item_id} {_ENDED[event.status]}{why}"),
                    markup=False,
                    highlight=False,
                )
            label = f"runs ({self._failed} failed)" if self._failed else "runs"
            done, total = len(self._ended), bar.tasks[self._runs].total
            bar.update(self._runs, completed=done, description=label, amount=f"{done}/{total:g}")
            if done >= total:
                bar.update(self._step, visible=False)
        elif event.kind in ("started", "progress"):
            node = event.node_type or event.node_id or "node"
            text = printable(f"{node}: {event.message}" if event.message else node)
            pct = event.percentage
            completed = 100 * pct if pct is not None and pct <= 1 else (pct or 0)
            shown = f"{completed:.0f}%" if pct is not None else ""
            bar.update(
                self._step, description=text[:60], completed=completed, amount=shown, visible=True
            )
