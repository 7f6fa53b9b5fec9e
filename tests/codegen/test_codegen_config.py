"""``[tool.ivk-codegen]`` in pyproject.toml: a bare ``ivk-codegen`` (and --check, --diff) over every
configured workflow; command-line options over the config; bad configs refused by key; the
pre-commit hooks."""

from __future__ import annotations

import pathlib
import re
import shlex
import shutil
import sys
import textwrap
from importlib import resources

import pytest

from codegen_support import OWN, REPO, run_cli
from ivk_codegen.cli import _parser

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

pytestmark = pytest.mark.usefixtures("fast_schema")

BLUR = OWN / "blur_image.json"
RESIZE = OWN / "resize_upload.json"
LEGACY = OWN / "legacy_exposed.json"

# blur.py from one file (with its own class name), gen/ from a directory, with an __init__.py
TWO_ENTRIES = """
[[tool.ivk-codegen.workflows]]
workflow = "legacy_exposed.json"
output = "src/app/legacy.py"
class-name = "Legacy"

[[tool.ivk-codegen.workflows]]
workflow = "workflows/"
output = "src/app/gen/"
init = true
"""
OUTPUTS = ["src/app/gen/__init__.py", "src/app/gen/blur_image.py", "src/app/gen/resize_upload.py",
           "src/app/legacy.py"]  # fmt: skip


