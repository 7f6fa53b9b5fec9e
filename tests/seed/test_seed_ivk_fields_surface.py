"""Every public name of invokeai-py-client 1.1.1's ``ivk_fields`` exists at the same module path
under ``ivk_runtime.seed.ivk_fields``, with a compatible signature.

``SURFACE`` lists 1.1.1's names as plain data (read off an installed 1.1.1 with ``inspect``):
per module, each class with its pydantic fields and their defaults, and the methods beyond the
five every field has (validate_field, to_api_format, from_api_format, from_json_dict,
to_json_dict), each as (kind, ((parameter, default), ...)); "<empty>" is "no default".
"""

from __future__ import annotations

import enum
import importlib
import inspect
from typing import Any

import pytest

SURFACE: dict[str, dict[str, dict[str, Any]]] = {
    "": {
        "COLOR_MODES": {"constant": True},
        "INTERPOLATION_MODES": {"constant": True},
        "IvkBoardField": {
            "fields": {"description": None, "name": None, "value": None},
            "common": True,
            "methods": {},
        },
        "IvkBooleanField": {"fields": {"value": None}, "common": True, "methods": {}},
        "IvkBoundingBoxField": {
            "fields": {"score": None, "x_max": 0, "x_min": 0, "y_max": 0, "y_min": 0},
            "common": True,
            "methods": {
                "get_area": ("method", ()),
                "get_box": ("method", ()),
                "get_height": ("method", ()),
                "get_width": ("method", ()),
                "set_box": (
                    "method",
                    (
                        ("x_min", "<empty>"),
                        ("x_max", "<empty>"),
                        ("y_min", "<empty>"),
                        ("y_max", "<empty>"),
                        ("score", None),
                    ),
                ),
            },
        },
        "IvkCLIPEmbedField": {
            "fields": {
                "base": "any",
                "hash": "",
                "key": "",
                "name": "",
                "submodel_type": None,
                "type": "main",
            },
            "common": True,
            "methods": {},
            "alias_of": "IvkModelIdentifierField",
        },
        "IvkCLIPField": {
            "fields": {"loras": [], "skipped_layers": 0, "text_encoder": None, "tokenizer": None},
            "common": True,
            "methods": {},
        },
        "IvkCogView4ConditioningField": {
            "fields": {"description": None, "name": None, "value": None},
            "common": True,
            "methods": {},
        },
        "IvkCollectionField": {
            "fields": {"item_type": None, "max_length": None, "min_length": None, "value": []},
            "common": True,
            "methods": {
                "__getitem__": ("method", (("index", "<empty>"),)),
                "__len__": ("method", ()),
                "__setitem__": ("method", (("index", "<empty>"), ("value", "<empty>"))),
                "append": ("method", (("item", "<empty>"),)),
                "clear": ("method", ()),
                "extend": ("method", (("items", "<empty>"),)),
                "iter_items": ("method", ()),
                "remove": ("method", (("item", "<empty>"),)),
            },
        },
        "IvkCollectionFieldMixin": {
            "common": False,
            "methods": {
                "__len__": ("method", ()),
                "append": ("method", (("item", "<empty>"),)),
                "clear": ("method", ()),
                "iter_items": ("method", ()),
                "remove": ("method", (("item", "<empty>"),)),
            },
        },
        "IvkColorField": {
            "fields": {"a": 255, "b": 0, "g": 0, "r": 0},
            "common": True,
            "methods": {
                "set_hex": ("method", (("hex_color", "<empty>"),)),
                "set_rgba": (
                    "method",
                    (("r", "<empty>"), ("g", "<empty>"), ("b", "<empty>"), ("a", 255)),
                ),
                "to_hex": ("method", (("include_alpha", False),)),
                "to_rgba": ("method", ()),
                "validate_color_component": ("classmethod", (("v", "<empty>"),)),
            },
        },
        "IvkColorModeField": {
            "fields": {"choices": [], "description": None, "name": None, "value": None},
            "common": True,
            "methods": {
                "add_choice": ("method", (("choice", "<empty>"),)),
                "get_choices": ("method", ()),
                "remove_choice": ("method", (("choice", "<empty>"),)),
                "validate_enum_choice": ("classmethod", (("v", "<empty>"), ("info", "<empty>"))),
            },
        },
        "IvkConditioningField": {
            "fields": {"description": None, "mask": None, "name": None, "value": None},
            "common": True,
            "methods": {},
        },
        "IvkDenoiseMaskField": {
            "fields": {
                "description": None,
                "gradient": False,
                "mask_name": None,
                "masked_latents_name": None,
                "name": None,
                "value": None,
            },
            "common": True,
            "methods": {},
        },
        "IvkEnumField": {
            "fields": {"choices": [], "description": None, "name": None, "value": None},
            "common": True,
            "methods": {
                "add_choice": ("method", (("choice", "<empty>"),)),
                "get_choices": ("method", ()),
                "remove_choice": ("method", (("choice", "<empty>"),)),
                "validate_enum_choice": ("classmethod", (("v", "<empty>"), ("info", "<empty>"))),
            },
        },
        "IvkField": {"common": True, "methods": {}},
        "IvkFloatField": {
            "fields": {"maximum": None, "minimum": None, "value": None},
            "common": True,
            "methods": {
                "validate_float_constraints": (
                    "classmethod",
                    (("v", "<empty>"), ("info", "<empty>")),
                )
            },
        },
        "IvkFluxConditioningField": {
            "fields": {"description": None, "mask": None, "name": None, "value": None},
            "common": True,
            "methods": {},
        },
        "IvkFluxFillConditioningField": {
            "fields": {
                "description": None,
                "image": None,
                "mask": None,
                "name": None,
                "value": None,
            },
            "common": True,
            "methods": {},
        },
        "IvkFluxKontextConditioningField": {
            "fields": {"description": None, "image": None, "name": None, "value": None},
            "common": True,
            "methods": {},
        },
        "IvkFluxModelField": {
            "fields": {
                "base": "any",
                "hash": "",
                "key": "",
                "name": "",
                "submodel_type": None,
                "type": "main",
            },
            "common": True,
            "methods": {},
            "alias_of": "IvkModelIdentifierField",
        },
        "IvkFluxReduxConditioningField": {
            "fields": {
                "conditioning": None,
                "description": None,
                "mask": None,
                "name": None,
                "value": None,
            },
            "common": True,
            "methods": {},
        },
        "IvkImageField": {
            "fields": {"description": None, "is_uploaded": False, "name": None, "value": None},
            "common": True,
            "methods": {
                "download": ("async method", (("client", "<empty>"), ("output_path", None))),
                "upload": ("async method", (("client", "<empty>"),)),
            },
        },
        "IvkImageFieldMixin": {
            "common": False,
            "methods": {
                "download": ("async method", (("client", "<empty>"), ("output_path", None))),
                "upload": ("async method", (("client", "<empty>"),)),
            },
        },
        "IvkIntegerField": {
            "fields": {"maximum": None, "minimum": None, "multiple_of": None, "value": None},
            "common": True,
            "methods": {
                "validate_integer_constraints": (
                    "classmethod",
                    (("v", "<empty>"), ("info", "<empty>")),
                )
            },
        },
        "IvkInterpolationField": {
            "fields": {"choices": [], "description": None, "name": None, "value": None},
            "common": True,
            "methods": {
                "add_choice": ("method", (("choice", "<empty>"),)),
                "get_choices": ("method", ()),
                "remove_choice": ("method", (("choice", "<empty>"),)),
                "validate_enum_choice": ("classmethod", (("v", "<empty>"), ("info", "<empty>"))),
            },
        },
        "IvkLatentsField": {
            "fields": {"description": None, "name": None, "seed": None, "value": None},
            "common": True,
            "methods": {},
        },
        "IvkLiteralField": {
            "fields": {"description": None, "literals": [], "name": None, "value": None},
            "common": True,
            "methods": {
                "get_literals": ("method", ()),
                "validate_literal_choice": ("classmethod", (("v", "<empty>"), ("info", "<empty>"))),
            },
        },
        "IvkLoRAField": {
            "fields": {"lora_model": None, "weight": 1.0},
            "common": True,
            "methods": {},
        },
        "IvkMetadataField": {
            "fields": {"description": None, "name": None, "value": None},
            "common": True,
            "methods": {},
        },
        "IvkModelIdentifierField": {
            "fields": {
                "base": "any",
                "hash": "",
                "key": "",
                "name": "",
                "submodel_type": None,
                "type": "main",
            },
            "common": True,
            "methods": {},
        },
        "IvkSD3ConditioningField": {
            "fields": {"description": None, "name": None, "value": None},
            "common": True,
            "methods": {},
        },
        "IvkSDXLModelField": {
            "fields": {
                "base": "any",
                "hash": "",
                "key": "",
                "name": "",
                "submodel_type": None,
                "type": "main",
            },
            "common": True,
            "methods": {},
            "alias_of": "IvkModelIdentifierField",
        },
        "IvkSchedulerField": {
            "fields": {"choices": [], "description": None, "name": None, "value": None},
            "common": True,
            "methods": {
                "add_choice": ("method", (("choice", "<empty>"),)),
                "get_choices": ("method", ()),
                "normalize_alias": ("staticmethod", (("name", "<empty>"),)),
                "remove_choice": ("method", (("choice", "<empty>"),)),
                "validate_enum_choice": ("classmethod", (("v", "<empty>"), ("info", "<empty>"))),
            },
        },
        "IvkStringField": {
            "fields": {"max_length": None, "min_length": None, "pattern": None, "value": None},
            "common": True,
            "methods": {
                "validate_string_constraints": (
                    "classmethod",
                    (("v", "<empty>"), ("info", "<empty>")),
                )
            },
        },
        "IvkT5EncoderField": {
            "fields": {
                "base": "any",
                "hash": "",
                "key": "",
                "name": "",
                "submodel_type": None,
                "type": "main",
            },
            "common": True,
            "methods": {},
            "alias_of": "IvkModelIdentifierField",
        },
        "IvkTensorField": {
            "fields": {"description": None, "name": None, "value": None},
            "common": True,
            "methods": {},
        },
        "IvkTransformerField": {
            "fields": {"loras": [], "transformer_model": None},
            "common": True,
            "methods": {},
        },
        "IvkUNetField": {
            "fields": {
                "freeu_config": None,
                "loras": [],
                "scheduler": None,
                "seamless_axes": [],
                "unet_model": None,
            },
            "common": True,
            "methods": {},
        },
        "IvkVAEModelField": {
            "fields": {
                "base": "any",
                "hash": "",
                "key": "",
                "name": "",
                "submodel_type": None,
                "type": "main",
            },
            "common": True,
            "methods": {},
            "alias_of": "IvkModelIdentifierField",
        },
        "SCHEDULER_NAMES": {"constant": True},
        "SchedulerName": {
            "members": [
                "DDIM",
                "DDPM",
                "DEIS",
                "DEIS_K",
                "DPMPP_2M",
                "DPMPP_2M_K",
                "DPMPP_2M_SDE",
                "DPMPP_2M_SDE_K",
                "DPMPP_2S",
                "DPMPP_2S_K",
                "DPMPP_3M",
                "DPMPP_3M_K",
                "DPMPP_SDE",
                "DPMPP_SDE_K",
                "EULER",
                "EULER_A",
                "EULER_K",
                "HEUN",
                "HEUN_K",
                "KDPM_2",
                "KDPM_2_A",
                "KDPM_2_A_K",
                "KDPM_2_K",
                "LCM",
                "LMS",
                "LMS_K",
                "PNDM",
                "TCD",
                "UNIPC",
                "UNIPC_K",
            ]
        },
    },
    "base": {
        "IvkCollectionFieldMixin": {
            "common": False,
            "methods": {
                "__len__": ("method", ()),
                "append": ("method", (("item", "<empty>"),)),
                "clear": ("method", ()),
                "iter_items": ("method", ()),
                "remove": ("method", (("item", "<empty>"),)),
            },
        },
        "IvkField": {"common": True, "methods": {}},
        "IvkImageFieldMixin": {
            "common": False,
            "methods": {
                "download": ("async method", (("client", "<empty>"), ("output_path", None))),
                "upload": ("async method", (("client", "<empty>"),)),
            },
        },
        "PydanticFieldMixin": {"common": False, "methods": {}},
    },
    "complex": {
        "IvkBoundingBoxField": {
            "fields": {"score": None, "x_max": 0, "x_min": 0, "y_max": 0, "y_min": 0},
            "common": True,
            "methods": {
                "get_area": ("method", ()),
                "get_box": ("method", ()),
                "get_height": ("method", ()),
                "get_width": ("method", ()),
                "set_box": (
                    "method",
                    (
                        ("x_min", "<empty>"),
                        ("x_max", "<empty>"),
                        ("y_min", "<empty>"),
                        ("y_max", "<empty>"),
                        ("score", None),
                    ),
                ),
            },
        },
        "IvkCollectionField": {
            "fields": {"item_type": None, "max_length": None, "min_length": None, "value": []},
            "common": True,
            "methods": {
                "__getitem__": ("method", (("index", "<empty>"),)),
                "__len__": ("method", ()),
                "__setitem__": ("method", (("index", "<empty>"), ("value", "<empty>"))),
                "append": ("method", (("item", "<empty>"),)),
                "clear": ("method", ()),
                "extend": ("method", (("items", "<empty>"),)),
                "iter_items": ("method", ()),
                "remove": ("method", (("item", "<empty>"),)),
            },
        },
        "IvkCollectionFieldMixin": {
            "common": False,
            "methods": {
                "__len__": ("method", ()),
                "append": ("method", (("item", "<empty>"),)),
                "clear": ("method", ()),
                "iter_items": ("method", ()),
                "remove": ("method", (("item", "<empty>"),)),
            },
        },
        "IvkColorField": {
            "fields": {"a": 255, "b": 0, "g": 0, "r": 0},
            "common": True,
            "methods": {
                "set_hex": ("method", (("hex_color", "<empty>"),)),
                "set_rgba": (
                    "method",
                    (("r", "<empty>"), ("g", "<empty>"), ("b", "<empty>"), ("a", 255)),
                ),
                "to_hex": ("method", (("include_alpha", False),)),
                "to_rgba": ("method", ()),
                "validate_color_component": ("classmethod", (("v", "<empty>"),)),
            },
        },
        "IvkField": {"common": True, "methods": {}},
        "PydanticFieldMixin": {"common": False, "methods": {}},
    },
    "conditioning": {
        "IvkCogView4ConditioningField": {
            "fields": {"description": None, "name": None, "value": None},
            "common": True,
            "methods": {},
        },
        "IvkConditioningField": {
            "fields": {"description": None, "mask": None, "name": None, "value": None},
            "common": True,
            "methods": {},
        },
        "IvkField": {"common": True, "methods": {}},
        "IvkFluxConditioningField": {
            "fields": {"description": None, "mask": None, "name": None, "value": None},
            "common": True,
            "methods": {},
        },
        "IvkFluxFillConditioningField": {
            "fields": {
                "description": None,
                "image": None,
                "mask": None,
                "name": None,
                "value": None,
            },
            "common": True,
            "methods": {},
        },
        "IvkFluxKontextConditioningField": {
            "fields": {"description": None, "image": None, "name": None, "value": None},
            "common": True,
            "methods": {},
        },
        "IvkFluxReduxConditioningField": {
            "fields": {
                "conditioning": None,
                "description": None,
                "mask": None,
                "name": None,
                "value": None,
            },
            "common": True,
            "methods": {},
        },
        "IvkSD3ConditioningField": {
            "fields": {"description": None, "name": None, "value": None},
            "common": True,
            "methods": {},
        },
        "PydanticFieldMixin": {"common": False, "methods": {}},
    },
    "enums": {
        "COLOR_MODES": {"constant": True},
        "INTERPOLATION_MODES": {"constant": True},
        "IvkColorModeField": {
            "fields": {"choices": [], "description": None, "name": None, "value": None},
            "common": True,
            "methods": {
                "add_choice": ("method", (("choice", "<empty>"),)),
                "get_choices": ("method", ()),
                "remove_choice": ("method", (("choice", "<empty>"),)),
                "validate_enum_choice": ("classmethod", (("v", "<empty>"), ("info", "<empty>"))),
            },
        },
        "IvkEnumField": {
            "fields": {"choices": [], "description": None, "name": None, "value": None},
            "common": True,
            "methods": {
                "add_choice": ("method", (("choice", "<empty>"),)),
                "get_choices": ("method", ()),
                "remove_choice": ("method", (("choice", "<empty>"),)),
                "validate_enum_choice": ("classmethod", (("v", "<empty>"), ("info", "<empty>"))),
            },
        },
        "IvkField": {"common": True, "methods": {}},
        "IvkInterpolationField": {
            "fields": {"choices": [], "description": None, "name": None, "value": None},
            "common": True,
            "methods": {
                "add_choice": ("method", (("choice", "<empty>"),)),
                "get_choices": ("method", ()),
                "remove_choice": ("method", (("choice", "<empty>"),)),
                "validate_enum_choice": ("classmethod", (("v", "<empty>"), ("info", "<empty>"))),
            },
        },
        "IvkLiteralField": {
            "fields": {"description": None, "literals": [], "name": None, "value": None},
            "common": True,
            "methods": {
                "get_literals": ("method", ()),
                "validate_literal_choice": ("classmethod", (("v", "<empty>"), ("info", "<empty>"))),
            },
        },
        "IvkSchedulerField": {
            "fields": {"choices": [], "description": None, "name": None, "value": None},
            "common": True,
            "methods": {
                "add_choice": ("method", (("choice", "<empty>"),)),
                "get_choices": ("method", ()),
                "normalize_alias": ("staticmethod", (("name", "<empty>"),)),
                "remove_choice": ("method", (("choice", "<empty>"),)),
                "validate_enum_choice": ("classmethod", (("v", "<empty>"), ("info", "<empty>"))),
            },
        },
        "PydanticFieldMixin": {"common": False, "methods": {}},
        "SCHEDULER_NAMES": {"constant": True},
        "SchedulerName": {
            "members": [
                "DDIM",
                "DDPM",
                "DEIS",
                "DEIS_K",
                "DPMPP_2M",
                "DPMPP_2M_K",
                "DPMPP_2M_SDE",
                "DPMPP_2M_SDE_K",
                "DPMPP_2S",
                "DPMPP_2S_K",
                "DPMPP_3M",
                "DPMPP_3M_K",
                "DPMPP_SDE",
                "DPMPP_SDE_K",
                "EULER",
                "EULER_A",
                "EULER_K",
                "HEUN",
                "HEUN_K",
                "KDPM_2",
                "KDPM_2_A",
                "KDPM_2_A_K",
                "KDPM_2_K",
                "LCM",
                "LMS",
                "LMS_K",
                "PNDM",
                "TCD",
                "UNIPC",
                "UNIPC_K",
            ]
        },
    },
    "model_conversion": {
        "IvkModelIdentifierField": {
            "fields": {
                "base": "any",
                "hash": "",
                "key": "",
                "name": "",
                "submodel_type": None,
                "type": "main",
            },
            "common": True,
            "methods": {},
        },
        "ModelLike": {"common": False, "methods": {}},
        "from_ivk_model_field": {"params": (("field", "<empty>"),)},
        "is_model_compatible": {
            "params": (("model", "<empty>"), ("base_type", "<empty>"), ("model_type", None))
        },
        "to_ivk_model_field": {"params": (("model", "<empty>"),)},
    },
    "models": {
        "BaseDnnModelType": {
            "members": [
                "Any",
                "ChatGPT4o",
                "CogView4",
                "Flux",
                "FluxKontext",
                "Imagen3",
                "Imagen4",
                "StableDiffusion1",
                "StableDiffusion2",
                "StableDiffusion3",
                "StableDiffusionXL",
                "StableDiffusionXLRefiner",
            ]
        },
        "DnnModelType": {
            "members": [
                "CLIPEmbed",
                "CLIPVision",
                "ControlLoRa",
                "ControlNet",
                "FluxRedux",
                "IPAdapter",
                "LlavaOnevision",
                "LoRA",
                "Main",
                "ONNX",
                "SigLIP",
                "SpandrelImageToImage",
                "T2IAdapter",
                "T5Encoder",
                "TextualInversion",
                "VAE",
            ]
        },
        "IvkCLIPEmbedField": {
            "fields": {
                "base": "any",
                "hash": "",
                "key": "",
                "name": "",
                "submodel_type": None,
                "type": "main",
            },
            "common": True,
            "methods": {},
            "alias_of": "IvkModelIdentifierField",
        },
        "IvkCLIPField": {
            "fields": {"loras": [], "skipped_layers": 0, "text_encoder": None, "tokenizer": None},
            "common": True,
            "methods": {},
        },
        "IvkField": {"common": True, "methods": {}},
        "IvkFluxModelField": {
            "fields": {
                "base": "any",
                "hash": "",
                "key": "",
                "name": "",
                "submodel_type": None,
                "type": "main",
            },
            "common": True,
            "methods": {},
            "alias_of": "IvkModelIdentifierField",
        },
        "IvkLoRAField": {
            "fields": {"lora_model": None, "weight": 1.0},
            "common": True,
            "methods": {},
        },
        "IvkModelIdentifierField": {
            "fields": {
                "base": "any",
                "hash": "",
                "key": "",
                "name": "",
                "submodel_type": None,
                "type": "main",
            },
            "common": True,
            "methods": {},
        },
        "IvkSDXLModelField": {
            "fields": {
                "base": "any",
                "hash": "",
                "key": "",
                "name": "",
                "submodel_type": None,
                "type": "main",
            },
            "common": True,
            "methods": {},
            "alias_of": "IvkModelIdentifierField",
        },
        "IvkT5EncoderField": {
            "fields": {
                "base": "any",
                "hash": "",
                "key": "",
                "name": "",
                "submodel_type": None,
                "type": "main",
            },
            "common": True,
            "methods": {},
            "alias_of": "IvkModelIdentifierField",
        },
        "IvkTransformerField": {
            "fields": {"loras": [], "transformer_model": None},
            "common": True,
            "methods": {},
        },
        "IvkUNetField": {
            "fields": {
                "freeu_config": None,
                "loras": [],
                "scheduler": None,
                "seamless_axes": [],
                "unet_model": None,
            },
            "common": True,
            "methods": {},
        },
        "IvkVAEModelField": {
            "fields": {
                "base": "any",
                "hash": "",
                "key": "",
                "name": "",
                "submodel_type": None,
                "type": "main",
            },
            "common": True,
            "methods": {},
            "alias_of": "IvkModelIdentifierField",
        },
        "PydanticFieldMixin": {"common": False, "methods": {}},
    },
    "primitives": {
        "IvkBooleanField": {"fields": {"value": None}, "common": True, "methods": {}},
        "IvkField": {"common": True, "methods": {}},
        "IvkFloatField": {
            "fields": {"maximum": None, "minimum": None, "value": None},
            "common": True,
            "methods": {
                "validate_float_constraints": (
                    "classmethod",
                    (("v", "<empty>"), ("info", "<empty>")),
                )
            },
        },
        "IvkIntegerField": {
            "fields": {"maximum": None, "minimum": None, "multiple_of": None, "value": None},
            "common": True,
            "methods": {
                "validate_integer_constraints": (
                    "classmethod",
                    (("v", "<empty>"), ("info", "<empty>")),
                )
            },
        },
        "IvkStringField": {
            "fields": {"max_length": None, "min_length": None, "pattern": None, "value": None},
            "common": True,
            "methods": {
                "validate_string_constraints": (
                    "classmethod",
                    (("v", "<empty>"), ("info", "<empty>")),
                )
            },
        },
        "PydanticFieldMixin": {"common": False, "methods": {}},
    },
    "resources": {
        "IvkBoardField": {
            "fields": {"description": None, "name": None, "value": None},
            "common": True,
            "methods": {},
        },
        "IvkDenoiseMaskField": {
            "fields": {
                "description": None,
                "gradient": False,
                "mask_name": None,
                "masked_latents_name": None,
                "name": None,
                "value": None,
            },
            "common": True,
            "methods": {},
        },
        "IvkField": {"common": True, "methods": {}},
        "IvkImageField": {
            "fields": {"description": None, "is_uploaded": False, "name": None, "value": None},
            "common": True,
            "methods": {
                "download": ("async method", (("client", "<empty>"), ("output_path", None))),
                "upload": ("async method", (("client", "<empty>"),)),
            },
        },
        "IvkImageFieldMixin": {
            "common": False,
            "methods": {
                "download": ("async method", (("client", "<empty>"), ("output_path", None))),
                "upload": ("async method", (("client", "<empty>"),)),
            },
        },
        "IvkLatentsField": {
            "fields": {"description": None, "name": None, "seed": None, "value": None},
            "common": True,
            "methods": {},
        },
        "IvkMetadataField": {
            "fields": {"description": None, "name": None, "value": None},
            "common": True,
            "methods": {},
        },
        "IvkTensorField": {
            "fields": {"description": None, "name": None, "value": None},
            "common": True,
            "methods": {},
        },
        "PydanticFieldMixin": {"common": False, "methods": {}},
    },
}


