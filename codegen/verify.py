"""Check a generated module before it is written: it parses, and holds only what the
template makes. A last guard behind the escaping: an injected statement or call fails here."""

from __future__ import annotations

import re

import libcst as cst

__all__ = ["UnsafeOutput", "verify_module", "verify_workflow_data"]

# Calls the template may make; anything else in the source is foreign.
_ALLOWED_CALLS = frozenset({"dataclass", "Field", "InputSpec", "ImageRef", "ModelRef", "Color"})


class UnsafeOutput(Exception):
    """The generated source is not what the template makes (a generator bug, or an attack)."""


def _name(node: cst.BaseExpression) -> str | None:
    return node.value if isinstance(node, cst.Name) else None


def _is_string(node: cst.BaseExpression) -> bool:
    return isinstance(node, (cst.SimpleString, cst.ConcatenatedString))


def _check_statement_line(stmt: cst.SimpleStatementLine, *, in_class: bool) -> None:
    for small in stmt.body:
        if isinstance(small, cst.Expr) and _is_string(small.value):
            continue  # docstring
        if not in_class and isinstance(small, cst.ImportFrom):
            continue
        if isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
            continue  # attribute or ClassVar; their values are checked by _CallChecker
        if not in_class and isinstance(small, cst.Assign) and len(small.targets) == 1:
            target = _name(small.targets[0].target)
            if target in ("__all__", "_WORKFLOW_JSON"):
                continue
        raise UnsafeOutput(f"unexpected statement: {cst.Module([]).code_for_node(small)!r:.120}")


class _CallChecker(cst.CSTVisitor):
    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        return False  # module paths are dotted names, checked as statements above

    def visit_ConcatenatedString(self, node: cst.ConcatenatedString) -> bool:
        # the embedded workflow is thousands of pieces deep: walk it in a loop, not recursively
        part: cst.BaseExpression = node
        while isinstance(part, cst.ConcatenatedString):
            self._plain_string(part.left)
            part = part.right
        self._plain_string(part)
        return False

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        self._plain_string(node)

    @staticmethod
    def _plain_string(node: cst.CSTNode) -> None:
        if not isinstance(node, cst.SimpleString) or "f" in node.prefix.lower():
            raise UnsafeOutput("only plain string literals may be concatenated")

    def visit_Call(self, node: cst.Call) -> None:
        if _name(node.func) not in _ALLOWED_CALLS:
            raise UnsafeOutput(f"unexpected call: {cst.Module([]).code_for_node(node)!r:.120}")

    def visit_Attribute(self, node: cst.Attribute) -> None:
        raise UnsafeOutput(f"unexpected attribute access: {cst.Module([]).code_for_node(node)!r:.80}")

    def _refuse(self, node: cst.CSTNode) -> None:
        raise UnsafeOutput(f"unexpected {type(node).__name__}")

    visit_Await = visit_Yield = visit_NamedExpr = visit_FormattedString = _refuse  # type: ignore[assignment]


def verify_module(source: str) -> None:
    try:
        module = cst.parse_module(source)
    except cst.ParserSyntaxError as exc:
        raise UnsafeOutput(f"generated source does not parse: {exc}") from exc
    classes = 0
    for stmt in module.body:
        if isinstance(stmt, cst.SimpleStatementLine):
            _check_statement_line(stmt, in_class=False)
        elif isinstance(stmt, cst.ClassDef):
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
    module.visit(_CallChecker())


_DATA_LINE = re.compile(r"""    (?:"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')\Z""")
_DATA_HEAD = ["", "", "# The workflow as exported (keys sorted), substituted into at run time; never edited.",
              "_WORKFLOW_JSON = ("]  # fmt: skip


def verify_workflow_data(tail: str) -> None:
    """The appended tail is exactly the assignment of plain string pieces, line by line."""
    lines = tail.split("\n")
    if lines[: len(_DATA_HEAD)] != _DATA_HEAD or lines[-2:] != [")", ""]:
        raise UnsafeOutput("the embedded workflow block is malformed")
    for line in lines[len(_DATA_HEAD) : -2]:
        if not _DATA_LINE.match(line):
            raise UnsafeOutput(f"unexpected line in the embedded workflow: {line!r:.80}")
