"""Helpers shared by the generator's tests: paths, the CLI in-process, imports by path, mypy."""

from __future__ import annotations

import ast
import contextlib
import importlib.util
import io
import itertools
import json
import os
import pathlib
import subprocess
import sys
import types
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ivk_codegen.cli import main as cli_main

REPO = pathlib.Path(__file__).resolve().parents[2]
CORPUS = REPO / "tests" / "corpus" / "workflows"
OWN = REPO / "tests" / "workflows"
EXAMPLES = REPO / "generated_examples"
TYPING_CASES = pathlib.Path(__file__).resolve().parent / "typing_cases"
SHARED = pathlib.Path(__file__).resolve().parents[3] / "shared"
SHARED_CORPUS = SHARED / "corpus" / "workflows"
SCHEMA_6_8 = SHARED / "invokeai" / "openapi" / "invokeai-6.8.json"
PYPROJECT = REPO / "pyproject.toml"


def corpus(name: str) -> pathlib.Path:
    return CORPUS / name


def all_fixtures() -> list[pathlib.Path]:
    """Every workflow file the project holds: the corpus subset and its own workflows."""
    return sorted(CORPUS.glob("*.json")) + sorted(OWN.glob("*.json"))


@dataclass
class CliResult:
    code: int
    out: str
    err: str


def run_cli(argv: Sequence[str | os.PathLike[str]]) -> CliResult:
    """``ivk-codegen`` in this process; SystemExit (argparse's --version, usage) becomes a code."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = cli_main([str(a) for a in argv])
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    return CliResult(code, out.getvalue(), err.getvalue())


_counter = itertools.count()


def import_path(path: pathlib.Path, prefix: str = "ivk_gen_test") -> types.ModuleType:
    """Import a file under a name no other import uses. It stays in sys.modules: the runtime
    finds the embedded workflow through ``sys.modules[cls.__module__]``."""
    name = f"{prefix}_{next(_counter)}"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(name, None)
        raise
    return module


def import_source(code: str, tmp_dir: pathlib.Path, stem: str = "generated") -> types.ModuleType:
    path = tmp_dir / f"{stem}_{next(_counter)}.py"
    path.write_text(code, encoding="utf-8")
    return import_path(path)


def generated_class(module: types.ModuleType) -> type[Any]:
    (name,) = module.__all__
    cls = getattr(module, name)
    assert isinstance(cls, type)
    return cls


def class_node(code: str) -> ast.ClassDef:
    classes = [n for n in ast.parse(code).body if isinstance(n, ast.ClassDef)]
    assert len(classes) == 1
    return classes[0]


def attribute_docs(code: str) -> dict[str, str]:
    """Attribute name -> the raw value of the string statement right after it."""
    body = class_node(code).body
    docs: dict[str, str] = {}
    for stmt, nxt in zip(body, body[1:]):
        if (
            isinstance(stmt, ast.AnnAssign)
            and isinstance(stmt.target, ast.Name)
            and isinstance(nxt, ast.Expr)
            and isinstance(nxt.value, ast.Constant)
            and isinstance(nxt.value.value, str)
        ):
            docs[stmt.target.id] = nxt.value.value
    return docs


def attribute_defaults(code: str) -> dict[str, ast.expr | None]:
    """Attribute name -> its default expression (None when it has none); ClassVars excluded."""
    found: dict[str, ast.expr | None] = {}
    for stmt in class_node(code).body:
        if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            if "ClassVar" in ast.unparse(stmt.annotation):
                continue
            found[stmt.target.id] = stmt.value
    return found


def annotations_of(code: str) -> dict[str, str]:
    """Attribute name -> its annotation as source; ClassVars excluded."""
    found: dict[str, str] = {}
    for stmt in class_node(code).body:
        if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            text = ast.unparse(stmt.annotation)
            if not text.startswith("ClassVar"):
                found[stmt.target.id] = text
    return found


def undent_docstring(raw: str, indent: int = 4) -> str:
    """A docstring's raw value with the body indentation the generator adds taken off."""
    lines = raw.split("\n")
    pad = " " * indent
    return "\n".join([lines[0]] + [ln[indent:] if ln.startswith(pad) else ln for ln in lines[1:]])


def mypy(
    files: Sequence[pathlib.Path],
    cache_dir: pathlib.Path,
    *,
    mypy_path: Sequence[pathlib.Path] = (),
    cwd: pathlib.Path | None = None,
) -> subprocess.CompletedProcess[str]:
    """``mypy --strict`` with the project's [tool.mypy] (warn_unused_ignores, pydantic plugin)."""
    env = {**os.environ, "MYPYPATH": os.pathsep.join(str(p) for p in mypy_path)}
    env.pop("MYPY_FORCE_COLOR", None)
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--config-file", str(PYPROJECT),
         "--cache-dir", str(cache_dir), "--no-color-output", "--no-error-summary",
         "--show-error-codes", *map(str, files)],  # fmt: skip
        cwd=cwd or REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def canonical(data: Any) -> str:
    return json.dumps(data, sort_keys=True)
