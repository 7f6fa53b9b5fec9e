"""The extension point for node packs' own field types.

A node pack whose fields use a type of its own (a schema component such as ``MyLoraField``,
or a ``ui_type``) registers a ``TypeExtension``; the generator then types those inputs with
the Python type the extension names. At run time the value is sent as pydantic's JSON form
of that type, so the type must serialize to the JSON the node field takes (a pydantic
model or dataclass with the node field's keys does).

Register extensions in either way:
- a module with a module-level ``IVK_TYPE_EXTENSIONS = [TypeExtension(...), ...]``, named
  with ``ivk-codegen --extension my_pack.ivk_types`` (found from the current directory too, as
  ``python -m`` finds modules);
- an entry point in the ``ivk_codegen.type_extensions`` group whose object is such a list.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from importlib.metadata import entry_points

__all__ = ["TypeExtension", "import_python_type", "load_extensions"]

_DOTTED = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+\Z")


@dataclass(frozen=True)
class TypeExtension:
    """Map a schema ``$ref`` name or ``ui_type`` to a Python type, e.g.
    ``TypeExtension(ref="MyLoraField", python_type="my_pack.types.MyLora")``."""

    python_type: str  # dotted path "package.module.Name"; imported by the generated module
    ref: str | None = None  # component name that the field's schema $refs
    ui_type: str | None = None  # or the field's ui_type
    description: str = ""  # added to the attribute's docstring
    # the directory its module was found from besides the current one (a configured project's
    # root, when run from below it): the type is imported from there too
    home: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        if not _DOTTED.match(self.python_type):
            raise ValueError(f"python_type must be a dotted path module.Name: {self.python_type!r}")
        if not (self.ref or self.ui_type):
            raise ValueError("a TypeExtension needs ref or ui_type")

    @property
    def module(self) -> str:
        return self.python_type.rsplit(".", 1)[0]

    @property
    def name(self) -> str:
        return self.python_type.rsplit(".", 1)[1]


def _as_extensions(obj: object, origin: str) -> list[TypeExtension]:
    items = obj if isinstance(obj, (list, tuple)) else [obj]
    bad = [i for i in items if not isinstance(i, TypeExtension)]
    if bad:
        raise ValueError(f"{origin}: expected TypeExtension objects, got {type(bad[0]).__name__}")
    return list(items)


@contextlib.contextmanager
def _current_directory_importable(home: str = "") -> Iterator[None]:
    """The current directory (and ``home``) first on ``sys.path`` (as ``python -m`` puts it)
    while importing a user's module, and taken off again after: the generator's own imports
    never see them."""
    added = [d for d in dict.fromkeys([os.getcwd(), home]) if d and d not in sys.path]
    sys.path[:0] = added
    try:
        yield
    finally:
        for d in added:
            with contextlib.suppress(ValueError):
                sys.path.remove(d)


def _import(name: str, home: str = "") -> object:
    with _current_directory_importable(home):
        return importlib.import_module(name)


def import_python_type(ext: TypeExtension) -> object:
    """The Python type an extension names, imported as its module was; ValueError when it
    cannot be."""
    try:
        module = _import(ext.module, ext.home)
    except ImportError as exc:
        raise ValueError(f"{ext.python_type} cannot be imported: {exc}") from exc
    if not hasattr(module, ext.name):
        raise ValueError(f"{ext.module} has no {ext.name}")
    return getattr(module, ext.name)


def load_extensions(modules: Iterable[str] = (), home: str | os.PathLike[str] = "") -> list[TypeExtension]:
    """Extensions from the named modules (found from the current directory, and ``home``: the
    directory of the pyproject.toml that names them), then from installed entry points."""
    found: list[TypeExtension] = []
    home = os.fspath(home)
    for name in modules:
        try:
            module = _import(name, home)
        except ImportError as exc:
            raise ValueError(f"extension module {name!r} cannot be imported: {exc}") from exc
        if not hasattr(module, "IVK_TYPE_EXTENSIONS"):
            raise ValueError(f"extension module {name!r} has no IVK_TYPE_EXTENSIONS list")
        found += [replace(e, home=home) for e in _as_extensions(module.IVK_TYPE_EXTENSIONS, name)]
    for ep in sorted(entry_points(group="ivk_codegen.type_extensions"), key=lambda e: e.name):
        found += _as_extensions(ep.load(), f"entry point {ep.name}")
    return found
