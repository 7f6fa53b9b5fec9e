"""``ivk-codegen --server URL --workflow NAME_OR_ID``: modules generated from a real server's
workflow library (6.14.2, and 5.15.0's library), listed with ``--list-workflows``, checked with
``--check MODULE.py`` against the library's copy; ambiguous, missing and unreachable sources
are clear errors. The CLI runs as the installed ``ivk-codegen`` in a subprocess."""

from __future__ import annotations

import ast
import copy
import json
import os
import pathlib
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from codegen_support import OWN, generated_class, import_path
from ivk_codegen.library_source import parse_header
from ivk_runtime import InvokeAIClient

pytestmark = pytest.mark.server

BLUR = OWN / "blur_image.json"
IVK_CODEGEN = pathlib.Path(sys.executable).parent / "ivk-codegen"


def codegen(*argv: str | os.PathLike[str], cwd: pathlib.Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "INVOKEAI_TOKEN"}
    done = subprocess.run([str(IVK_CODEGEN), *map(str, argv)], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300, check=False)  # fmt: skip
    assert "Traceback" not in done.stderr, done.stderr
    return done


class Library:
    """Workflows this test saves to the server's library, deleted afterwards."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.http = httpx.Client(base_url=url, timeout=60)
        self.ids: list[str] = []

    def save(self, workflow: dict[str, Any]) -> dict[str, Any]:
        answer = self.http.post("/api/v1/workflows/", json={"workflow": workflow})
        assert answer.status_code == 200, answer.text
        record: dict[str, Any] = answer.json()
        self.ids.append(record["workflow_id"])
        return record

    def update(self, workflow_id: str, workflow: dict[str, Any]) -> dict[str, Any]:
        body = {**workflow, "id": workflow_id}
        answer = self.http.patch(f"/api/v1/workflows/i/{workflow_id}", json={"workflow": body})
        assert answer.status_code == 200, answer.text
        return dict(answer.json())

    def delete(self, workflow_id: str) -> None:
        self.http.delete(f"/api/v1/workflows/i/{workflow_id}")

    def close(self) -> None:
        for workflow_id in self.ids:
            self.delete(workflow_id)
        self.http.close()


@pytest.fixture
def library(invokeai_url: str) -> Iterator[Library]:
    lib = Library(invokeai_url)
    yield lib
    lib.close()


def blur(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(BLUR.read_text(encoding="utf-8"))
    data["name"] = name
    return data


def unique(stem: str = "Blur image") -> str:
    return f"{stem} {uuid.uuid4().hex[:8]}"


def without_origin(code: str) -> list[str]:
    """The module's lines but the header comments, the source's name and the embedded JSON."""
    body = code.split("\n\n# The workflow as exported", 1)[0]
    return [
        ln for ln in body.splitlines() if not ln.startswith("#") and "_workflow_source" not in ln
    ]


def embedded(path: pathlib.Path) -> Any:
    return json.loads(import_path(path)._WORKFLOW_JSON)


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_library_workflow_generates_as_its_file_does_and_runs_the_same(
    library: Library, invokeai_url: str, tmp_path: pathlib.Path
) -> None:
    name = unique()
    record = library.save(blur(name))
    wid = record["workflow_id"]
    source = tmp_path / "blur_file.json"
    source.write_text(json.dumps(blur(name)), encoding="utf-8")

    by_file = codegen(
        source, "--server", invokeai_url, "-o", tmp_path / "from_file.py", cwd=tmp_path
    )
    by_name = codegen(
        "--server", invokeai_url, "--workflow", name, "-o", tmp_path / "by_name.py", cwd=tmp_path
    )
    by_id = codegen(
        "--server", invokeai_url, "--workflow", wid, "-o", tmp_path / "by_id.py", cwd=tmp_path
    )
    assert (by_file.returncode, by_name.returncode, by_id.returncode) == (0, 0, 0), (
        by_name.stderr + by_id.stderr
    )

    file_code = (tmp_path / "from_file.py").read_text(encoding="utf-8")
    name_code = (tmp_path / "by_name.py").read_text(encoding="utf-8")
    assert name_code == (tmp_path / "by_id.py").read_text(
        encoding="utf-8"
    )  # one workflow, one module
    to_stdout = codegen("--server", invokeai_url, "--workflow", wid, cwd=tmp_path)
    assert to_stdout.returncode == 0 and to_stdout.stdout == name_code
    assert without_origin(name_code) == without_origin(file_code)  # the class is the file's
    # the library's copy, as it keeps it: the file's JSON and the id the library gave it
    assert embedded(tmp_path / "by_name.py") == {**blur(name), "id": wid}

    header = parse_header(name_code)
    assert header.library is not None
    assert (header.library.server, header.library.workflow_id, header.library.name) == (
        invokeai_url,
        wid,
        name,
    )
    assert header.library.updated_at == record["updated_at"]
    assert '_workflow_source: ClassVar[str] = "' + name + ' (library)"' in name_code

    lib_cls = generated_class(import_path(tmp_path / "by_name.py"))
    file_cls = generated_class(import_path(tmp_path / "from_file.py"))
    with InvokeAIClient(invokeai_url, timeout=60) as client:
        bodies = [client.preview(c(width=40, height=24).workflow(), [c(width=40, height=24).to_values()])
                  for c in (lib_cls, file_cls)]  # fmt: skip
        graphs = [{k: v for k, v in b[0]["batch"]["graph"].items() if k != "id"} for b in bodies]
        assert graphs[0] == graphs[1]  # the same nodes, values and edges (each graph its own id)
        result = lib_cls(width=40, height=24, noise_amount=0.0).run(client, timeout=120)
    assert result.status == "completed"
    assert (result.images[0].width, result.images[0].height) == (40, 24)


def test_list_workflows_shows_every_category_a_line_each(
    library: Library, invokeai_url: str, tmp_path: pathlib.Path
) -> None:
    name = unique()
    wid = library.save(blur(name))["workflow_id"]
    done = codegen("--server", invokeai_url, "--list-workflows", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split() == ["ID", "NAME", "CATEGORY", "UPDATED"]
    mine = [ln for ln in lines if ln.startswith(wid)]
    assert len(mine) == 1 and name in mine[0] and " user " in mine[0]
    # InvokeAI's own workflows too, not only the user's: each of them, a line each
    defaults = httpx.get(invokeai_url + "/api/v1/workflows/",
                         params={"per_page": 1000, "categories": ["default"]}).json()["items"]  # fmt: skip
    assert defaults and all(
        sum(ln.startswith(d["workflow_id"] + " ") for ln in lines) == 1 for d in defaults
    )
    assert f"{len(lines) - 1} workflows in the library of {invokeai_url}" in done.stderr


def test_check_passes_then_names_the_workflow_when_the_library_copy_changes(
    library: Library, invokeai_url: str, tmp_path: pathlib.Path
) -> None:
    name = unique()
    workflow = blur(name)
    wid = library.save(workflow)["workflow_id"]
    module = tmp_path / "my_wf.py"
    assert (
        codegen("--server", invokeai_url, "--workflow", name, "-o", module, cwd=tmp_path).returncode
        == 0
    )

    for argv in (["--check", module], ["--check", module, "--server", invokeai_url],
                 ["--server", invokeai_url, "--workflow", wid, "-o", module, "--check"]):  # fmt: skip
        done = codegen(*argv, cwd=tmp_path)
        assert done.returncode == 0, (argv, done.stderr, done.stdout)

    library.update(wid, workflow)  # saved again, content unchanged: not a change
    assert codegen("--check", module, cwd=tmp_path).returncode == 0

    changed = copy.deepcopy(workflow)
    for node in changed["nodes"]:
        if node["data"]["type"] == "blank_image":
            node["data"]["inputs"]["width"].update(value=72, label="Canvas width")
    updated = library.update(wid, changed)
    before = module.read_bytes()
    done = codegen("--check", module, cwd=tmp_path)
    assert done.returncode == 1
    line = next(ln for ln in done.stderr.splitlines() if "changed" in ln)
    assert repr(name) in line and wid in line and "content" in line
    assert updated["updated_at"] in line
    assert "-    width: Annotated[int, Field(ge=16, le=1024)] = 64" in done.stdout  # the diff
    assert module.read_bytes() == before  # --check writes nothing
    done = codegen("--diff", module, cwd=tmp_path)
    assert (
        done.returncode == 0
        and "+    width: Annotated[int, Field(ge=16, le=1024)] = 72" in done.stdout
    )
    assert module.read_bytes() == before  # nor does --diff

    done = codegen(module, cwd=tmp_path)  # regenerate from the recorded source
    assert done.returncode == 0 and "keeps the name 'width'" in done.stderr  # the name lock holds
    assert generated_class(import_path(module))().width == 72
    assert codegen("--check", module, cwd=tmp_path).returncode == 0
    assert parse_header(module.read_text(encoding="utf-8")).library.updated_at == updated["updated_at"]  # type: ignore[union-attr]

    library.delete(wid)
    done = codegen("--check", module, cwd=tmp_path)
    assert done.returncode == 1 and "no longer in the library" in done.stderr and wid in done.stderr


def test_an_ambiguous_or_missing_name_is_an_error_naming_what_to_do(
    library: Library, invokeai_url: str, tmp_path: pathlib.Path
) -> None:
    name = unique()
    first, second = (library.save(blur(name))["workflow_id"] for _ in range(2))
    done = codegen(
        "--server", invokeai_url, "--workflow", name, "-o", tmp_path / "m.py", cwd=tmp_path
    )
    assert done.returncode == 2
    assert f"2 workflows in the library of {invokeai_url} are named {name!r}" in done.stderr
    assert first in done.stderr and second in done.stderr
    assert not (tmp_path / "m.py").exists()

    done = codegen(
        "--server",
        invokeai_url,
        "--workflow",
        "no such workflow",
        "-o",
        tmp_path / "m.py",
        cwd=tmp_path,
    )
    assert done.returncode == 2
    assert invokeai_url in done.stderr and "--list-workflows" in done.stderr
    assert "'no such workflow'" in done.stderr and not (tmp_path / "m.py").exists()


def test_a_server_that_is_down_is_a_clear_error(
    library: Library, invokeai_url: str, tmp_path: pathlib.Path
) -> None:
    down = f"http://127.0.0.1:{closed_port()}"
    done = codegen("--server", down, "--list-workflows", cwd=tmp_path)
    assert done.returncode == 2 and f"cannot reach the server at {down}" in done.stderr
    done = codegen("--server", down, "--workflow", "x", "-o", tmp_path / "m.py", cwd=tmp_path)
    assert done.returncode == 2 and down in done.stderr and not (tmp_path / "m.py").exists()

    name = unique()
    library.save(blur(name))
    module = tmp_path / "m.py"
    assert (
        codegen("--server", invokeai_url, "--workflow", name, "-o", module, cwd=tmp_path).returncode
        == 0
    )
    done = codegen("--check", module, "--server", down, cwd=tmp_path)
    assert done.returncode == 2 and down in done.stderr and len(done.stderr.splitlines()) == 1


def test_the_record_keeps_no_credentials_and_a_file_module_is_told_where_it_came_from(
    library: Library, invokeai_url: str, tmp_path: pathlib.Path
) -> None:
    name = unique()
    library.save(blur(name))
    with_password = invokeai_url.replace("http://", "http://someone:s3cret@")
    module = tmp_path / "m.py"
    done = codegen(
        "--server",
        with_password,
        "--workflow",
        name,
        "-o",
        module,
        "--token",
        "tok3n",
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    code = module.read_text(encoding="utf-8")
    assert "s3cret" not in code and "someone" not in code and "tok3n" not in code
    assert f'# Library server: "{invokeai_url}"' in code

    from_file = tmp_path / "blur.py"
    assert codegen(BLUR, "-o", from_file, cwd=tmp_path).returncode == 0
    done = codegen("--check", from_file, cwd=tmp_path)
    assert (
        done.returncode == 2
        and "records no library source" in done.stderr
        and "WORKFLOW.json" in done.stderr
    )


def test_a_hostile_name_stays_text(
    library: Library, invokeai_url: str, tmp_path: pathlib.Path
) -> None:
    name = 'Evil"""\nimport os; os.system("touch pwned")\n\x1b[31m #\u2028' + uuid.uuid4().hex[:6]
    wid = library.save(blur(name))["workflow_id"]
    module = tmp_path / "evil.py"
    done = codegen("--server", invokeai_url, "--workflow", wid, "-o", module, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    code = module.read_text(encoding="utf-8")
    assert parse_header(code).library.name == name  # type: ignore[union-attr]
    assert "\x1b" not in code and "\u2028" not in code
    tree = ast.parse(code)
    assert not any(
        isinstance(n, ast.Call) and getattr(n.func, "attr", "") == "system" for n in ast.walk(tree)
    )
    assert all(
        ln.startswith("#") for ln in code.split('"""', 1)[0].splitlines()
    )  # the header is comments
    generated_class(import_path(module))
    assert not (tmp_path / "pwned").exists()
    listing = codegen("--server", invokeai_url, "--list-workflows", cwd=tmp_path)
    assert "\x1b" not in listing.stdout and any(
        ln.startswith(wid) for ln in listing.stdout.splitlines()
    )
    assert codegen("--check", module, cwd=tmp_path).returncode == 0


def test_the_5_15_library(invokeai5_url: str, tmp_path: pathlib.Path) -> None:
    """5.15.0 keeps the same library API (and a ``project`` category 6.x lacks)."""
    lib = Library(invokeai5_url)
    try:
        name = unique()
        wid = lib.save(blur(name))["workflow_id"]
        module = tmp_path / "m.py"
        done = codegen("--server", invokeai5_url, "--workflow", name, "-o", module, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        assert parse_header(module.read_text(encoding="utf-8")).library.workflow_id == wid  # type: ignore[union-attr]
        listing = codegen("--server", invokeai5_url, "--list-workflows", cwd=tmp_path)
        assert any(ln.startswith(wid) and name in ln for ln in listing.stdout.splitlines())
        assert codegen("--check", module, cwd=tmp_path).returncode == 0
        changed = blur(name)
        changed["description"] = "changed"
        lib.update(wid, changed)
        done = codegen("--check", module, cwd=tmp_path)
        assert done.returncode == 1 and wid in done.stderr
    finally:
        lib.close()


def project(root: pathlib.Path, body: str) -> pathlib.Path:
    (root / ".git").mkdir(parents=True)  # bounds the search for pyproject.toml upward
    (root / "blur_image.json").write_text(BLUR.read_text(encoding="utf-8"), encoding="utf-8")
    text = "[project]\nname = 'app'\n\n[tool.ivk-codegen]\n" + body
    (root / "pyproject.toml").write_text(text, encoding="utf-8")
    return root


def test_a_configured_module_can_name_a_library_workflow(
    library: Library, invokeai_url: str, tmp_path: pathlib.Path
) -> None:
    name = unique()
    workflow = blur(name)
    wid = library.save(workflow)["workflow_id"]
    root = project(tmp_path / "app", f"""server = "{invokeai_url}"

[[tool.ivk-codegen.workflows]]
workflow = "blur_image.json"
output = "gen/from_file.py"

[[tool.ivk-codegen.workflows]]
library = "{name}"
output = "gen/"
class-name = "FromLibrary"
""")  # fmt: skip
    done = codegen(cwd=root)
    assert done.returncode == 0, done.stderr
    made = sorted(p.name for p in (root / "gen").iterdir())
    assert len(made) == 2 and "from_file.py" in made, made
    module = root / "gen" / next(m for m in made if m != "from_file.py")
    assert parse_header(module.read_text(encoding="utf-8")).library.workflow_id == wid  # type: ignore[union-attr]
    assert generated_class(import_path(module)).__name__ == "FromLibrary"
    assert codegen("--check", cwd=root).returncode == 0
    assert codegen("--check", module, cwd=root).returncode == 0  # the module alone, from its record

    workflow["description"] = "edited in the GUI"
    library.update(wid, workflow)
    done = codegen("--check", cwd=root)
    assert done.returncode == 1 and wid in done.stderr and repr(name) in done.stderr
    assert "from_file.py" not in done.stderr  # the file's module is current


@pytest.mark.parametrize(
    ("entry", "needle"),
    [
        ('workflow = "blur_image.json"\nlibrary = "x"\noutput = "m.py"\n', "keep one"),
        ('library = "x"\noutput = "gen/"\ninit = true\n', ".init"),
        ('library = ""\noutput = "m.py"\n', ".library: empty"),
        ('library = "x"\n', ".output: missing"),
    ],
)
def test_a_bad_library_entry_is_refused_by_key(
    entry: str, needle: str, tmp_path: pathlib.Path
) -> None:
    root = project(
        tmp_path / "app",
        'server = "http://127.0.0.1:1"\n\n[[tool.ivk-codegen.workflows]]\n' + entry,
    )
    done = codegen(cwd=root)
    assert (
        done.returncode == 2
        and "tool.ivk-codegen.workflows[0]" in done.stderr
        and needle in done.stderr
    )


def test_a_library_entry_needs_a_server_not_a_schema(tmp_path: pathlib.Path) -> None:
    entry = '[[tool.ivk-codegen.workflows]]\nlibrary = "x"\noutput = "m.py"\n'
    done = codegen(cwd=project(tmp_path / "a", entry))
    assert done.returncode == 2 and "set tool.ivk-codegen.server" in done.stderr
    done = codegen(cwd=project(tmp_path / "b", 'schema = "blur_image.json"\n' + entry))
    assert done.returncode == 2 and "not schema" in done.stderr
