"""A generated module's import time, measured side by side with its floor in one run.

    python benchmarks/import_bench.py [--repeat N]

Prints the median wall time of `python -c "import blur_image"` (generated_examples/) and of
its floor, `python -c "import httpx, pydantic"` (what any client of this kind loads), the two
alternated N times, and their ratio. Goal: at most 1.3x. The module's faces (its command line,
the MCP tool, progress bars, Pillow) must load only when used.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import statistics
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
MODULE = [sys.executable, "-c", "import blur_image"]
FLOOR = [sys.executable, "-c", "import httpx, pydantic"]
GOAL = 1.3


def wall(argv: list[str]) -> float:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "generated_examples")}
    started = time.perf_counter()
    subprocess.run(argv, check=True, env=env, cwd=ROOT)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    wall(MODULE), wall(FLOOR)  # warm the file cache and the bytecode
    module, floor = [], []
    for _ in range(args.repeat):
        module.append(wall(MODULE))
        floor.append(wall(FLOOR))
    m, f = statistics.median(module), statistics.median(floor)
    print(f"import blur_image       {m * 1000:7.1f} ms (median of {args.repeat})")
    print(f"import httpx, pydantic  {f * 1000:7.1f} ms (the floor)")
    print(f"ratio {m / f:.2f}x (goal at most {GOAL}x: {'met' if m / f <= GOAL else 'NOT met'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
