"""``client.workflows.list()`` pages by offset: a library that changes between two pages must
not make the listing skip a workflow or name one twice (a fake connection plays the library)."""

from __future__ import annotations

from typing import Any

import pytest

from ivk_runtime.api.call import Call
from ivk_runtime.client.workflows_async import AsyncWorkflows
from ivk_runtime.errors import LibraryChangedWarning


class Library:
    """The server's listing over ``names``, sorted by name, two per page; ``between`` runs
    after each page is served (another user saving a workflow)."""

    def __init__(self, names: list[str], between: Any = None) -> None:
        self.names = names
        self.between = between
        self.served: list[int] = []

    async def json(self, call: Call) -> dict[str, Any]:
        assert call.params is not None
        page, per_page = int(call.params["page"]), 2
        ordered = sorted(self.names)
        items = [{"workflow_id": f"id-{n}", "name": n} for n in ordered[page * per_page : (page + 1) * per_page]]
        answer = {"page": page, "pages": -(-len(ordered) // per_page), "per_page": per_page, "total": len(ordered), "items": items}
        self.served.append(page)
        if self.between is not None:
            self.between(self)
        return answer


def names(items: list[Any]) -> list[str]:
    return [i.name for i in items]


async def test_a_workflow_saved_while_paging_neither_skips_nor_repeats() -> None:
    added = False

    def save_one(lib: Library) -> None:  # "a" lands before page 1: "c" moves onto it
        nonlocal added
        if not added:
            added = True
            lib.names.append("a")

    lib = Library(["b", "c", "d", "e"], save_one)
    listed = await AsyncWorkflows(lib).list()  # type: ignore[arg-type]
    assert names(listed) == ["a", "b", "c", "d", "e"]  # before: "c" twice, or "a" missed
    assert len({i.workflow_id for i in listed}) == len(listed)
    assert lib.served[:3] == [0, 1, 2] and lib.served[3] == 0  # paged again from the start


async def test_a_library_that_keeps_changing_is_said_so() -> None:
    count = iter(range(100))

    def keep_saving(lib: Library) -> None:
        lib.names.append(f"a{next(count):02d}")

    lib = Library(["x", "y", "z"], keep_saving)
    with pytest.warns(LibraryChangedWarning):
        listed = await AsyncWorkflows(lib).list()  # type: ignore[arg-type]
    assert len({i.workflow_id for i in listed}) == len(listed)


async def test_a_quiet_library_is_read_once() -> None:
    lib = Library(["a", "b", "c"])
    assert names(await AsyncWorkflows(lib).list()) == ["a", "b", "c"]  # type: ignore[arg-type]
    assert lib.served == [0, 1]
