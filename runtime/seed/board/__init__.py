"""Boards in the seed's API: ``Board`` (the record), ``BoardRepository`` (``client.board_repo``:
boards by id or name, their handles) and ``BoardHandle`` (one board's images)."""

from .board_handle import BoardHandle
from .board_model import Board
from .board_repo import BoardRepository

__all__ = ["Board", "BoardHandle", "BoardRepository"]
