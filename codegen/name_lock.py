"""Names that never re-point: a regenerated module keeps the name it gave each (node, field).

The module already on disk is the lock (its input table), so the user keeps nothing new. A
relabelled input keeps its old name; a new input never takes a name the module gave another
input, even one since removed: ``BlurImage(width=48)`` keeps setting what it set, or fails.
Taking the labels' names instead (``--new-names``) reports every binding that changes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from .naming import NameRequest, assign_names, is_safe_attribute
from .recorded import Recorded, RecordedInput, RetiredName

__all__ = ["InputKey", "Naming", "name_inputs"]


@dataclass(frozen=True)
class InputKey:
    node_id: str
    field: str

    def __str__(self) -> str:
        return f"field {self.field!r} of node {self.node_id!r}"


@dataclass
class Naming:
    names: list[str]
    messages: list[str] = field(default_factory=list)  # for stderr
    rebinds: list[str] = field(default_factory=list)  # bindings that change: --check fails on them
    retired: list[RetiredName] = field(default_factory=list)  # names gone, kept from reuse


def name_inputs(
    requests: Sequence[NameRequest],
    keys: Sequence[InputKey],
    recorded: Recorded,
    *,
    lock_source: str = "",
    new_names: bool = False,
) -> Naming:
    fresh, renames = assign_names(requests)
    result = Naming(fresh, [f"renamed: {r}" for r in renames])
    if not recorded.inputs and not recorded.retired:
        return result
    old = _by_key(recorded.inputs, recorded.retired)
    if new_names:
        result.rebinds = _changed_bindings(keys, fresh, recorded)
        result.messages += [f"warning: {r}" for r in result.rebinds]
        result.retired = _still_retired(recorded, fresh)
        return result

    fixed: dict[int, str] = {}
    used: set[str] = set()
    for i, key in enumerate(keys):
        queue = old.get(key)
        if queue:
            name = queue.pop(0)
            if is_safe_attribute(name) and name not in used:
                fixed[i] = name
                used.add(name)
    held = {r.attribute for r in recorded.inputs} | {r.attribute for r in recorded.retired}
    names, renames = assign_names(requests, fixed, avoid=held)
    messages = [f"renamed: {r}" for r in renames]
    source = f" from {lock_source}" if lock_source else ""
    for i, name in sorted(fixed.items()):
        if fresh[i] != name:
            messages.append(
                f"kept: input {requests[i].index} ({keys[i]}) keeps the name {name!r}{source}; its "
                f"label {requests[i].shown_label!r:.80} would name it {fresh[i]!r} "
                "(--new-names takes the labels' names)"
            )
    for i, name in enumerate(names):
        if i not in fixed:
            messages.append(f"new: input {requests[i].index} ({keys[i]}) is named {name!r}")
    present = set(keys)
    gone = [r for r in recorded.inputs if InputKey(r.node_id, r.field) not in present]
    rebinds = [
        f"attribute {r.attribute!r} is gone: {InputKey(r.node_id, r.field)} is no longer in the "
        "workflow's Form, so code that sets it now fails"
        for r in gone
    ]
    result.names, result.messages, result.rebinds = names, messages + rebinds, rebinds
    result.retired = _still_retired(recorded, names)
    return result


def _by_key(inputs: Sequence[RecordedInput], retired: Sequence[RetiredName]) -> dict[InputKey, list[str]]:
    """Names by (node, field): the live ones, then retired ones (an input that comes back
    gets its old name back)."""
    by_key: dict[InputKey, list[str]] = defaultdict(list)
    pairs = [(r.node_id, r.field, r.attribute) for r in inputs] + [(r.node_id, r.field, r.attribute) for r in retired]
    for node_id, field_name, attribute in pairs:
        by_key[InputKey(node_id, field_name)].append(attribute)
    return by_key


def _still_retired(recorded: Recorded, names: Sequence[str]) -> list[RetiredName]:
    """What the new module records as retired: every name it had before and has no more."""
    in_use = set(names)
    out: dict[str, RetiredName] = {}
    for r in [*recorded.retired, *(RetiredName(i.attribute, i.node_id, i.field) for i in recorded.inputs)]:
        if r.attribute not in in_use and r.attribute not in out and is_safe_attribute(r.attribute):
            out[r.attribute] = r
    return list(out.values())


def _changed_bindings(keys: Sequence[InputKey], names: Sequence[str], recorded: Recorded) -> list[str]:
    """Each attribute of the old module that sets something else now, or nothing; and each
    name retired before that now sets something."""
    now = dict(zip(names, keys))
    changes = []
    for r in recorded.inputs:
        was = InputKey(r.node_id, r.field)
        if r.attribute not in now:
            changes.append(f"attribute {r.attribute!r} ({was}) is gone: code that sets it now fails")
        elif now[r.attribute] != was:
            changes.append(f"attribute {r.attribute!r} now sets {now[r.attribute]} (it set {was})")
    live = {r.attribute for r in recorded.inputs}
    for gone in recorded.retired:
        was = InputKey(gone.node_id, gone.field)
        if gone.attribute in now and gone.attribute not in live and now[gone.attribute] != was:
            changes.append(f"attribute {gone.attribute!r}, retired when {was} left the Form, now sets "
                           f"{now[gone.attribute]}")  # fmt: skip
    return changes
