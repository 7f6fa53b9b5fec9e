"""What an existing generated module records of its inputs (its ``InputSpec(...)`` table), read
with ast and never imported: a module on disk is not trusted to run. The table is the lock on
attribute names and what ``--check`` compares the schema against for drift."""

from __future__ import annotations

import ast
import pathlib
from dataclasses import dataclass

from ivk_runtime.graph.drift import Expectation

__all__ = ["NOTHING", "Recorded", "RecordedInput", "RetiredName", "read_recorded"]

_FIELDS = ("attribute", "node_id", "field", "node_type", "node_version", "signature")


@dataclass(frozen=True)
class RecordedInput:
    attribute: str
    node_id: str
    field: str
    node_type: str
    node_version: str
    signature: str

    @property
    def expectation(self) -> Expectation:
        return Expectation(self.attribute, self.node_type, self.node_version, self.field, self.signature)


@dataclass(frozen=True)
class RetiredName:
    """A name the module gave an input that has since gone: never given to another input."""

    attribute: str
    node_id: str
    field: str


@dataclass(frozen=True)
class Recorded:
    class_name: str  # "" when the file holds no generated class
    inputs: tuple[RecordedInput, ...]
    retired: tuple[RetiredName, ...] = ()

    @property
    def expectations(self) -> list[Expectation]:
        return [i.expectation for i in self.inputs if i.node_type]


NOTHING = Recorded("", ())


def _retired(tree: ast.Module) -> tuple[RetiredName, ...]:
    for node in ast.walk(tree):
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.target.id == "_retired":
            if not isinstance(node.value, ast.Tuple):
                return ()
            found = []
            for item in node.value.elts:
                parts = item.elts if isinstance(item, ast.Tuple) else []
                texts = [p.value for p in parts if isinstance(p, ast.Constant) and isinstance(p.value, str)]
                if len(texts) == len(parts) == 3:
                    found.append(RetiredName(*texts))
            return tuple(found)
    return ()


def read_recorded(path: pathlib.Path) -> Recorded:
    """The class and inputs a module records, in its order; nothing for a missing or
    unreadable file, or one that is not a generated module."""
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, SyntaxError, ValueError, RecursionError, MemoryError):
        return NOTHING
    class_name = next(
        (
            node.name
            for node in tree.body
            if isinstance(node, ast.ClassDef)
            and any(isinstance(b, ast.Name) and b.id == "GeneratedWorkflow" for b in node.bases)
        ),
        "",
    )
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "InputSpec"):
            continue
        values = {
            k.arg: k.value.value
            for k in node.keywords
            if k.arg in _FIELDS and isinstance(k.value, ast.Constant) and isinstance(k.value.value, str)
        }
        if values.get("attribute") and values.get("node_id") and values.get("field"):
            found.append(RecordedInput(*(values.get(name, "") for name in _FIELDS)))
    return Recorded(class_name, tuple(found), _retired(tree)) if class_name else NOTHING
