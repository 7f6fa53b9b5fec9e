"""progress=True: what the bar counts and prints, fed the events a wait hands it."""

from __future__ import annotations

import io

import pytest
from rich.console import Console
from rich.progress import Progress

from ivk_runtime.client.progress_display import _Display, progress_callback
from ivk_runtime.events import ProgressEvent


def test_off_a_terminal_nothing_is_drawn_and_a_callback_passes_through(capsys: pytest.CaptureFixture[str]) -> None:
    with progress_callback(True, 3) as callback:  # pytest's stderr is no terminal
        assert callback is None
    seen: list[ProgressEvent] = []
    with progress_callback(seen.append, 3) as callback:
        assert callback == seen.append
    for off in (None, False):
        with progress_callback(off, 3) as callback:
            assert callback is None
    with pytest.raises(TypeError, match="progress must be"):
        with progress_callback("yes", 3):  # type: ignore[arg-type]
            pass
    assert capsys.readouterr().err == ""


def test_the_bar_counts_runs_follows_steps_and_prints_each_failure_once() -> None:
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=100)
    with Progress(console=console, auto_refresh=False) as bar:
        display = _Display(bar, 2)
        runs = bar.tasks[0]
        display.on_event(ProgressEvent(7, "started", "in_progress", node_type="img_blur"))
        display.on_event(ProgressEvent(7, "progress", "in_progress", node_type="img_blur", percentage=0.5))
        assert bar.tasks[1].completed == 50 and bar.tasks[1].visible
        display.on_event(ProgressEvent(7, "status", "completed"))
        display.on_event(ProgressEvent(8, "status", "failed", message="ZeroDivisionError"))
        display.on_event(ProgressEvent(8, "status", "failed", message="ZeroDivisionError"))
        # a batch node's third queue item: the total follows the items seen
        display.on_event(ProgressEvent(9, "status", "in_progress"))
        assert (runs.completed, runs.total, runs.description) == (2, 3, "runs (1 failed)")
        display.on_event(ProgressEvent(9, "status", "canceled"))
        assert runs.completed == 3 and not bar.tasks[1].visible
    text = out.getvalue()
    assert text.count("run 8 failed: ZeroDivisionError") == 1
    assert "run 9 canceled" in text
