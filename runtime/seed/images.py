"""The seed's image record, ``IvkImage``, and ``ImageCategory`` (the core's enum, same members).

``str(image)`` is the image's name, so an image field takes an ``IvkImage`` as its value.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ..api.images import ImageCategory, ImageInfo

__all__ = ["ImageCategory", "IvkImage"]


class IvkImage(BaseModel):
    """An image on the server (its ImageDTO)."""

    model_config = ConfigDict(extra="ignore")

    image_name: str = Field(..., description="Server-side image identifier")
    board_id: str | None = Field(None, description="Associated board ID (None for uncategorized)")
    image_category: ImageCategory = Field(ImageCategory.GENERAL, description="Image category type")
    image_origin: str | None = Field(None, description="internal (generated) or external (uploaded)")
    width: int | None = Field(None, gt=0, description="Image width in pixels")
    height: int | None = Field(None, gt=0, description="Image height in pixels")
    created_at: datetime | str | None = Field(None, description="Creation timestamp")
    updated_at: datetime | str | None = Field(None, description="Last modification timestamp")
    starred: bool = Field(False, description="Whether the image is starred")
    metadata: dict[str, Any] | None = Field(None, description="Generation metadata")
    thumbnail_url: str | None = Field(None, description="URL for thumbnail version")
    image_url: str | None = Field(None, description="URL for full resolution image")
    is_intermediate: bool = Field(False, description="Whether this is an intermediate image")
    workflow_id: str | None = Field(None, description="Associated workflow ID")
    node_id: str | None = Field(None, description="Associated node ID")
    session_id: str | None = Field(None, description="Associated session ID")

    @classmethod
    def from_api_response(cls, data: dict[str, Any]) -> IvkImage:
        """From an ImageDTO; a category this version does not know becomes OTHER."""
        data = dict(data)
        category = data.get("image_category")
        if isinstance(category, str):
            try:
                data["image_category"] = ImageCategory(category)
            except ValueError:
                data["image_category"] = ImageCategory.OTHER
        return cls.model_validate(data)

    @classmethod
    def from_info(cls, info: ImageInfo) -> IvkImage:
        """From the core client's record."""
        return cls.model_validate(info.model_dump())

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True)

    def __str__(self) -> str:
        return self.image_name
