"""Generator speed, measured side by side in one run.

    python benchmarks/codegen_bench.py [CORPUS_DIR] [--repeat N]

Prints: the whole corpus generated in one process (workflows per second, total seconds), and
the one-file CLI's wall time as a ratio to the floor of its own imports
(`python -c "import jinja2, libcst, black, pydantic"`), the two alternated N times.
Goals on a 2-core machine: the corpus in under 10 s; the CLI at most 1.3x its import floor.
"""

from __future__ import annotations

import argparse
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "workflows"
ONE_FILE = ROOT / "tests" / "workflows" / "blur_image.json"
FLOOR = [sys.executable, "-c", "import jinja2, libcst, black, pydantic"]


def corpus_run(corpus: pathlib.Path, out: pathlib.Path) -> tuple[int, int, float]:
    from ivk_codegen.pipeline import generate
    from ivk_codegen.schema_source import load_schema
    from ivk_codegen.writer import write_if_changed
    from ivk_runtime.errors import IvkError

    started = time.perf_counter()
    schema = load_schema()
    ok = refused = 0
    for i, path in enumerate(sorted(corpus.glob("*.json"))):
        try:
            generated = generate(path, schema)
        except IvkError:
            refused += 1
            continue
        write_if_changed(out / f"m{i:04d}.py", generated.code)
        ok += 1
    return ok, refused, time.perf_counter() - started


def wall(cmd: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", nargs="?", type=pathlib.Path, default=DEFAULT_CORPUS)
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()
    if not args.corpus.is_dir():
        print(f"no corpus at {args.corpus}", file=sys.stderr)
        return 2

    with tempfile.TemporaryDirectory() as tmp:
        ok, refused, seconds = corpus_run(args.corpus, pathlib.Path(tmp))
        total = ok + refused
        print(f"corpus: {total} workflows ({ok} generated, {refused} refused as bad input) "
              f"in {seconds:.2f} s = {total / seconds:.1f} workflows/s  [goal: < 10 s]")

        cli = [sys.executable, "-m", "ivk_codegen.cli", str(ONE_FILE), "-o", f"{tmp}/one.py", "-q"]
        wall(FLOOR), wall(cli)  # warm the OS file cache for both
        floors, clis = [], []
        for _ in range(args.repeat):  # alternate, so load on the machine hits both alike
            floors.append(wall(FLOOR))
            clis.append(wall(cli))
    floor, one = statistics.median(floors), statistics.median(clis)
    print(f"one-file CLI: median {one * 1000:.0f} ms; import floor: median {floor * 1000:.0f} ms; "
          f"ratio {one / floor:.2f}x  [goal: <= 1.3x]")
    return 0


if __name__ == "__main__":
    sys.exit(main())
