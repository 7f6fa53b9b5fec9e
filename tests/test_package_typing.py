"""Our own packages and the benchmarks pass mypy --strict (the generated modules are checked
in tests/codegen): the benchmarks use the clients' internals, and no test runs them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    "targets",
    [
        ["-p", "ivk_codegen", "-p", "ivk_runtime"],
        [str(ROOT / "benchmarks" / name) for name in ("codegen_bench.py", "runtime_bench.py", "import_bench.py")],
    ],
    ids=["packages", "benchmarks"],
)
def test_passes_mypy_strict(targets: list[str]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml"), *targets],
        capture_output=True, text=True, cwd=ROOT, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