@pytest.fixture
def project(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> pathlib.Path:
    """A repository (its .git bounds the search upward) with three workflows, as the cwd."""
    root = tmp_path / "proj"
    (root / ".git").mkdir(parents=True)
    (root / "workflows").mkdir()
    shutil.copy(BLUR, root / "workflows" / BLUR.name)
    shutil.copy(RESIZE, root / "workflows" / RESIZE.name)
    shutil.copy(LEGACY, root / LEGACY.name)
    monkeypatch.chdir(root)
    return root


def _configure(root: pathlib.Path, body: str, head: str = "") -> None:
    text = "[tool.ivk-codegen]\n" + textwrap.dedent(head) + textwrap.dedent(body)
    (root / "pyproject.toml").write_text("[project]\nname = 'my-app'\n\n" + text, encoding="utf-8")


def _tree(root: pathlib.Path) -> dict[str, tuple[bytes, int]]:
    return {
        p.relative_to(root).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _outputs(root: pathlib.Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in (root / "src").rglob("*.py")) if (root / "src").exists() else []


def _assert_one_line_error(err: str, *needles: str) -> None:
    assert "Traceback" not in err
    lines = err.strip("\n").split("\n")
    assert len(lines) == 1, err
    assert lines[0].startswith("ivk-codegen: error: "), err
    for needle in needles:
        assert needle in lines[0], (needle, err)


# -- a bare run -----------------------------------------------------------------------------------
def test_bare_run_generates_every_configured_module(project: pathlib.Path) -> None:
    _configure(project, TWO_ENTRIES)
    result = run_cli([])
    assert result.code == 0, result.err
    assert _outputs(project) == OUTPUTS
    for name in OUTPUTS:
        assert f"wrote {name}" in result.err
    # the same bytes as the command line makes
    legacy = run_cli([LEGACY, "--class-name", "Legacy"]).out
    assert (project / "src/app/legacy.py").read_text(encoding="utf-8") == legacy
    assert "class Legacy(GeneratedWorkflow):" in legacy
    assert (project / "src/app/gen/blur_image.py").read_text(encoding="utf-8") == run_cli([BLUR]).out
    init = (project / "src/app/gen/__init__.py").read_text(encoding="utf-8")
    assert "from .blur_image import BlurImage" in init and "from .resize_upload import" in init
    again = run_cli([])  # nothing changed: nothing written
    assert again.code == 0 and "wrote" not in again.err


def test_check_passes_when_current_and_names_the_stale_module(project: pathlib.Path) -> None:
    _configure(project, TWO_ENTRIES)
    assert run_cli([]).code == 0
    before = _tree(project)
    current = run_cli(["--check"])
    assert (current.code, current.out) == (0, ""), current.err
    assert _tree(project) == before
    stale = project / "src/app/gen/resize_upload.py"
    stale.write_text(stale.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    before = _tree(project)
    result = run_cli(["--check"])
    assert result.code == 1
    assert "ivk-codegen: src/app/gen/resize_upload.py is stale" in result.err
    assert "blur_image.py is stale" not in result.err and "legacy.py is stale" not in result.err
    assert result.out.startswith("--- src/app/gen/resize_upload.py\n") and "-# edited" in result.out
    assert _tree(project) == before  # --check writes nothing


def test_check_of_a_configured_module_never_generated_fails(project: pathlib.Path) -> None:
    _configure(project, TWO_ENTRIES)
    result = run_cli(["--check"])
    assert result.code == 1
    assert "src/app/legacy.py is stale" in result.err
    assert _outputs(project) == []


def test_diff_shows_only_what_would_change(project: pathlib.Path) -> None:
    _configure(project, TWO_ENTRIES)
    assert run_cli([]).code == 0
    (project / "src/app/legacy.py").unlink()
    before = _tree(project)
    result = run_cli(["--diff"])
    assert result.code == 0
    headers = [ln for ln in result.out.splitlines() if ln.startswith("--- ")]
    assert headers == ["--- src/app/legacy.py"]
    assert _tree(project) == before


def test_paths_are_relative_to_the_pyproject_from_a_subdirectory(project: pathlib.Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    _configure(project, TWO_ENTRIES)
    deeper = project / "docs" / "deeper"
    deeper.mkdir(parents=True)
    monkeypatch.chdir(deeper)
    result = run_cli([])
    assert result.code == 0, result.err
    assert _outputs(project) == OUTPUTS
    assert not (deeper / "src").exists()
    assert "wrote ../../src/app/legacy.py" in result.err
    assert run_cli(["--check"]).code == 0


def test_the_nearest_pyproject_with_the_table_is_used(project: pathlib.Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    _configure(project, TWO_ENTRIES)
    inner = project / "packages" / "inner"
    inner.mkdir(parents=True)
    (inner / "pyproject.toml").write_text("[project]\nname = 'inner'\n", encoding="utf-8")  # no table
    monkeypatch.chdir(inner)
    assert run_cli([]).code == 0
    assert _outputs(project) == OUTPUTS


def test_a_config_beyond_the_repository_root_is_not_used(project: pathlib.Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    _configure(project, TWO_ENTRIES)
    nested = project / "vendor" / "other"
    (nested / ".git").mkdir(parents=True)  # another repository inside this one
    monkeypatch.chdir(nested)
    result = run_cli([])
    assert result.code == 2
    _assert_one_line_error(result.err, "WORKFLOW", "[tool.ivk-codegen]")
    assert _outputs(project) == []


# -- the command line over the config ---------------------------------------------------------------
def test_workflow_arguments_replace_the_configured_list(project: pathlib.Path) -> None:
    _configure(project, TWO_ENTRIES)
    result = run_cli([BLUR, "-o", "one.py"])
    assert result.code == 0, result.err
    assert (project / "one.py").is_file()
    assert _outputs(project) == []


def test_the_configured_schema_types_and_schema_overrides_it(project: pathlib.Path) -> None:
    bundled = resources.files("ivk_codegen.schemas").joinpath("invokeai-6.14.2.json").read_bytes()
    (project / "schemas").mkdir()
    (project / "schemas" / "mine.json").write_bytes(bundled)
    (project / "theirs.json").write_bytes(bundled)
    _configure(project, TWO_ENTRIES, head='schema = "schemas/mine.json"\n')
    assert run_cli([]).code == 0
    assert '# Schema: "mine.json (from --schema)"' in (project / "src/app/legacy.py").read_text(encoding="utf-8")
    # the config's schema serves explicit inputs too; --schema wins over it
    assert '"mine.json (from --schema)"' in run_cli([BLUR]).out
    result = run_cli(["--schema", "theirs.json"])
    assert result.code == 0, result.err
    assert '# Schema: "theirs.json (from --schema)"' in (project / "src/app/legacy.py").read_text(encoding="utf-8")


def test_a_configured_server_is_asked_and_schema_overrides_it(project: pathlib.Path) -> None:
    _configure(project, TWO_ENTRIES, head='server = "http://127.0.0.1:9"\n')  # port 9: discard, closed
    result = run_cli([])
    assert result.code == 2
    _assert_one_line_error(result.err, "http://127.0.0.1:9/openapi.json")
    assert _outputs(project) == []
    (project / "s.json").write_bytes(resources.files("ivk_codegen.schemas").joinpath("invokeai-6.14.2.json").read_bytes())
    assert run_cli(["--schema", "s.json"]).code == 0
    assert _outputs(project) == OUTPUTS


def test_extension_options_replace_the_configured_ones(project: pathlib.Path) -> None:
    _configure(project, TWO_ENTRIES, head='extensions = ["no_such_pack.ivk_types"]\n')
    configured = run_cli([])
    assert configured.code == 2
    _assert_one_line_error(configured.err, "no_such_pack.ivk_types")
    given = run_cli(["--extension", "other_missing_pack"])
    assert given.code == 2
    _assert_one_line_error(given.err, "other_missing_pack")
    assert "no_such_pack" not in given.err
    assert _outputs(project) == []


def test_quiet_from_the_config(project: pathlib.Path) -> None:
    _configure(project, TWO_ENTRIES, head="quiet = true\n")
    result = run_cli([])
    assert result.code == 0
    assert result.err == ""
    assert _outputs(project) == OUTPUTS


def test_per_entry_options_go_with_workflow_arguments(project: pathlib.Path) -> None:
    _configure(project, TWO_ENTRIES)
    for extra in (["-o", "x.py"], ["--class-name", "X"], ["--init"]):
        result = run_cli(extra)
        assert result.code == 2
        _assert_one_line_error(result.err, "WORKFLOW", "pyproject.toml")
    assert _outputs(project) == [] and not (project / "x.py").exists()


def test_no_workflow_and_no_config_is_a_clear_error(project: pathlib.Path) -> None:
    (project / "pyproject.toml").write_text("[project]\nname = 'plain'\n", encoding="utf-8")
    result = run_cli([])
    assert result.code == 2
    _assert_one_line_error(result.err, "no WORKFLOW given", "[tool.ivk-codegen]")


# -- all or nothing ---------------------------------------------------------------------------------
def test_one_entry_failing_writes_no_entry(project: pathlib.Path) -> None:
    _configure(project, TWO_ENTRIES)
    assert run_cli([]).code == 0
    for path in (project / "src").rglob("*.py"):
        path.write_text("# stale\n", encoding="utf-8")
    (project / "workflows" / "blur_image.json").write_text("not json", encoding="utf-8")
    before = _tree(project)
    result = run_cli([])
    assert result.code == 2
    assert "blur_image.json" in result.err and "wrote" not in result.err
    assert _tree(project) == before  # not even legacy.py, whose entry generated


def test_a_fresh_project_with_a_failing_entry_gets_no_module(project: pathlib.Path) -> None:
    _configure(project, TWO_ENTRIES)
    (project / "workflows" / "resize_upload.json").write_text("[1, 2]", encoding="utf-8")
    assert run_cli([]).code == 2
    assert not (project / "src").exists()


# -- bad configs ------------------------------------------------------------------------------------
ENTRY = '[[tool.ivk-codegen.workflows]]\nworkflow = "legacy_exposed.json"\noutput = "out/legacy.py"\n'
BAD = {
    "unknown key": ('colour = "blue"\n' + ENTRY, "tool.ivk-codegen.colour"),
    "unknown entry key": (ENTRY + 'outptu = "x.py"\n', "tool.ivk-codegen.workflows[0].outptu"),
    "a secret": ('token = "abc"\n' + ENTRY, "INVOKEAI_TOKEN"),
    "wrong type": ('quiet = "yes"\n' + ENTRY, "tool.ivk-codegen.quiet"),
    "wrong entry type": ('[[tool.ivk-codegen.workflows]]\nworkflow = "legacy_exposed.json"\noutput = 3\n',
                         "tool.ivk-codegen.workflows[0].output"),
    "not tables": ('workflows = ["legacy_exposed.json"]\n', "tool.ivk-codegen.workflows[0]"),
    "extension not a name": ("extensions = [1]\n" + ENTRY, "tool.ivk-codegen.extensions"),
    "no output": ('[[tool.ivk-codegen.workflows]]\nworkflow = "legacy_exposed.json"\n',
                  "tool.ivk-codegen.workflows[0].output"),
    "missing workflow": ('[[tool.ivk-codegen.workflows]]\nworkflow = "nope.json"\noutput = "o.py"\n',
                         "tool.ivk-codegen.workflows[0].workflow"),
    "missing schema": ('schema = "schemas/none.json"\n' + ENTRY, "tool.ivk-codegen.schema"),
    "schema and server": ('schema = "legacy_exposed.json"\nserver = "http://x"\n' + ENTRY, "schema and server"),
    "listed twice": (ENTRY + ENTRY.replace("out/legacy.py", "out/again.py"), "tool.ivk-codegen.workflows[1].workflow"),
    "in a listed directory": ('[[tool.ivk-codegen.workflows]]\nworkflow = "workflows"\noutput = "gen/"\n'
                              '[[tool.ivk-codegen.workflows]]\nworkflow = "workflows/blur_image.json"\n'
                              'output = "blur.py"\n', "tool.ivk-codegen.workflows[1].workflow"),
    "one output twice": (ENTRY + ENTRY.replace("legacy_exposed", "workflows/blur_image"),
                         "tool.ivk-codegen.workflows[1].output"),
    "one module from two entries": ('[[tool.ivk-codegen.workflows]]\nworkflow = "workflows"\noutput = "gen/"\n'
                                    '[[tool.ivk-codegen.workflows]]\nworkflow = "other/blur_image.json"\n'
                                    'output = "gen/blur_image.py"\n', "tool.ivk-codegen.workflows[1] and"),
    "class name of a directory": ('[[tool.ivk-codegen.workflows]]\nworkflow = "workflows"\noutput = "gen/"\n'
                                  'class-name = "X"\n', "tool.ivk-codegen.workflows[0].class-name"),
    "empty class name": (ENTRY + 'class-name = ""\n', "tool.ivk-codegen.workflows[0].class-name"),
    "init of a file": (ENTRY + "init = true\n", "tool.ivk-codegen.workflows[0].init"),
    "empty directory": ('[[tool.ivk-codegen.workflows]]\nworkflow = "empty"\noutput = "gen/"\n',
                        "tool.ivk-codegen.workflows[0]: no workflow .json files"),
    "no workflows": ('quiet = true\n', "tool.ivk-codegen.workflows"),
    "not TOML": ("quiet = \n", "TOML"),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_config_exits_2_naming_the_key_and_writes_nothing(case: str, project: pathlib.Path) -> None:
    body, key = BAD[case]
    (project / "other").mkdir()
    shutil.copy(BLUR, project / "other" / BLUR.name)
    (project / "empty").mkdir()
    _configure(project, body)
    before = _tree(project)
    result = run_cli([])
    assert result.code == 2
    _assert_one_line_error(result.err, "pyproject.toml: ", key)
    assert _tree(project) == before


def test_a_bad_config_fails_explicit_runs_too(project: pathlib.Path) -> None:
    """Its schema and extensions would apply to them, so they cannot go on without it."""
    _configure(project, BAD["unknown key"][0])
    result = run_cli([BLUR, "-o", "blur.py"])
    assert result.code == 2
    _assert_one_line_error(result.err, "pyproject.toml: tool.ivk-codegen.colour")
    assert not (project / "blur.py").exists()


# -- pre-commit ---------------------------------------------------------------------------------------
def _hooks() -> list[dict[str, object]]:
    import yaml  # PyYAML comes with libcst, a dependency of ours

    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert isinstance(hooks, list)
    return hooks


def test_pre_commit_hooks_run_commands_the_package_provides() -> None:
    scripts = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    hooks = {hook["id"]: hook for hook in _hooks()}
    assert sorted(hooks) == ["ivk-codegen", "ivk-codegen-check"]
    assert hooks["ivk-codegen-check"]["entry"] == "ivk-codegen --check"
    for hook in hooks.values():
        assert {"id", "name", "entry", "language"} <= set(hook)  # what pre-commit requires
        assert hook["language"] == "python" and hook["pass_filenames"] is False
        command, *options = shlex.split(str(hook["entry"]))
        assert command in scripts
        files = re.compile(str(hook["files"]))
        for path in ("workflows/blur.json", "pyproject.toml", "sub/pkg/pyproject.toml"):
            assert files.search(path), (hook["id"], path)
        for path in ("src/app/blur.py", "README.md", "my_pyproject.toml.bak"):
            assert not files.search(path), (hook["id"], path)
        _parser().parse_args(options)  # options our parser takes (else SystemExit)


@pytest.mark.parametrize("hook_id", ["ivk-codegen", "ivk-codegen-check"])
def test_each_hook_does_its_job_on_a_configured_project(hook_id: str, project: pathlib.Path) -> None:
    (hook,) = [h for h in _hooks() if h["id"] == hook_id]
    options = shlex.split(str(hook["entry"]))[1:]
    _configure(project, TWO_ENTRIES)
    first = run_cli(options)  # nothing generated yet: the check fails, the other writes
    assert first.code == (1 if "--check" in options else 0), first.err
    assert _outputs(project) == ([] if "--check" in options else OUTPUTS)
    assert run_cli([]).code == 0
    assert run_cli(options).code == 0


def test_configured_extensions_are_found_from_the_projects_root_when_run_below_it(
    project: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A module beside pyproject.toml imports from any directory of the project, as the
    configured paths resolve from there (it was found from the current directory only)."""
    pack = project / "my_local_pack"
    pack.mkdir()
    (pack / "__init__.py").write_text("")
    (pack / "ivk_types.py").write_text(
        "from ivk_codegen.extensions import TypeExtension\n"
        "IVK_TYPE_EXTENSIONS = [TypeExtension(ref='NoSuchField', python_type='my_local_pack.ivk_types.Nope')]\n"
    )
    _configure(project, TWO_ENTRIES, head='extensions = ["my_local_pack.ivk_types"]\n')
    (project / "src").mkdir()
    monkeypatch.chdir(project / "src")
    before = list(sys.path)
    result = run_cli([])
    assert result.code == 0, result.err
    assert sys.path == before  # the root was on it only while importing
    sys.modules.pop("my_local_pack.ivk_types", None)
    sys.modules.pop("my_local_pack", None)
