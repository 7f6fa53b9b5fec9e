"""Generated modules under pyright --strict, as a user's editor sees them: the examples and
typing_cases/usage_ok.py pass; each wrong line of typing_cases/usage_bad.py is an error.

(pyright 1.1.407 took a pydantic dataclass for ``PydanticDataclass`` and refused every
constructor keyword; the test dependency asks for a pyright after it.)
"""

from __future__ import annotations

import json
import pathlib
import re
import shutil
import subprocess
import sys

import pytest

from codegen_support import EXAMPLES, OWN, TYPING_CASES, run_cli

USAGE_OK = TYPING_CASES / "usage_ok.py"
USAGE_BAD = TYPING_CASES / "usage_bad.py"


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[int]]:
    """File name -> lines pyright --strict reports an error on, over one copy of everything."""
    folder = tmp_path_factory.mktemp("pyright")
    for path in [*EXAMPLES.glob("*.py"), USAGE_OK, USAGE_BAD]:
        shutil.copy(path, folder / path.name)
    assert run_cli([OWN / "resize_upload.json", "-o", folder / "resize_upload.py", "-q"]).code == 0
    config = {"typeCheckingMode": "strict", "pythonVersion": f"{sys.version_info[0]}.{sys.version_info[1]}",
              "reportUnnecessaryTypeIgnoreComment": False, "enableTypeIgnoreComments": False}  # fmt: skip
    (folder / "pyrightconfig.json").write_text(json.dumps(config))
    pyright = pathlib.Path(sys.executable).with_name("pyright")
    result = subprocess.run(
        [str(pyright), "--outputjson", "--pythonpath", sys.executable, "-p", str(folder)],
        cwd=folder, capture_output=True, text=True, check=False,
    )  # fmt: skip
    report = json.loads(result.stdout)
    lines: dict[str, list[int]] = {}
    for d in report["generalDiagnostics"]:
        if d["severity"] == "error":
            lines.setdefault(pathlib.Path(d["file"]).name, []).append(d["range"]["start"]["line"] + 1)
    assert report["summary"]["filesAnalyzed"] >= 8, result.stdout[-2000:]
    return lines


def test_examples_and_usage_pass_pyright_strict(checked: dict[str, list[int]]) -> None:
    clean = {name: lines for name, lines in checked.items() if name != USAGE_BAD.name}
    assert clean == {}


def test_every_wrong_line_is_a_pyright_error(checked: dict[str, list[int]]) -> None:
    ignore = re.compile(r"# type: ignore\[[a-z-]+\]\s*$")
    wrong = {n for n, line in enumerate(USAGE_BAD.read_text().splitlines(), 1) if ignore.search(line)}
    assert len(wrong) >= 10
    assert set(checked.get(USAGE_BAD.name, [])) == wrong
