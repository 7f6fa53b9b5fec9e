"""A pool is a runner to the type checkers: a generated module's ``params.run(pool)``,
``params.arun(apool)`` and ``MyWf.run_many(pool, [...])`` pass mypy --strict and pyright
--strict, and a sync pool where an async one belongs (or the other way) is an error."""

from __future__ import annotations

import json
import os
import pathlib
import shutil
import subprocess
import sys

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "generated_examples"

USES = """\
from __future__ import annotations

from blur_image import BlurImage
from ivk_runtime import AsyncInvokeAIPool, InvokeAIPool
from ivk_runtime.client.results import RunResult
from ivk_runtime.client.runner import AsyncRunner, Runner


def sync_uses(pool: InvokeAIPool) -> list[RunResult]:
    runner: Runner = pool
    one: RunResult = BlurImage(width=32).run(runner, timeout=60)
    many = BlurImage.run_many(pool, [BlurImage(width=16), BlurImage(width=24)], progress=True)
    return [one, *many]


async def async_uses(apool: AsyncInvokeAIPool) -> list[RunResult]:
    runner: AsyncRunner = apool
    one: RunResult = await BlurImage(width=32).arun(runner)
    many = await BlurImage.arun_many(apool, [BlurImage()], progress=print)
    return [one, *many]


def with_blocks() -> None:
    with InvokeAIPool(["http://a:9090", "http://b:9090"], token=None, timeout=10.0) as pool:
        sync_uses(pool)


def wrong(pool: InvokeAIPool, apool: AsyncInvokeAIPool) -> None:
    BlurImage().arun(pool)  # WRONG
    BlurImage().run(apool)  # WRONG
    BlurImage.run_many(pool, BlurImage())  # WRONG
"""


@pytest.fixture(scope="module")
def uses(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    folder = tmp_path_factory.mktemp("pool_typing")
    (folder / "pool_uses.py").write_text(USES)
    shutil.copy(EXAMPLES / "blur_image.py", folder / "blur_image.py")
    return folder


def _wrong_lines() -> set[int]:
    return {n for n, line in enumerate(USES.splitlines(), 1) if line.endswith("# WRONG")}


def test_mypy_strict(uses: pathlib.Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--config-file", str(REPO / "pyproject.toml"),
         "--cache-dir", str(uses / ".mypy_cache"), "--no-error-summary", "--no-color-output",
         "pool_uses.py"],
        cwd=uses, capture_output=True, text=True, env={**os.environ, "MYPYPATH": str(uses)},
    )  # fmt: skip
    lines = {
        int(line.split(":")[1])
        for line in done.stdout.splitlines()
        if line.startswith("pool_uses.py:") and ": error:" in line
    }
    assert lines == _wrong_lines(), done.stdout + done.stderr


def test_pyright_strict(uses: pathlib.Path) -> None:
    pyright = pathlib.Path(sys.executable).with_name("pyright")
    config = {"typeCheckingMode": "strict", "include": ["pool_uses.py"],
              "pythonVersion": f"{sys.version_info[0]}.{sys.version_info[1]}"}  # fmt: skip
    (uses / "pyrightconfig.json").write_text(json.dumps(config))
    done = subprocess.run(
        [str(pyright), "--outputjson", "--pythonpath", sys.executable, "-p", str(uses)],
        cwd=uses, capture_output=True, text=True, check=False,
    )  # fmt: skip
    report = json.loads(done.stdout)
    lines = {
        d["range"]["start"]["line"] + 1
        for d in report["generalDiagnostics"]
        if d["severity"] == "error" and pathlib.Path(d["file"]).name == "pool_uses.py"
    }
    assert lines == _wrong_lines(), done.stdout[-3000:]
