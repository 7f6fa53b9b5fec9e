"""Python names from the labels InvokeAI shows: ASCII snake_case, safe and unique."""

from __future__ import annotations

import builtins
import keyword
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence, Set as AbstractSet
from dataclasses import dataclass

from anyascii import anyascii

__all__ = ["NameRequest", "Rename", "assign_names", "class_name", "is_safe_attribute", "is_safe_class", "snake_case"]

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
        "ModelRef", "pathlib", "json_value", "VideoRef", "VideoValue", "SchemaObject",
    }
)  # fmt: skip


# Zero-width, one look at each position: linear ("([A-Z]+)([A-Z][a-z])" backtracked through a
# run of capitals from every start in it, and took minutes on a long label).
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z][a-z])")  # "myValue" -> "my Value"
# "HTTPServer" -> "HTTP Server", but a plural acronym stays one word: "LoRAs", "VAEs", "IDs"
_ACRONYM_END = re.compile(r"(?<=[A-Z])(?=[A-Z][a-z])(?![A-Z]s(?![a-z]))")
_MINUS = re.compile(r"(?<![A-Za-z0-9.])-(?=[0-9])")  # "-10 to 10": a sign, not punctuation
MAX_NAME = 64  # characters of a name made from a label; longer labels are cut at a word
_SCAN = 4 * MAX_NAME  # characters of a label looked at: enough for any name, at any size


def _fold(text: str) -> str:
    """The label in ASCII as it reads: letters transliterated (anyascii: "Größe" -> "Grosse",
    "宽度" -> "KuanDu", "Ширина" -> "Shirina"); symbols such as emoji left out."""
    kept = "".join(ch for ch in text[:_SCAN] if unicodedata.category(ch) not in ("So", "Sk", "Cs", "Co", "Cn"))
    return anyascii(kept.replace("\u2212", "-"))  # the minus sign is a sign too


def _ascii_words(text: str) -> list[str]:
    folded = _MINUS.sub(" minus ", _fold(text))
    # split camelCase and acronym boundaries before dropping punctuation
    folded = _CAMEL.sub(" ", folded)
    folded = _ACRONYM_END.sub(" ", folded)
    words: list[str] = []
    size = 0
    for w in re.split(r"[^A-Za-z0-9]+", folded):
        if not w:
            continue
        if words and size + 1 + len(w) > MAX_NAME:
            break  # a name of the first words, not a 100,000-character one
        words.append(w[:MAX_NAME])
        size += len(w) + (1 if len(words) > 1 else 0)
    return words


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


def assign_names(
    requests: Sequence[NameRequest],
    fixed: Mapping[int, str] | None = None,
    avoid: AbstractSet[str] = frozenset(),
) -> tuple[list[str], list[Rename]]:
    """One unique attribute name per request, in order; and each rename, for stderr.

    Deterministic: when several inputs would take one name, every one of them whose node has
    a label takes it as a prefix (so two "Value" fields of nodes "Width" and "Height" become
    ``width_value`` and ``height_value``, not ``value`` and ``height_value``); what still
    collides is numbered in Form order, the first keeping the plain name.

    ``fixed`` names some requests (by position) already: a regenerated module keeps the names
    it gave before. Neither they nor ``avoid`` (names that must not point at another input)
    are given to any other request.
    """
    fixed = fixed or {}
    bases = [snake_case(r.shown_label) or snake_case(r.field_name) or "input" for r in requests]
    wanted = [_safe_attribute(b) for b in bases]
    counts = Counter(w for i, w in enumerate(wanted) if i not in fixed)
    held = set(fixed.values()) | set(avoid)
    names: list[str] = []
    reasons: list[list[str]] = []
    for i, (req, base, want) in enumerate(zip(requests, bases, wanted)):
        if i in fixed:
            names.append(fixed[i])
            reasons.append([])
            continue
        why = [] if want == base else ["starts with a digit" if base[0].isdigit()
                                       else "keyword, builtin or reserved name"]  # fmt: skip
        prefix = snake_case(req.node_label)
        if (counts[want] > 1 or want in held) and prefix:
            # "Prompt" of node "Positive Prompt" is positive_prompt, not positive_prompt_prompt
            joined = prefix if prefix == base or prefix.endswith("_" + base) else f"{prefix}_{base}"
            want = _safe_attribute(joined)
            why.append("duplicate label; node label added")
        names.append(want)
        reasons.append(why)
    taken: set[str] = held.copy()
    later = Counter(n for i, n in enumerate(names) if i not in fixed)
    next_number: dict[str, int] = {}  # so that 10,000 "Value" labels number in linear time
    for i, name in enumerate(names):
        if i in fixed:
            continue
        later[name] -= 1
        if name in taken:
            n = next_number.get(name, 2)
            while f"{name}_{n}" in taken or later[f"{name}_{n}"] > 0:
                n += 1
            next_number[name] = n + 1
            names[i] = f"{name}_{n}"
            reasons[i].append("duplicate label; numbered")
        taken.add(names[i])
    renames = [
        Rename(req.index, req.shown_label, name, "; ".join(why))
        for i, (req, base, name, why) in enumerate(zip(requests, bases, names, reasons))
        if name != base and i not in fixed
    ]
    return names, renames


def is_safe_attribute(name: str) -> bool:
    """Whether ``name`` could be an attribute this module generates (a lock read from a module
    on disk is checked with it: the file may have been edited)."""
    return name.isidentifier() and name.isascii() and _safe_attribute(name) == name


def is_safe_class(name: str, taken: Iterable[str] = ()) -> bool:
    """Whether ``name`` could be a class this module generates (for a lock read from disk)."""
    return (
        name.isidentifier() and name.isascii() and not keyword.iskeyword(name)
        and name not in _BUILTINS and name not in MODULE_NAMES and name not in set(taken)
    )  # fmt: skip


def class_name(preferred: Iterable[str], taken: Iterable[str] = ()) -> str:
    """PascalCase from the first candidate that has ASCII words (workflow name, file stem);
    never one of the module's own names or ``taken`` (names imported for extensions)."""
    avoid = MODULE_NAMES | set(taken)
    for text in preferred:
        words = _ascii_words(text)
        if words:
            name = "".join(w.capitalize() for w in words)
            if name[0].isdigit():
                name = "Workflow" + name
            while keyword.iskeyword(name) or name in _BUILTINS or name in avoid:
                name += "Workflow"
            return name
    return "Workflow"
