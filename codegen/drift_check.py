"""What an existing generated module says its inputs were generated against (read with ast,
never imported: a module on disk is not trusted to run), for ``--check``'s drift report."""

from __future__ import annotations

import ast
import pathlib

from ivk_runtime.graph.drift import Expectation

__all__ = ["recorded_expectations"]

_FIELDS = ("attribute", "node_type", "node_version", "field", "signature")


def recorded_expectations(path: pathlib.Path) -> list[Expectation]:
    """The ``InputSpec(...)`` records of a module; [] for a module from before they existed, or
    one that cannot be read."""
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
        return []
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "InputSpec"):
            continue
        values = {
            k.arg: k.value.value
            for k in node.keywords
            if k.arg in _FIELDS and isinstance(k.value, ast.Constant) and isinstance(k.value.value, str)
        }
        if values.get("node_type") and "attribute" in values and "field" in values:
            found.append(Expectation(*(values.get(name, "") for name in _FIELDS)))
    return found