COMMON = {
    "validate_field": ("method", ()),
    "to_api_format": ("method", ()),
    "from_api_format": ("classmethod", (("data", "<empty>"),)),
    "from_json_dict": ("classmethod", (("data", "<empty>"),)),
    "to_json_dict": ("method", ()),
}
# 1.1.1 fills these choices in ``__init__`` (its declared default is []); ours declares them as
# the default, so the instances agree and the declared defaults do not.
CHANGED_DEFAULTS = {
    ("IvkSchedulerField", "choices"),
    ("IvkInterpolationField", "choices"),
    ("IvkColorModeField", "choices"),
}


def _default(p: inspect.Parameter) -> Any:
    d = p.default
    if d is inspect.Parameter.empty:
        return "<empty>"
    return d.value if isinstance(d, enum.Enum) else d


def _kind(cls: type, name: str) -> str:
    raw = inspect.getattr_static(cls, name)
    kind = (
        "classmethod"
        if isinstance(raw, classmethod)
        else "staticmethod" if isinstance(raw, staticmethod) else "method"
    )
    return ("async " if inspect.iscoroutinefunction(getattr(cls, name)) else "") + kind


def _params(fn: Any) -> dict[str, inspect.Parameter]:
    ps = inspect.signature(fn).parameters
    return {n: p for n, p in ps.items() if n not in ("self", "cls")}


