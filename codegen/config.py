"""``[tool.ivk-codegen]`` in a project's pyproject.toml: found from the working directory upward
(as black and ruff find theirs), read, and checked into plain values for the command line.

Paths in it are relative to the pyproject's directory. They are handed on as the working
directory reaches them (``../workflows/a.json`` from a subdirectory), so messages stay short.
"""

from __future__ import annotations

import os
import pathlib
import sys
from dataclasses import dataclass
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10: the same parser, from PyPI
    import tomli as tomllib

__all__ = ["Config", "ConfigError", "Entry", "find_config"]

SECTION = "tool.ivk-codegen"


class ConfigError(Exception):
    """A bad config; its message is one line naming the file and the key."""


@dataclass(frozen=True)
class Entry:
    """One ``[[tool.ivk-codegen.workflows]]`` table."""

    key: str  # where it is written, for messages: "tool.ivk-codegen.workflows[0]"
    workflow: pathlib.Path | None  # a file or a directory of them; None for a library workflow
    output: str  # a trailing separator is kept: it says "a directory", as on the command line
    class_name: str | None = None
    init: bool = False
    library: str | None = None  # the id or exact name of a workflow of the server's library


@dataclass(frozen=True)
class Config:
    path: pathlib.Path  # the pyproject.toml, as the working directory reaches it
    schema: pathlib.Path | None
    server: str | None
    extensions: tuple[str, ...]
    quiet: bool
    entries: tuple[Entry, ...]


_TOP: dict[str, type] = {"schema": str, "server": str, "extensions": list, "quiet": bool, "workflows": list}
_ENTRY: dict[str, type] = {"workflow": str, "library": str, "output": str, "class-name": str, "init": bool}
_HINTS = {  # keys people will try, and why they are not here
    "token": "a secret does not belong in pyproject.toml: set INVOKEAI_TOKEN",
    "new-names": "renaming is a one-off: pass --new-names on the run that should rename",
    "class_name": "the key is class-name",
}
_KINDS = {str: "a string", bool: "true or false", int: "an integer", float: "a number",
          list: "an array", dict: "a table"}  # fmt: skip


def find_config() -> Config | None:
    """The nearest pyproject.toml with a [tool.ivk-codegen] table, from the working directory up
    to the repository's root (a directory holding .git or .hg); None when there is none."""
    here = pathlib.Path.cwd()
    reach = pathlib.Path()  # `directory` as a path relative to the working directory
    for directory in (here, *here.parents):
        candidate = directory / "pyproject.toml"
        if candidate.is_file():
            table = _section(candidate, reach / "pyproject.toml")
            if table is not None:
                return _parse(table, reach / "pyproject.toml", reach)
        if (directory / ".git").exists() or (directory / ".hg").exists():
            return None  # a config outside the repository is someone else's
        reach = reach / ".."
    return None


def _error(path: pathlib.Path, key: str, message: str) -> ConfigError:
    return ConfigError(f"{path}: {key}: {message}")


def _section(real: pathlib.Path, shown: pathlib.Path) -> dict[str, Any] | None:
    try:
        with real.open("rb") as handle:
            data: dict[str, Any] = tomllib.load(handle)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{shown}: cannot read it as TOML: {exc}") from exc
    tool = data.get("tool")
    table = tool.get("ivk-codegen") if isinstance(tool, dict) else None
    if table is not None and not isinstance(table, dict):
        raise _error(shown, SECTION, f"must be a table, not {_kind(table)}")
    return table


def _kind(value: object) -> str:
    return _KINDS.get(type(value), type(value).__name__)


def _check_keys(table: dict[str, Any], allowed: dict[str, type], where: str, path: pathlib.Path) -> None:
    for key, value in table.items():
        if key not in allowed:
            hint = _HINTS.get(key, "known keys: " + ", ".join(allowed))
            raise _error(path, f"{where}.{key}", f"unknown key ({hint})")
        if not isinstance(value, allowed[key]):
            raise _error(path, f"{where}.{key}", f"must be {_KINDS[allowed[key]]}, not {_kind(value)}")


