"""Where a library workflow's module goes: a module generated from another library workflow is
not silently replaced (--new-names says to), a query no id looks like is "no such workflow",
and library entries of pyproject may share an output directory when their modules' file names
differ. On a real server's library, with the installed ``ivk-codegen``."""

from __future__ import annotations

import pathlib
from collections.abc import Iterator

import pytest

from ivk_codegen.library_source import read_header
from test_codegen_library import Library, blur, codegen, project, unique

pytestmark = pytest.mark.server


@pytest.fixture
def library(invokeai_url: str) -> Iterator[Library]:
    lib = Library(invokeai_url)
    yield lib
    lib.close()


def recorded_id(module: pathlib.Path) -> str:
    header = read_header(module)
    assert header is not None and header.library is not None
    return header.library.workflow_id


def test_a_module_of_another_library_workflow_is_not_replaced(
    library: Library, invokeai_url: str, tmp_path: pathlib.Path
) -> None:
    name = unique("Dup")  # two workflows of one name: one module file
    first = library.save(blur(name))["workflow_id"]
    second = library.save(blur(name))["workflow_id"]
    out = tmp_path / "lib"
    done = codegen("--server", invokeai_url, "--workflow", first, "-o", f"{out}/", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    (module,) = out.iterdir()
    before = module.read_bytes()

    done = codegen("--server", invokeai_url, "--workflow", second, "-o", f"{out}/", cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert first in done.stderr and second in done.stderr and "--new-names" in done.stderr
    assert module.read_bytes() == before and recorded_id(module) == first

    done = codegen(
        "--server", invokeai_url, "--workflow", second, "-o", module, "--check", cwd=tmp_path
    )
    assert done.returncode == 1, done.stderr  # checking: stale, as before (nothing is written)

    argv = ["--server", invokeai_url, "--workflow", second, "-o", f"{out}/", "--new-names"]
    done = codegen(*argv, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "replacing the module of" in done.stderr and first in done.stderr
    assert recorded_id(module) == second
    # the same workflow again: a regeneration, not a replacement
    done = codegen("--server", invokeai_url, "--workflow", second, "-o", module, cwd=tmp_path)
    assert done.returncode == 0 and "replacing" not in done.stderr, done.stderr


@pytest.mark.parametrize("query", ["../x", "a/b", "x y", "%2e%2e"])
def test_a_query_no_id_looks_like_is_no_such_workflow(
    invokeai_url: str, tmp_path: pathlib.Path, query: str
) -> None:
    done = codegen("--server", invokeai_url, "--workflow", query, "-o", "m.py", cwd=tmp_path)
    assert done.returncode == 2
    assert f"no workflow with the id or name {query!r}" in done.stderr, done.stderr
    assert "JSON" not in done.stderr and not (tmp_path / "m.py").exists()


def test_library_entries_may_share_an_output_directory(
    library: Library, invokeai_url: str, tmp_path: pathlib.Path
) -> None:
    one, two = unique("Alpha"), unique("Beta")
    library.save(blur(one))
    library.save(blur(two))
    body = f'server = "{invokeai_url}"\n'
    for name in (one, two):
        body += f'\n[[tool.ivk-codegen.workflows]]\nlibrary = "{name}"\noutput = "gen/"\n'
    root = project(tmp_path / "app", body)
    done = codegen(cwd=root)
    assert done.returncode == 0, done.stderr
    made = sorted(p.name for p in (root / "gen").iterdir())
    assert len(made) == 2 and made[0].startswith("alpha_") and made[1].startswith("beta_"), made
    assert codegen("--check", cwd=root).returncode == 0

    # one workflow twice into the directory: one file, refused naming both entries
    body += f'\n[[tool.ivk-codegen.workflows]]\nlibrary = "{one}"\noutput = "gen/"\n'
    (root / "pyproject.toml").write_text(
        "[project]\nname = 'app'\n\n[tool.ivk-codegen]\n" + body, encoding="utf-8"
    )
    done = codegen(cwd=root)
    assert done.returncode == 2 and "would both write" in done.stderr, done.stderr
    assert "workflows[2]" in done.stderr and "workflows[0]" in done.stderr


def test_a_file_entry_and_a_library_entry_still_may_not_share_a_directory(
    tmp_path: pathlib.Path,
) -> None:
    body = 'server = "http://127.0.0.1:1"\n\n[[tool.ivk-codegen.workflows]]\nlibrary = "x"\noutput = "gen/"\n'
    body += '\n[[tool.ivk-codegen.workflows]]\nworkflow = "blur_image.json"\noutput = "gen/"\n'
    done = codegen(cwd=project(tmp_path / "app", body))
    assert done.returncode == 2 and "is also the output of" in done.stderr, done.stderr
