"""Check a generated module before it is written: it parses, and holds only what the
template makes. A last guard behind the escaping: an injected statement or call fails here."""

from __future__ import annotations

import ast
import re

import libcst as cst

__all__ = ["UnsafeOutput", "verify_module", "verify_workflow_data"]

# Calls the template may make; anything else in the source is foreign.
_ALLOWED_CALLS = frozenset(
    {"dataclass", "Field", "InputSpec", "ImageRef", "VideoRef", "ModelRef", "Color", "json_value"}
)


class UnsafeOutput(Exception):
    """The generated source is not what the template makes (a generator bug, or an attack)."""


def _name(node: cst.BaseExpression) -> str | None:
    return node.value if isinstance(node, cst.Name) else None


def _is_string(node: cst.BaseExpression) -> bool:
    return isinstance(node, (cst.SimpleString, cst.ConcatenatedString))


# Modules the template imports from; extension modules are added by the caller.
_IMPORTS = frozenset(
    {"typing", "pydantic", "pydantic.dataclasses", "ivk_runtime.generated", "ivk_runtime.values"}
)


def _dotted(node: cst.BaseExpression | None) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    return ""


def _check_statement_line(
    stmt: cst.SimpleStatementLine, *, in_class: bool, imports: frozenset[str] = _IMPORTS
) -> None:
    for small in stmt.body:
        if isinstance(small, cst.Expr) and _is_string(small.value):
            continue  # docstring
        if not in_class and isinstance(small, cst.ImportFrom):
            if small.relative or _dotted(small.module) not in imports:
                raise UnsafeOutput(f"unexpected import from {_dotted(small.module)!r}")
            continue
        if isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
            continue  # attribute or ClassVar; their values are checked by _CallChecker
        if not in_class and isinstance(small, cst.Assign) and len(small.targets) == 1:
            target = _name(small.targets[0].target)
            if target in ("__all__", "_WORKFLOW_JSON"):
                continue
        raise UnsafeOutput(f"unexpected statement: {cst.Module([]).code_for_node(small)!r:.120}")


def _check_expressions(source: str, allowed_calls: frozenset[str] = _ALLOWED_CALLS) -> None:
    """No call but the template's (and extension types' defaults), no attribute access, no
    f-string, walrus or await.

    Walked with ``ast``: the same tree shape for this purpose, at a fraction of the cost of
    visiting libcst's concrete tree.
    """
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            continue
        if isinstance(node, ast.Call):
            func = node.func.id if isinstance(node.func, ast.Name) else None
            if func not in allowed_calls:
                raise UnsafeOutput(f"unexpected call at line {node.lineno}")
        elif isinstance(node, (ast.Attribute, ast.JoinedStr, ast.NamedExpr, ast.Await,
                               ast.Yield, ast.YieldFrom, ast.Starred)):  # fmt: skip
            raise UnsafeOutput(f"unexpected {type(node).__name__} at line {node.lineno}")


def verify_module(
    source: str,
    extension_modules: frozenset[str] = frozenset(),
    extension_types: frozenset[str] = frozenset(),
) -> None:
    """``extension_types``: the names of extension types, whose calls defaults may make."""
    try:
        module = cst.parse_module(source)
    except cst.ParserSyntaxError as exc:
        raise UnsafeOutput(f"generated source does not parse: {exc}") from exc
    classes = 0
    object_classes: set[str] = set()
    for stmt in module.body:
        if isinstance(stmt, cst.SimpleStatementLine):
            _check_statement_line(stmt, in_class=False, imports=_IMPORTS | extension_modules)
        elif isinstance(stmt, cst.ClassDef):
            if _is_schema_object(stmt):  # a schema object's class: fields only, before the workflow's
                if classes or stmt.name.value in object_classes:
                    raise UnsafeOutput(f"unexpected class {stmt.name.value!r}")
                object_classes.add(stmt.name.value)
            else:
                classes += 1
                if len(stmt.decorators) != 1:
                    raise UnsafeOutput("the class must have exactly its dataclass decorator")
            for inner in stmt.body.body:
                if not isinstance(inner, cst.SimpleStatementLine):
                    raise UnsafeOutput(f"unexpected {type(inner).__name__} in the class body")
                _check_statement_line(inner, in_class=True)
        else:
            raise UnsafeOutput(f"unexpected top-level {type(stmt).__name__}")
    if classes != 1:
        raise UnsafeOutput(f"expected one class, found {classes}")
    _check_expressions(source, _ALLOWED_CALLS | extension_types | object_classes)


def _is_schema_object(stmt: cst.ClassDef) -> bool:
    return (
        not stmt.decorators and len(stmt.bases) == 1 and not stmt.keywords
        and _name(stmt.bases[0].value) == "SchemaObject" and stmt.bases[0].keyword is None
    )  # fmt: skip


_DATA_LINE = re.compile(r"""    (?:"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')\Z""")
_DATA_HEAD = ["", "", "", "# The workflow as exported (keys sorted), substituted into at run time; never edited.",
              "_WORKFLOW_JSON = ("]  # fmt: skip


def _main_block(class_name: str) -> list[str]:
    return ["", "", 'if __name__ == "__main__":  # python -m this_module: its own command line (--help lists it)',
            "    from ivk_runtime.tool.cli import main", "", f"    raise SystemExit(main({class_name}))", ""]  # fmt: skip


def verify_workflow_data(tail: str, class_name: str) -> None:
    """The appended tail is exactly the assignment of plain string pieces, line by line, then
    the module's ``__main__`` entry calling the command line with the generated class."""
    lines = tail.split("\n")
    if not class_name.isidentifier():
        raise UnsafeOutput(f"the class name {class_name!r:.80} is no identifier")
    main = _main_block(class_name)
    if lines[: len(_DATA_HEAD)] != _DATA_HEAD or lines[-len(main) :] != main:
        raise UnsafeOutput("the embedded workflow block is malformed")
    lines = lines[: -len(main)] + [""]
    if lines[-2:] != [")", ""]:
        raise UnsafeOutput("the embedded workflow block is malformed")
    for line in lines[len(_DATA_HEAD) : -2]:
        if not _DATA_LINE.match(line):
            raise UnsafeOutput(f"unexpected line in the embedded workflow: {line!r:.80}")