def _parse(table: dict[str, Any], path: pathlib.Path, root: pathlib.Path) -> Config:
    _check_keys(table, _TOP, SECTION, path)
    if "schema" in table and "server" in table:
        raise _error(path, SECTION, "schema and server both say where types come from: keep one")
    schema = root / table["schema"] if "schema" in table else None
    if schema is not None and not schema.is_file():
        raise _error(path, f"{SECTION}.schema", f"no such file: {schema}")
    extensions = table.get("extensions", [])
    if not all(isinstance(name, str) and name for name in extensions):
        raise _error(path, f"{SECTION}.extensions", "must be an array of module names (strings)")
    entries = tuple(
        _entry(item, f"{SECTION}.workflows[{i}]", path, root)
        for i, item in enumerate(table.get("workflows", []))
    )
    _no_overlap(entries, path)
    library = next((e.key for e in entries if e.library is not None), None)
    if library is not None and "schema" in table:
        raise _error(path, f"{library}.library", "a library workflow is typed from its server's "
                     "schema: set tool.ivk-codegen.server, not schema")  # fmt: skip
    return Config(path, schema, table.get("server"), tuple(extensions), table.get("quiet", False), entries)


def _entry(item: object, key: str, path: pathlib.Path, root: pathlib.Path) -> Entry:
    if not isinstance(item, dict):
        raise _error(path, key, f"must be a table ([[{SECTION}.workflows]]), not {_kind(item)}")
    _check_keys(item, _ENTRY, key, path)
    if "library" in item:
        return _library_entry(item, key, path, root)
    for required in ("workflow", "output"):
        if not item.get(required):
            raise _error(path, f"{key}.{required}", "missing")
    workflow = root / item["workflow"]
    if not workflow.exists():
        raise _error(path, f"{key}.workflow", f"no such file or directory: {workflow}")
    raw: str = item["output"]
    slash = raw.endswith(("/", os.sep))
    output = root / raw
    if item.get("class-name") == "":
        raise _error(path, f"{key}.class-name", "empty (leave it out for the workflow's own name)")
    if "class-name" in item and workflow.is_dir():
        raise _error(
            path, f"{key}.class-name", "names one class: the workflow must be a file, not a directory"
        )
    if item.get("init") and not (slash or workflow.is_dir() or output.is_dir()):
        raise _error(path, f"{key}.init", "needs an output directory (end output with /)")
    return Entry(
        key,
        workflow,
        str(output) + (os.sep if slash else ""),
        item.get("class-name"),
        item.get("init", False),
    )


def _library_entry(item: dict[str, Any], key: str, path: pathlib.Path, root: pathlib.Path) -> Entry:
    """A workflow of the server's library (``library = "NAME or id"``): one module, typed from
    that server's schema."""
    if "workflow" in item:
        raise _error(path, key, "workflow and library both say where the workflow comes from: keep one")
    if not item["library"]:
        raise _error(path, f"{key}.library", "empty (the id or exact name of a library workflow)")
    if not item.get("output"):
        raise _error(path, f"{key}.output", "missing")
    if item.get("class-name") == "":
        raise _error(path, f"{key}.class-name", "empty (leave it out for the workflow's own name)")
    if "init" in item:
        raise _error(path, f"{key}.init", "goes with a workflow directory, not one library workflow")
    raw: str = item["output"]
    slash = os.sep if raw.endswith(("/", os.sep)) else ""
    return Entry(key, None, str(root / raw) + slash, item.get("class-name"), False, item["library"])


def _no_overlap(entries: tuple[Entry, ...], path: pathlib.Path) -> None:
    """A workflow listed twice (itself, or in a listed directory) or one output named twice would
    make two modules fight over one file; refused here, so that the key can be named."""
    workflows: dict[pathlib.Path, str] = {}
    outputs: dict[pathlib.Path, str] = {}
    shared: set[str] = set()  # the keys of library entries into a directory
    for entry in entries:
        if entry.workflow is None:
            files = []
        elif entry.workflow.is_dir():
            files = sorted(entry.workflow.glob("*.json"))
        else:
            files = [entry.workflow]
        for file in files:
            other = workflows.setdefault(file.resolve(), entry.key)
            if other != entry.key:
                raise _error(path, f"{entry.key}.workflow", f"{file} is listed twice (also in {other})")
        resolved = pathlib.Path(entry.output).resolve()
        if entry.workflow is None and entry.output.endswith(os.sep):
            # library entries may share a directory: each module is named from its workflow
            # (two that would write one file are refused once the names are known)
            other = outputs.setdefault(resolved, entry.key)
            if other != entry.key and other not in shared:
                raise _error(path, f"{entry.key}.output", f"{entry.output} is also the output of {other}")
            shared.add(entry.key)
            continue
        other = outputs.setdefault(resolved, entry.key)
        if other != entry.key:
            raise _error(path, f"{entry.key}.output", f"{entry.output} is also the output of {other}")
