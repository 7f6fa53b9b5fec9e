"""The runtime's house stays as built: layers that import only downwards, no import circle,
no module over about 400 lines, the generator on the pure layer only, and every generated sync
twin current with its async source (scripts/unasync.py)."""

from __future__ import annotations

import ast
import importlib.util
import pathlib
import sys
from collections.abc import Iterator

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
RUNTIME = ROOT / "runtime"

# What each part of ivk_runtime may import from ivk_runtime (besides itself).
ALLOWED = {
    "errors": set(),
    "concurrency": set(),
    "workflow": {"errors"},
    "graph": {"errors", "workflow"},
    "events": {"errors", "concurrency"},
    "api": {"errors", "concurrency"},
    "client": {"errors", "concurrency", "workflow", "graph", "events", "api"},
    "values": {"client"},
    "generated": {"client"},
    "seed": {"errors", "concurrency", "workflow", "graph", "events", "api", "client", "values"},
    # a pool of servers: clients side by side
    "pool": {"errors", "concurrency", "workflow", "graph", "events", "api", "client"},
    # a generated module's faces (its command line, its MCP tool): on top of what runs it
    "tool": {"errors", "concurrency", "workflow", "graph", "events", "api", "client", "values", "generated", "pool"},
}
ALLOWED["urls"] = set()  # a leaf like errors (what a server's URL may show), below every layer
for _layer in ALLOWED.values():
    _layer.add("urls")
# The one edge against the grain: the clients' ``workflow_repo``/``board_repo`` (the seed API's
# entry points) make the seed's repositories on first use.
UPWARD = {("client.async_client", "seed.repos"), ("client.sync_client", "seed.repos")}
MAX_LINES = 420


def modules() -> Iterator[tuple[str, pathlib.Path]]:
    for path in sorted(RUNTIME.rglob("*.py")):
        rel = path.relative_to(RUNTIME).with_suffix("")
        parts = [p for p in rel.parts if p != "__init__"]
        yield ".".join(parts), path


def imports(name: str, path: pathlib.Path) -> set[str]:
    """ivk_runtime modules imported anywhere in the file (TYPE_CHECKING and lazy ones too)."""
    is_pkg = path.name == "__init__.py"
    here = name.split(".") if name else []
    package = here if is_pkg else here[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                target = [*base, *(node.module.split(".") if node.module else [])]
            elif node.module and node.module.split(".")[0] == "ivk_runtime":
                target = node.module.split(".")[1:]
            else:
                continue
            for alias in node.names:  # ``from . import x`` may name a module
                sub = ".".join([*target, alias.name])
                found.add(sub if (RUNTIME / pathlib.Path(*sub.split("."))).with_suffix(".py").exists() else ".".join(target))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "ivk_runtime":
                    found.add(".".join(alias.name.split(".")[1:]))
    found.discard(name)
    return {f for f in found if f}


GRAPH = {name: imports(name, path) for name, path in modules()}


def part(module: str) -> str:
    return module.split(".")[0]


def test_layers_import_only_downwards() -> None:
    wrong = [
        f"{name} imports {target}"
        for name, targets in GRAPH.items()
        if name and part(name) in ALLOWED
        for target in targets
        if part(target) != part(name)
        and part(target) not in ALLOWED[part(name)]
        and (name, target) not in UPWARD
    ]
    assert not wrong, wrong


def find_circles(graph: dict[str, set[str]]) -> list[list[str]]:
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    circles: list[list[str]] = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                circles.append([*path[path.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    return circles


def test_find_circles_finds_one() -> None:
    assert find_circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == [["a", "b", "c", "a"]]
    assert find_circles({"a": {"b"}, "b": set()}) == []


def test_no_import_circle() -> None:
    graph = {n: {t for t in ts if t in GRAPH and (n, t) not in UPWARD} for n, ts in GRAPH.items()}
    assert not find_circles(graph)


def test_no_module_over_about_400_lines() -> None:
    big = {name: n for name, path in modules() if (n := len(path.read_text().splitlines())) > MAX_LINES}
    assert not big, big


def test_the_generator_imports_only_the_pure_layer() -> None:
    used: set[str] = set()
    for path in (ROOT / "codegen").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("ivk_runtime"):
                used.add(node.module)
            elif isinstance(node, ast.Import):
                used.update(a.name for a in node.names if a.name.startswith("ivk_runtime"))
    assert used and {m.split(".")[1] for m in used} <= {"errors", "urls", "workflow", "graph"}, used


def _unasync() -> object:
    spec = importlib.util.spec_from_file_location("unasync_script", ROOT / "scripts" / "unasync.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_sync_twins_are_current() -> None:
    script = _unasync()
    assert script.main(["--check"]) == 0  # type: ignore[attr-defined]


@pytest.mark.parametrize("source, twin", _unasync().PAIRS)  # type: ignore[attr-defined]
def test_a_changed_source_makes_its_twin_stale(source: str, twin: str) -> None:
    script = _unasync()
    text = (ROOT / source).read_text(encoding="utf-8")
    current = (ROOT / twin).read_text(encoding="utf-8")
    assert script.unasync(text, source) == current  # type: ignore[attr-defined]
    assert script.unasync(text + "\nX = 1\n", source) != current  # type: ignore[attr-defined]
    sync = script.unasync(text, source)  # type: ignore[attr-defined]
    assert "await " not in sync and "async def" not in sync and "Async" not in sync.replace("AsyncIO", "")


def test_every_package_on_disk_is_installed() -> None:
    """A package left out of [tool.setuptools] packages is missing from an install (a wheel,
    or the strict editable install CI makes): its imports fail on a user's machine only."""
    import sys

    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib

    repo = pathlib.Path(__file__).resolve().parents[1]
    config = tomllib.loads((repo / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(config["packages"])
    dirs = {top: repo / path for top, path in config["package-dir"].items()}
    on_disk = set()
    for top in ("ivk_codegen", "ivk_runtime"):
        for init in dirs[top].rglob("__init__.py"):
            rel = init.parent.relative_to(dirs[top])
            on_disk.add(".".join([top, *rel.parts]))
    assert on_disk - listed == set()