def _module(path: str) -> Any:
    return importlib.import_module("ivk_runtime.seed.ivk_fields" + (f".{path}" if path else ""))


CASES = [(mod, name) for mod, names in SURFACE.items() for name in names]


def test_every_module_and_name_is_listed() -> None:
    assert set(SURFACE) == {
        "",
        "base",
        "primitives",
        "resources",
        "models",
        "conditioning",
        "complex",
        "enums",
        "model_conversion",
    }
    assert len(CASES) == 106  # a guard against a truncated listing


@pytest.mark.parametrize(("mod", "name"), CASES, ids=[f"{m or 'ivk_fields'}.{n}" for m, n in CASES])
def test_name_exists_with_a_compatible_signature(mod: str, name: str) -> None:
    spec = SURFACE[mod][name]
    ours = getattr(_module(mod), name)  # AttributeError: missing from that module path
    if "constant" in spec:
        assert not callable(ours)
        return
    if "members" in spec:
        assert issubclass(ours, enum.Enum)
        assert set(spec["members"]) <= set(ours.__members__), "an enum member of 1.1.1 is missing"
        return
    if "params" in spec:
        theirs = spec["params"]
        params = _params(ours)
        for pname, default in theirs:
            assert pname in params, f"{name}() lacks parameter {pname!r}"
            assert _default(params[pname]) == default, f"{name}({pname}=...) default differs"
        return
    assert inspect.isclass(ours)
    if "alias_of" in spec:
        assert ours.__name__ == spec["alias_of"]
    if spec.get("fields") is not None:
        init = _params(ours)
        for fname, default in spec["fields"].items():
            assert fname in init, f"{name}({fname}=...) is not accepted"
            if (name, fname) not in CHANGED_DEFAULTS:
                assert getattr(ours(), fname) == default, f"{name}.{fname} default differs"
        ours()  # default-constructable, as 1.1.1 requires of every field
    methods = dict(spec["methods"])
    if spec["common"]:
        methods = {**COMMON, **methods}
    for mname, (kind, theirs) in methods.items():
        assert hasattr(ours, mname), f"{name}.{mname} is missing"
        assert _kind(ours, mname) == kind, f"{name}.{mname} is not a {kind}"
        params = _params(getattr(ours, mname))
        for pname, default in theirs:
            assert pname in params, f"{name}.{mname} lacks parameter {pname!r}"
            assert (
                _default(params[pname]) == default
            ), f"{name}.{mname}({pname}=...) default differs"


def test_the_package_exports_exactly_1_1_1s_names_and_ivk_json_field() -> None:
    pkg = _module("")
    assert set(pkg.__all__) == set(SURFACE[""]) | {"IvkJsonField", "PydanticFieldMixin"}
    for name in pkg.__all__:
        assert getattr(pkg, name) is getattr(
            importlib.import_module("ivk_runtime.seed.fields"), name
        )
