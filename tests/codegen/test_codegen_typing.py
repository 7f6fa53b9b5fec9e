"""Generated modules under mypy --strict (the project's [tool.mypy]: strict, warn_unused_ignores,
pydantic plugin): the examples and typing_cases/usage_ok.py pass; every line of
typing_cases/usage_bad.py is an error of the code its ``# type: ignore[...]`` names, and exactly
one; and what mypy accepts or rejects, the runtime accepts or rejects too.
"""

from __future__ import annotations

import copy
import json
import os
import pathlib
import re
import subprocess
import sys

import pytest

from codegen_support import EXAMPLES, OWN, TYPING_CASES, mypy, run_cli

USAGE_OK = TYPING_CASES / "usage_ok.py"
USAGE_BAD = TYPING_CASES / "usage_bad.py"
_IGNORE = re.compile(r"\s*# type: ignore\[([a-z-]+)\]\s*$")
_ERROR = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+): error: (?P<msg>.*)  \[(?P<code>[a-z-]+)\]$")


@pytest.fixture(scope="module")
def extra_modules(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    """``resize_upload.py``, generated now: the examples have no image input."""
    folder = tmp_path_factory.mktemp("typing_modules")
    result = run_cli([OWN / "resize_upload.json", "-o", folder / "resize_upload.py", "-q"])
    assert result.code == 0, result.err
    return folder


def _bad_lines() -> dict[int, str]:
    """Line number -> the error code its ignore comment names."""
    found = {}
    for number, line in enumerate(USAGE_BAD.read_text(encoding="utf-8").splitlines(), 1):
        m = _IGNORE.search(line)
        if m:
            found[number] = m.group(1)
    return found


def _errors(output: str) -> list[tuple[str, int, str]]:
    errors = []
    for line in output.splitlines():
        m = _ERROR.match(line)
        if m:
            errors.append((pathlib.Path(m["file"]).name, int(m["line"]), m["code"]))
    return errors


def test_usage_files_are_what_the_test_expects() -> None:
    bad = _bad_lines()
    assert len(bad) >= 10
    # the kinds of mistake the brief names are all there
    text = USAGE_BAD.read_text(encoding="utf-8")
    for needle in ('params.width = "x"', 'blur_type = "median"', "model=None", "params.unknown",
                   "widht="):  # fmt: skip
        assert needle in text
    assert "type: ignore" not in USAGE_OK.read_text(encoding="utf-8")


def test_examples_and_usage_pass_mypy_strict(
    extra_modules: pathlib.Path, mypy_cache_dir: pathlib.Path
) -> None:
    examples = sorted(EXAMPLES.glob("*.py"))
    assert len(examples) >= 5
    files = [*examples, extra_modules / "resize_upload.py", USAGE_OK, USAGE_BAD]
    result = mypy(files, mypy_cache_dir, mypy_path=[EXAMPLES, extra_modules])
    assert result.returncode == 0, result.stdout + result.stderr
    assert _errors(result.stdout) == []


def test_every_bad_line_is_exactly_one_error_without_its_ignore(
    extra_modules: pathlib.Path, mypy_cache_dir: pathlib.Path, tmp_path: pathlib.Path
) -> None:
    stripped = tmp_path / "usage_bad_stripped.py"
    lines = USAGE_BAD.read_text(encoding="utf-8").splitlines()
    stripped.write_text("\n".join(_IGNORE.sub("", ln) for ln in lines) + "\n", encoding="utf-8")
    assert not any(_IGNORE.search(ln) for ln in stripped.read_text(encoding="utf-8").splitlines())

    files = [*sorted(EXAMPLES.glob("*.py")), extra_modules / "resize_upload.py", stripped]
    result = mypy(files, mypy_cache_dir, mypy_path=[EXAMPLES, extra_modules])
    assert result.returncode == 1, result.stdout + result.stderr
    errors = _errors(result.stdout)
    assert all(name == stripped.name for name, _, _ in errors), result.stdout
    got = sorted((line, code) for _, line, code in errors)
    assert got == sorted(_bad_lines().items()), result.stdout


_RUNNER = r"""
import ast, json, sys
source = open(sys.argv[1], encoding="utf-8").read()
tree = ast.parse(source)
bad = {int(n) for n in sys.argv[2].split(",")}
setup = [s for s in tree.body if s.lineno not in bad]
env = {"__name__": "usage"}
exec(compile(ast.Module(setup, []), sys.argv[1], "exec"), env)
results = {}
for stmt in tree.body:
    if stmt.lineno in bad:
        try:
            exec(compile(ast.Module([stmt], []), sys.argv[1], "exec"), dict(env))
            results[stmt.lineno] = None
        except Exception as exc:
            results[stmt.lineno] = type(exc).__name__
print(json.dumps(results))
"""


def test_the_runtime_agrees_with_mypy(extra_modules: pathlib.Path) -> None:
    """usage_ok.py runs; each line of usage_bad.py alone raises (pydantic's strict
    validation on construction and assignment, or the dataclass's keyword-only __init__)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(EXAMPLES), str(extra_modules)])}
    ok = subprocess.run([sys.executable, str(USAGE_OK)], env=env, capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    bad = _bad_lines()
    run = subprocess.run(
        [sys.executable, "-c", _RUNNER, str(USAGE_BAD), ",".join(map(str, bad))],
        env=env,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    outcome = {int(k): v for k, v in json.loads(run.stdout).items()}
    assert set(outcome) == set(bad)
    accepted = [line for line, exc in outcome.items() if exc is None]
    assert accepted == [], f"lines of usage_bad.py the runtime accepts: {accepted}"
    assert set(outcome.values()) <= {"ValidationError", "TypeError"}, outcome


def test_object_default_of_a_json_input_passes_mypy(
    tmp_path: pathlib.Path, mypy_cache_dir: pathlib.Path
) -> None:
    data = json.loads((OWN / "blur_image.json").read_text(encoding="utf-8"))
    node = copy.deepcopy(data["nodes"][0])
    node["id"] = node["data"]["id"] = "custom-node"
    node["data"]["type"] = "my_pack_node"  # not in the schema: typed from its saved value
    node["data"]["inputs"] = {
        "options": {"name": "options", "label": "", "description": "", "value": {"a": 1, "b": 2}}
    }
    data["nodes"].append(node)
    data["form"]["elements"]["node-field-options"] = {
        "id": "node-field-options", "parentId": "root", "type": "node-field",
        "data": {"fieldIdentifier": {"nodeId": "custom-node", "fieldName": "options"},
                 "showDescription": True},
    }  # fmt: skip
    data["form"]["elements"]["root"]["data"]["children"].append("node-field-options")
    source = tmp_path / "custom_object.json"
    source.write_text(json.dumps(data), encoding="utf-8")
    result = run_cli([source, "-q", "-o", tmp_path / "custom_object.py"])
    assert result.code == 0, result.err
    code = (tmp_path / "custom_object.py").read_text(encoding="utf-8")
    assert "options: JsonValue = Field(default_factory=lambda: " in code
    checked = mypy([tmp_path / "custom_object.py"], mypy_cache_dir)
    assert checked.returncode == 0, checked.stdout
