"""Every real workflow of the corpus through the CLI: a module that imports and has exactly one
attribute per Form input, in Form order; or exit 2 with a one-line error naming the file and no
output. Then one mypy --strict run over the shared corpus's modules (when ../shared is there).
"""

from __future__ import annotations

import dataclasses
import json
import pathlib
import re
import time
from collections.abc import Callable
from typing import Any

import pytest

from codegen_support import CORPUS, SHARED_CORPUS, generated_class, import_path, mypy, run_cli
from ivk_runtime.errors import WorkflowError
from ivk_runtime.workflow import load_workflow

LOCAL = sorted(CORPUS.glob("*.json"))
SHARED = sorted(SHARED_CORPUS.glob("*.json")) if SHARED_CORPUS.is_dir() else []
_NO_SHARED = f"the shared corpus is not at {SHARED_CORPUS}"


def _check_one(workflow: pathlib.Path, out_dir: pathlib.Path, stem: str) -> pathlib.Path | None:
    """Generate ``workflow`` with the CLI; check the outcome; the module's path when made."""
    target = out_dir / f"{stem}.py"
    result = run_cli([workflow, "-o", target])
    assert result.code in (0, 2), f"{workflow.name}: exit {result.code}\n{result.err}"
    assert result.out == ""  # with -o nothing goes to stdout
    if result.code == 2:
        assert not target.exists(), f"{workflow.name}: exit 2 but {target.name} was written"
        lines = result.err.strip("\n").split("\n")
        assert len(lines) == 1, f"{workflow.name}: the error takes {len(lines)} lines:\n{result.err}"
        assert lines[0].startswith("ivk-codegen: error: ")
        assert workflow.name in lines[0]
        assert "Traceback" not in result.err
        # the loader agrees that the file cannot be used
        with pytest.raises(WorkflowError):
            load_workflow(workflow)
        return None

    assert target.is_file()
    assert "Traceback" not in result.err
    cls: Any = generated_class(import_path(target))
    assert "__dataclass_fields__" in vars(cls)  # a (pydantic) dataclass of its own
    inputs = load_workflow(workflow).inputs
    fields = [f.name for f in dataclasses.fields(cls)]
    assert len(fields) == len(inputs), workflow.name
    specs = cls._inputs
    assert [s.attribute for s in specs] == fields  # one field per Form input, in Form order
    assert [(s.index, s.node_id, s.field) for s in specs] == [
        (i.index, i.node_id, i.field_name) for i in inputs
    ]
    assert len(set(fields)) == len(fields)
    # the class's own check of the embedded workflow against its inputs passes
    assert len(cls.workflow().inputs) == len(inputs)
    return target


@pytest.mark.usefixtures("fast_schema")
@pytest.mark.parametrize("workflow", LOCAL, ids=[p.stem for p in LOCAL])
def test_local_corpus_workflow(workflow: pathlib.Path, tmp_path: pathlib.Path) -> None:
    _check_one(workflow, tmp_path, "module")


def test_local_corpus_has_both_outcomes(tmp_path: pathlib.Path) -> None:
    """The corpus subset exercises both branches: React-Flow dumps must be refused."""
    refused = [p for p in LOCAL if "pre-v1-reactflow-export" in _flags(p)]
    assert refused, "the corpus subset lost its React-Flow dumps"
    for path in refused:
        assert run_cli([path, "-o", tmp_path / "x.py", "-q"]).code == 2
    assert not (tmp_path / "x.py").exists()


def _flags(path: pathlib.Path) -> list[str]:
    manifest = json.loads((CORPUS.parent / "manifest.json").read_text(encoding="utf-8"))
    for entry in manifest:
        if pathlib.PurePath(entry["file"]).name == path.name:
            return list(entry.get("flags") or [])
    return []


@pytest.fixture(scope="module")
def shared_package(tmp_path_factory: pytest.TempPathFactory) -> tuple[pathlib.Path, list[str]]:
    """Every shared-corpus workflow generated into one package; (package dir, refused names)."""
    root = tmp_path_factory.mktemp("shared_corpus")
    package = root / "ivk_shared_corpus"
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    return package, []


@pytest.mark.skipif(not SHARED, reason=_NO_SHARED)
@pytest.mark.usefixtures("fast_schema")
def test_shared_corpus_generates_or_is_refused(
    shared_package: tuple[pathlib.Path, list[str]],
) -> None:
    """One test for the ~300 files (a parametrized test each would cost more than the work)."""
    package, refused = shared_package
    failures = []
    for n, workflow in enumerate(SHARED):
        stem = "m%03d_%s" % (n, re.sub(r"\W+", "_", workflow.stem.lower())[:40].strip("_"))
        try:
            if _check_one(workflow, package, stem) is None:
                refused.append(workflow.name)
        except AssertionError as exc:
            failures.append(f"{workflow.name}: {exc}")
    assert not failures, "\n\n".join(failures)
    made = len(list(package.glob("m*.py")))
    assert made + len(refused) == len(SHARED)
    assert made > len(SHARED) * 0.9, f"only {made} of {len(SHARED)} generate"


@pytest.mark.skipif(not SHARED, reason=_NO_SHARED)
def test_shared_corpus_modules_pass_mypy_strict(
    shared_package: tuple[pathlib.Path, list[str]],
    mypy_cache_dir: pathlib.Path,
    record_property: Callable[[str, object], None],
) -> None:
    package, _ = shared_package
    modules = sorted(package.glob("m*.py"))
    if not modules:
        pytest.skip("the generation test did not run (select it too)")
    started = time.monotonic()
    result = mypy([package], mypy_cache_dir, cwd=package.parent)
    elapsed = time.monotonic() - started
    record_property("mypy_seconds", round(elapsed, 1))
    print(f"mypy --strict over {len(modules)} shared-corpus modules: {elapsed:.1f} s")
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-2000:]
