"""What graph building asks the server (board images for image generators, dynamic prompts):
a ``GeneratorResolver`` that answers from a cache and raises ``NeedServer`` for the rest."""

from __future__ import annotations

from typing import Any

from ..api.boards import parse_image_names
from ..api.call import Call, segment

__all__ = ["CachedResolver", "NeedServer"]

# --- what graph building asks the server (image/string generator nodes) ------------------------

_CATEGORIES = {"images": ["general"], "assets": ["control", "mask", "user", "other"]}


class NeedServer(Exception):
    """Raised inside graph building when an answer only the server has is not cached yet."""

    def __init__(self, key: tuple[Any, ...], call: Call) -> None:
        super().__init__(key)
        self.key = key
        self.call = call


class CachedResolver:
    """A ``GeneratorResolver`` answering from a cache and asking for what it lacks.

    Graph building is synchronous and pure; both clients run it, catch ``NeedServer``, fetch
    that one answer (sync or async) into ``answers``, and build again.
    """

    def __init__(self) -> None:
        self.answers: dict[tuple[Any, ...], Any] = {}

    def board_image_names(self, board_id: str, category: str) -> list[str]:
        key: tuple[Any, ...] = ("board", board_id, category)
        if key not in self.answers:
            params = {
                "categories": _CATEGORIES.get(category, ["general"]),
                "is_intermediate": "false",
            }
            call = Call(
                "GET",
                f"/api/v1/boards/{segment(board_id)}/image_names",
                params=params,
                idempotent=True,
            )
            raise NeedServer(key, call)
        return list(parse_image_names(self.answers[key]))

    def dynamic_prompts(
        self, prompt: str, max_prompts: int, combinatorial: bool, seed: int | None
    ) -> list[str]:
        key: tuple[Any, ...] = ("prompts", prompt, max_prompts, combinatorial, seed)
        if key not in self.answers:
            body = {
                "prompt": prompt,
                "max_prompts": max_prompts,
                "combinatorial": combinatorial,
                "seed": seed,
            }
            # A parse has no side effects, so it may be repeated.
            raise NeedServer(
                key,
                Call("POST", "/api/v1/utilities/dynamicprompts", json_body=body, idempotent=True),
            )
        data = self.answers[key]
        if not isinstance(data, dict) or data.get("error"):
            return []
        return [str(p) for p in data.get("prompts") or []]
