"""QuickClient: common tasks in one call (copy an image to a board, SDXL text to image), each a
small prebuilt workflow of this package's own."""

from .quick_client import QuickClient

__all__ = ["QuickClient"]
