"""The seed's typed field classes (``invokeai_py_client.ivk_fields``), the home of every one.

- ``base``: ``IvkField[T]``, ``PydanticFieldMixin``, ``IvkImageFieldMixin``,
  ``IvkCollectionFieldMixin``
- ``primitives``: string, integer, float, boolean (a ``.value`` each)
- ``resources``: image, board, latents, tensor, denoise mask, metadata
- ``models``: model identifier, UNet, CLIP, transformer, LoRA, and the identifier's aliases
- ``conditioning``: SD, FLUX (plain, Redux, Fill, Kontext), SD3, CogView4
- ``complex``: colour, bounding box, collection (and ``IvkJsonField`` for anything else)
- ``enums``: enum, scheduler, interpolation, colour mode, literal, and their constants
- ``model_conversion``: model records to and from identifier fields

Values are validated when assigned (type and bounds), so a bad value fails where it is set.
``to_api_format()`` gives the seed's API shape, ``from_api_format()`` reads it back, and
``to_json_value()`` is the node field's JSON, which the workflow handle sends.

>>> from ivk_runtime.seed.ivk_fields import IvkIntegerField
>>> width = IvkIntegerField(minimum=64, maximum=2048, multiple_of=8, value=1024)
>>> width.to_api_format()
{'value': 1024}
"""

from .base import IvkCollectionFieldMixin, IvkField, IvkImageFieldMixin, PydanticFieldMixin
from .complex import IvkBoundingBoxField, IvkCollectionField, IvkColorField, IvkJsonField
from .conditioning import (
    IvkCogView4ConditioningField,
    IvkConditioningField,
    IvkFluxConditioningField,
    IvkFluxFillConditioningField,
    IvkFluxKontextConditioningField,
    IvkFluxReduxConditioningField,
    IvkSD3ConditioningField,
)
from .enums import (
    COLOR_MODES,
    INTERPOLATION_MODES,
    SCHEDULER_NAMES,
    IvkColorModeField,
    IvkEnumField,
    IvkInterpolationField,
    IvkLiteralField,
    IvkSchedulerField,
    SchedulerName,
)
from .models import (
    IvkCLIPEmbedField,
    IvkCLIPField,
    IvkFluxModelField,
    IvkLoRAField,
    IvkModelIdentifierField,
    IvkSDXLModelField,
    IvkT5EncoderField,
    IvkTransformerField,
    IvkUNetField,
    IvkVAEModelField,
)
from .primitives import IvkBooleanField, IvkFloatField, IvkIntegerField, IvkStringField
from .resources import (
    IvkBoardField,
    IvkDenoiseMaskField,
    IvkImageField,
    IvkLatentsField,
    IvkMetadataField,
    IvkTensorField,
)

__all__ = [
    "COLOR_MODES",
    "INTERPOLATION_MODES",
    "SCHEDULER_NAMES",
    "IvkBoardField",
    "IvkBooleanField",
    "IvkBoundingBoxField",
    "IvkCLIPEmbedField",
    "IvkCLIPField",
    "IvkCogView4ConditioningField",
    "IvkCollectionField",
    "IvkCollectionFieldMixin",
    "IvkColorField",
    "IvkColorModeField",
    "IvkConditioningField",
    "IvkDenoiseMaskField",
    "IvkEnumField",
    "IvkField",
    "IvkFloatField",
    "IvkFluxConditioningField",
    "IvkFluxFillConditioningField",
    "IvkFluxKontextConditioningField",
    "IvkFluxModelField",
    "IvkFluxReduxConditioningField",
    "IvkImageField",
    "IvkImageFieldMixin",
    "IvkIntegerField",
    "IvkInterpolationField",
    "IvkJsonField",
    "IvkLatentsField",
    "IvkLiteralField",
    "IvkLoRAField",
    "IvkMetadataField",
    "IvkModelIdentifierField",
    "IvkSD3ConditioningField",
    "IvkSDXLModelField",
    "IvkSchedulerField",
    "IvkStringField",
    "IvkT5EncoderField",
    "IvkTensorField",
    "IvkTransformerField",
    "IvkUNetField",
    "IvkVAEModelField",
    "PydanticFieldMixin",
    "SchedulerName",
]
