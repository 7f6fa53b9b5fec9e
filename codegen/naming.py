"""Python names from the labels InvokeAI shows: ASCII snake_case, safe and unique."""

from __future__ import annotations

import builtins
import keyword
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = ["NameRequest", "Rename", "assign_names", "class_name", "snake_case"]

# Names a generated class or module already uses: an attribute must not shadow them.
RESERVED = frozenset(
    {
        "workflow", "input_specs", "to_values", "attribute_names", "run", "arun", "run_many",
        "arun_many", "dataclass", "field", "annotated", "literal", "classvar", "pathlib",
        "self", "cls", "model_config", "model_fields",
    }
)  # fmt: skip
_BUILTINS = frozenset(n for n in dir(builtins) if not n.startswith("_"))
# Names the module imports or defines: the class must not take one of them.
MODULE_NAMES = frozenset(
    {
        "Annotated", "ClassVar", "Literal", "Field", "JsonValue", "dataclass", "GeneratedWorkflow",
        "InputSpec", "workflow_config", "BoardValue", "Color", "ImageRef", "ImageValue",
        "ModelRef", "pathlib",
    }
)  # fmt: skip


# Letters NFKD does not split into an ASCII base letter and a mark.
_TRANSLIT = str.maketrans({"ß": "ss", "æ": "ae", "Æ": "AE", "ø": "o", "Ø": "O", "œ": "oe",
                           "Œ": "OE", "đ": "d", "Đ": "D", "ł": "l", "Ł": "L", "þ": "th"})  # fmt: skip


def _ascii_words(text: str) -> list[str]:
    folded = unicodedata.normalize("NFKD", text.translate(_TRANSLIT))
    folded = folded.encode("ascii", "ignore").decode("ascii")
    # split camelCase and acronym boundaries before dropping punctuation
    folded = re.sub(r"([a-z0-9])([A-Z][a-z])", r"\1 \2", folded)
    folded = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1 \2", folded)
    return [w for w in re.split(r"[^A-Za-z0-9]+", folded) if w]


def snake_case(text: str) -> str:
    """``"CFG Scale (Low)"`` -> ``"cfg_scale_low"``; "" when nothing ASCII is left."""
    return "_".join(w.lower() for w in _ascii_words(text))


def _safe_attribute(name: str) -> str:
    if name[0].isdigit():
        name = "input_" + name
    if keyword.iskeyword(name) or name in _BUILTINS or name in RESERVED:
        name += "_"
    return name


@dataclass(frozen=True)
class NameRequest:
    index: int
    shown_label: str  # what the GUI shows: field label, else schema title, else field name
    field_name: str
    node_label: str


@dataclass(frozen=True)
class Rename:
    index: int
    wanted: str
    given: str
    reason: str

    def __str__(self) -> str:
        return f"input {self.index}: {self.wanted!r} is named {self.given!r} ({self.reason})"


def assign_names(requests: Sequence[NameRequest]) -> tuple[list[str], list[Rename]]:
    """One unique attribute name per request, in order; and each rename, for stderr.

    Deterministic: the first input keeps a name; a later duplicate takes its node's label as
    a prefix, then a numeric suffix.
    """
    taken: set[str] = set()
    names: list[str] = []
    renames: list[Rename] = []
    for req in requests:
        base = snake_case(req.shown_label) or snake_case(req.field_name) or "input"
        wanted = _safe_attribute(base)
        reasons: list[str] = []
        if wanted != base:
            reasons.append("keyword, builtin or reserved name")
        name = wanted
        if name in taken:
            prefix = snake_case(req.node_label)
            candidate = _safe_attribute(f"{prefix}_{base}") if prefix else name
            if candidate not in taken:
                name = candidate
                reasons.append("duplicate label; node label added")
            else:
                n = 2
                while f"{wanted}_{n}" in taken:
                    n += 1
                name = f"{wanted}_{n}"
                reasons.append("duplicate label; numbered")
        taken.add(name)
        names.append(name)
        if name != base:
            renames.append(Rename(req.index, req.shown_label, name, "; ".join(reasons)))
    return names, renames


def class_name(preferred: Iterable[str]) -> str:
    """PascalCase from the first candidate that has ASCII words (workflow name, file stem)."""
    for text in preferred:
        words = _ascii_words(text)
        if words:
            name = "".join(w.capitalize() for w in words)
            if name[0].isdigit():
                name = "Workflow" + name
            if keyword.iskeyword(name) or name in _BUILTINS or name in MODULE_NAMES:
                name += "Workflow"
            return name
    return "Workflow"
