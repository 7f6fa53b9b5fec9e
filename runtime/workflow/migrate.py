"""Bring a workflow export of any format the GUI loads (meta.version 1.0.0-4.0.0) to 4.0.0.

Mirrors InvokeAI's ``parseAndMigrateWorkflow`` (frontend ``features/nodes/util/workflow/migrations.ts``):
1.0.0 -> 2.0.0 restructures field types, adds ``nodePack`` and drops input values the v2 schema
cannot hold (see ``_v2_input_value``); 2.0.0 -> 3.0.0 -> 4.0.0 only bump
the version (3.0.0 added the Form, 4.0.0 connector nodes; both default when absent). The final
shape check and key stripping live in ``workflow_schema``. Functions here mutate the dict they are
given: the caller passes a private deep copy.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, Final

from ..errors import WorkflowError

LATEST_VERSION: Final = "4.0.0"
KNOWN_VERSIONS: Final = ("1.0.0", "2.0.0", "3.0.0", LATEST_VERSION)

# The GUI names a node pack it has no template for this way (i18n "common.unknown"); we never have
# the server's templates here, so every migrated 1.0.0 node gets it. It has no effect on graphs.
UNKNOWN_NODE_PACK: Final = "Unknown"

_S, _C, _P = "single", "collection", "collection-or-scalar"

# v1 field type string -> (v2 type name, cardinality). ONNXModelField is a valid v1 type with no
# v2 counterpart: the GUI refuses such workflows, so do we.
_V1_FIELD_TYPES: Final[dict[str, tuple[str, str]]] = {
    "Any": ("AnyField", _S),
    "BoardField": ("BoardField", _S),
    "boolean": ("BooleanField", _S),
    "BooleanCollection": ("BooleanField", _C),
    "BooleanPolymorphic": ("BooleanField", _P),
    "ClipField": ("ClipField", _S),
    "Collection": ("CollectionField", _C),
    "CollectionItem": ("CollectionItemField", _S),
    "ColorField": ("ColorField", _S),
    "ColorCollection": ("ColorField", _C),
    "ColorPolymorphic": ("ColorField", _P),
    "ConditioningField": ("ConditioningField", _S),
    "ConditioningCollection": ("ConditioningField", _C),
    "ConditioningPolymorphic": ("ConditioningField", _P),
    "ControlField": ("ControlField", _S),
    "ControlCollection": ("ControlField", _C),
    "ControlPolymorphic": ("ControlField", _P),
    "ControlNetModelField": ("ControlNetModelField", _S),
    "DenoiseMaskField": ("DenoiseMaskField", _S),
    "enum": ("EnumField", _S),
    "float": ("FloatField", _S),
    "FloatCollection": ("FloatField", _C),
    "FloatPolymorphic": ("FloatField", _P),
    "ImageField": ("ImageField", _S),
    "ImageCollection": ("ImageField", _C),
    "ImagePolymorphic": ("ImageField", _P),
    "integer": ("IntegerField", _S),
    "IntegerCollection": ("IntegerField", _C),
    "IntegerPolymorphic": ("IntegerField", _P),
    "IPAdapterField": ("IPAdapterField", _S),
    "IPAdapterCollection": ("IPAdapterField", _C),
    "IPAdapterPolymorphic": ("IPAdapterField", _P),
    "IPAdapterModelField": ("IPAdapterModelField", _S),
    "LatentsField": ("LatentsField", _S),
    "LatentsCollection": ("LatentsField", _C),
    "LatentsPolymorphic": ("LatentsField", _P),
    "LoRAModelField": ("LoRAModelField", _S),
    "MainModelField": ("MainModelField", _S),
    "MetadataField": ("MetadataField", _S),
    "MetadataCollection": ("MetadataField", _C),
    "MetadataItemField": ("MetadataItemField", _S),
    "MetadataItemCollection": ("MetadataItemField", _C),
    "MetadataItemPolymorphic": ("MetadataItemField", _P),
    "Scheduler": ("SchedulerField", _S),
    "SDXLMainModelField": ("SDXLMainModelField", _S),
    "SDXLRefinerModelField": ("SDXLRefinerModelField", _S),
    "string": ("StringField", _S),
    "StringCollection": ("StringField", _C),
    "StringPolymorphic": ("StringField", _P),
    "T2IAdapterField": ("T2IAdapterField", _S),
    "T2IAdapterCollection": ("T2IAdapterField", _C),
    "T2IAdapterPolymorphic": ("T2IAdapterField", _P),
    "T2IAdapterModelField": ("T2IAdapterModelField", _S),
    "UNetField": ("UNetField", _S),
    "VaeField": ("VaeField", _S),
    "VaeModelField": ("VAEModelField", _S),
}

# v1 top-level strings default to "" and lists to [] (zWorkflowV1); later formats require them.
_V1_STRING_KEYS: Final = ("name", "author", "description", "version", "contact", "tags", "notes")
_V1_LIST_KEYS: Final = ("nodes", "edges", "exposedFields")


def detect_version(data: Any, source: str) -> str:
    """meta.version of a workflow export, or a WorkflowError saying why this is not one."""
    if not isinstance(data, dict):
        raise WorkflowError(
            source, None, f"not an InvokeAI workflow: the top level is a JSON {json_kind(data)}, not an object"
        )
    meta = data.get("meta")
    if meta is None:
        if "nodes" in data and "edges" in data:
            # InvokeAI before 3.0 saved the raw React-Flow state, which the GUI cannot load.
            raise WorkflowError(
                source,
                "meta.version",
                "missing: this looks like a raw React-Flow dump from an early InvokeAI 3.x node editor, "
                "not a workflow export (InvokeAI's GUI cannot load it either)",
            )
        raise WorkflowError(source, "meta.version", "missing: not an InvokeAI workflow export")
    if not isinstance(meta, dict):
        raise WorkflowError(source, "meta", f"must be an object, found a JSON {json_kind(meta)}")
    version = meta.get("version")
    if not isinstance(version, str):
        raise WorkflowError(source, "meta.version", "missing or not a string: not an InvokeAI workflow export")
    if version not in KNOWN_VERSIONS:
        raise WorkflowError(
            source, "meta.version", f"{version!r} is not a format this tool reads ({', '.join(KNOWN_VERSIONS)})"
        )
    return version


def migrate(workflow: dict[str, Any], source: str) -> dict[str, Any]:
    """Step a workflow (mutated in place) through every migration up to 4.0.0, as the GUI does."""
    version = detect_version(workflow, source)
    if version == "1.0.0":
        migrate_v1_to_v2(workflow, source)
    if workflow["meta"]["version"] == "2.0.0":
        migrate_v2_to_v3(workflow)
    if workflow["meta"]["version"] == "3.0.0":
        migrate_v3_to_v4(workflow)
    return workflow


def migrate_v1_to_v2(workflow: dict[str, Any], source: str) -> None:
    """Structured field types, node packs, a default node version and meta.category."""
    for key in _V1_STRING_KEYS:
        workflow.setdefault(key, "")
    for key in _V1_LIST_KEYS:
        workflow.setdefault(key, [])
    nodes = workflow["nodes"]
    if not isinstance(nodes, list):
        raise WorkflowError(source, "nodes", f"must be a list, found a JSON {json_kind(nodes)}")
    for node in nodes:
        if not isinstance(node, dict) or node.get("type") != "invocation":
            continue  # notes nodes carry no fields; malformed nodes fail the final shape check
        data = node.get("data")
        if not isinstance(data, dict):
            continue
        node_id = node.get("id")
        for kind in ("inputs", "outputs"):
            fields = data.get(kind)
            if not isinstance(fields, dict):
                continue
            for name, field in fields.items():
                if isinstance(field, dict):
                    field["type"] = _v2_field_type(field.get("type"), source, f"node {node_id!r} field {name!r}")
                    if kind == "inputs" and "value" in field:
                        value = _v2_input_value(field["type"]["name"], field["value"])
                        if value is _DROP:
                            del field["value"]
                        else:
                            field["value"] = value
        # The GUI looks the pack up in the server's templates, which we do not have.
        data["nodePack"] = UNKNOWN_NODE_PACK
        if not data.get("version"):
            data["version"] = "1.0.0"  # the backend's fallback too
        data.setdefault("useCache", True)  # zWorkflowV1's default
        # v1-only keys the GUI's v2 parse strips.
        data.pop("embedWorkflow", None)
    workflow["meta"]["version"] = "2.0.0"
    # 'default' workflows only come from the backend: an imported one is the user's.
    workflow["meta"]["category"] = "user"


def migrate_v2_to_v3(workflow: dict[str, Any]) -> None:
    """3.0.0 added the Form; the GUI goes straight on to 4.0.0 and lets the form default."""
    migrate_v3_to_v4(workflow)


def migrate_v3_to_v4(workflow: dict[str, Any]) -> None:
    """4.0.0 added connector nodes: nothing to rewrite, the version is bumped."""
    workflow["meta"]["version"] = LATEST_VERSION


def _v2_field_type(v1_type: Any, source: str, element: str) -> dict[str, Any]:
    mapped = _V1_FIELD_TYPES.get(v1_type) if isinstance(v1_type, str) else None
    if mapped is None:
        raise WorkflowError(source, element, f"unknown 1.0.0 field type {v1_type!r}; the GUI cannot migrate it")
    name, cardinality = mapped
    return {"name": name, "isCollection": cardinality == _C, "isCollectionOrScalar": cardinality == _P}


# zWorkflowV2 parses each input as the first of its "stateful" field schemas (types with a UI
# widget) whose type name and value both match, else as a stateless field whose value is forced to
# undefined. So a v1 value survives only if its v2 type is stateful and the value fits that schema
# (e.g. Collection [] or IntegerCollection [1, 2] are lost); zod also trims and strips extra keys.
_DROP: Final = object()

_SCHEDULERS: Final = frozenset(
    "euler deis ddim ddpm dpmpp_2s dpmpp_2m dpmpp_2m_sde dpmpp_sde heun kdpm_2 lms pndm unipc euler_k "
    "dpmpp_2s_k dpmpp_2m_k dpmpp_2m_sde_k dpmpp_sde_k heun_k lms_k euler_a kdpm_2_a lcm".split()
)
_BASE_MODELS: Final = frozenset(("any", "sd-1", "sd-2", "sdxl", "sdxl-refiner"))

_Check = Callable[[Any], Any]  # the value as zod outputs it, or _DROP


def _number(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return _DROP
    try:
        return value if math.isfinite(float(value)) else _DROP  # zod 4 rejects +-Infinity
    except OverflowError:
        return _DROP


def _integer(value: Any) -> Any:
    # zod 4's .int() means a safe integer; JSON 3.0 is the JS number 3.
    if _number(value) is _DROP or not float(value).is_integer() or abs(value) > 2**53 - 1:
        return _DROP
    return value


def _of_type(kind: type) -> _Check:
    return lambda value: value if isinstance(value, kind) else _DROP


def _one_of(allowed: frozenset[str]) -> _Check:
    return lambda value: value if isinstance(value, str) and value in allowed else _DROP


def _trimmed_nonempty(value: Any) -> Any:
    return value.strip() if isinstance(value, str) and value.strip() else _DROP


def _model_name(value: Any) -> Any:
    return value if isinstance(value, str) and len(value) >= 3 else _DROP


def _color_channel(value: Any) -> Any:
    return value if _integer(value) is not _DROP and 0 <= value <= 255 else _DROP


def _object_of(shape: dict[str, _Check]) -> _Check:
    def check(value: Any) -> Any:
        if not isinstance(value, dict):
            return _DROP
        out = {key: keep(value.get(key)) for key, keep in shape.items()}
        return _DROP if any(v is _DROP for v in out.values()) else out  # keys outside the shape are stripped

    return check


_MODEL_ID: Final = {"model_name": _model_name, "base_model": _one_of(_BASE_MODELS)}
_MAIN_MODEL: Final = _object_of({**_MODEL_ID, "model_type": _one_of(frozenset(("main",)))})

# v2 stateful type name -> value schema; every other v2 type is stateless.
_V2_STATEFUL_VALUES: Final[dict[str, _Check]] = {
    "IntegerField": _integer,
    "FloatField": _number,
    "StringField": _of_type(str),
    "BooleanField": _of_type(bool),
    "EnumField": _of_type(str),
    "ImageField": _object_of({"image_name": _trimmed_nonempty}),
    "BoardField": _object_of({"board_id": _trimmed_nonempty}),
    "MainModelField": _MAIN_MODEL,
    "SDXLMainModelField": _MAIN_MODEL,
    "SDXLRefinerModelField": _MAIN_MODEL,
    "VAEModelField": _object_of(_MODEL_ID),
    "LoRAModelField": _object_of(_MODEL_ID),
    "ControlNetModelField": _object_of(_MODEL_ID),
    "IPAdapterModelField": _object_of(_MODEL_ID),
    "T2IAdapterModelField": _object_of(_MODEL_ID),
    "ColorField": _object_of({c: _color_channel for c in "rgba"}),
    "SchedulerField": _one_of(_SCHEDULERS),
}


def _v2_input_value(type_name: str, value: Any) -> Any:
    """A present v1 input value as zWorkflowV2 outputs it, or _DROP if it becomes undefined."""
    check = _V2_STATEFUL_VALUES.get(type_name)
    return _DROP if check is None else check(value)  # null too: .optional() only admits undefined


def json_kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"
