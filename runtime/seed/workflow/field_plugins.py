"""Which ``Ivk*Field`` a Form input gets when no server schema says it: rules read the workflow
JSON (the field's saved value and metadata, its name, the node type), and each field type has
a builder. Users extend both: ``register_detection_rule`` / ``register_field_builder``, or a
plugin object with ``detect_field_type`` and/or ``build_field`` methods
(``register_field_plugin``; the first answer that is not None wins). The built-in rule set
is itself such a plugin, ``CoreFieldPlugin``, consulted after the user's.

A handle made with a client reads the server's schema instead (``field_factory``), which knows
what each node takes; rules and builders registered here still come first there.

``INVOKEAI_FIELD_DEBUG=1`` logs each decision; ``INVOKEAI_STRICT_FIELDS=1`` raises where the
fallback (a string field) would be used.
"""

from __future__ import annotations

import copy
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar, Union

from ..fields import (
    IvkBoardField,
    IvkBooleanField,
    IvkEnumField,
    IvkField,
    IvkFloatField,
    IvkImageField,
    IvkIntegerField,
    IvkModelIdentifierField,
    IvkSchedulerField,
    IvkStringField,
)

__all__ = [
    "CoreFieldPlugin",
    "DetectionPredicate",
    "DetectionRule",
    "FieldBuilder",
    "FieldPluginSpec",
    "build_field",
    "custom_field",
    "detect_field_type",
    "get_field_plugin_manager",
    "hookimpl",
    "hookspec",
    "register_detection_rule",
    "register_field_builder",
    "register_field_plugin",
    "reset_field_plugin_manager",
]

logger = logging.getLogger(__name__)
FIELD_DEBUG = bool(os.getenv("INVOKEAI_FIELD_DEBUG"))
STRICT_FIELDS = bool(os.getenv("INVOKEAI_STRICT_FIELDS"))

F = TypeVar("F", bound=Callable[..., Any])


# (node type, field name, the input's JSON) -> whether the rule applies
DetectionPredicate = Callable[[str, str, dict[str, Any]], bool]
# (saved value, the input's JSON) -> the field
FieldBuilder = Callable[[Any, dict[str, Any]], IvkField[Any]]


FieldTypeProvider = Callable[[str, str, dict[str, Any]], str]


@dataclass
class DetectionRule:
    """``field_type``: a type name, or a function of (node type, field name, info) giving one."""

    field_type: Union[str, FieldTypeProvider]
    predicate: DetectionPredicate
    priority: int = 100  # lower runs first
    name: str = ""
    core: bool = False

    def resolve(self, node_type: str, field_name: str, info: dict[str, Any]) -> str | None:
        if not self.predicate(node_type, field_name, info):
            return None
        kind = self.field_type
        return str(kind(node_type, field_name, info) if callable(kind) else kind)


def hookimpl(fn: F) -> F:
    """Marks a plugin method (kept for the seed's plugins; any method of that name counts)."""
    return fn


hookspec = hookimpl


class FieldPluginSpec:
    """What a plugin may implement; a method answering None lets the next one decide."""

    def detect_field_type(self, node_type: str, field_name: str, field_info: dict[str, Any]) -> str | None:
        return None

    def build_field(self, field_type: str, value: Any, field_info: dict[str, Any]) -> IvkField[Any] | None:
        return None


_rules: list[DetectionRule] = []
_builders: dict[str, FieldBuilder] = {}
_plugins: list[object] = []  # the user's, in the order they answer


class CoreFieldPlugin:
    """The registries as a plugin: detection walks every registered rule (the built-in ones
    and the user's, lowest priority first), building uses the builder registered for the type.
    Either answers None to let another plugin, or the string fallback, decide."""

    @hookimpl
    def detect_field_type(self, node_type: str, field_name: str, field_info: dict[str, Any]) -> str | None:
        return _detect_by_rules(node_type, field_name, field_info, core=True)

    @hookimpl
    def build_field(self, field_type: str, value: Any, field_info: dict[str, Any]) -> IvkField[Any] | None:
        """The field ``field_type``'s builder makes of (a deep copy of) ``value``; None when
        no builder is registered or it fails (ValueError, or the builder's error, under
        ``INVOKEAI_STRICT_FIELDS``)."""
        return _build(field_type, value, field_info)


_CORE = CoreFieldPlugin()
_core: list[object] = [_CORE]  # after the user's plugins; empty once unregistered


def _chain() -> list[object]:
    return [*_plugins, *_core]


def register_detection_rule(
    field_type: Union[str, FieldTypeProvider],
    predicate: DetectionPredicate,
    *,
    priority: int = 100,
    name: str | None = None,
    first: bool | None = None,
) -> None:
    rule = DetectionRule(field_type, predicate, 0 if first else priority, name or str(field_type))
    _rules.append(rule)
    _rules.sort(key=lambda r: r.priority)  # stable: equal priorities keep their order


def register_field_builder(field_type: str, builder: FieldBuilder, *, override: bool = True) -> None:
    if override or field_type not in _builders:
        _builders[field_type] = builder


def register_field_plugin(plugin: object, *, first: bool = False) -> None:
    if first:
        _plugins.insert(0, plugin)
    else:
        _plugins.append(plugin)


def reset_field_plugin_manager() -> None:
    """Forget registered plugins, back to the core one alone (rules and builders stay)."""
    _plugins.clear()
    _core[:] = [_CORE]


class _Hooks:
    def detect_field_type(self, node_type: str, field_name: str, field_info: dict[str, Any]) -> str | None:
        for plugin in _chain():
            fn = getattr(plugin, "detect_field_type", None)
            found = fn(node_type, field_name, field_info) if fn else None
            if found is not None:
                return str(found)
        return None

    def build_field(self, field_type: str, value: Any, field_info: dict[str, Any]) -> IvkField[Any] | None:
        for plugin in _chain():
            fn = getattr(plugin, "build_field", None)
            built = fn(field_type, value, field_info) if fn else None
            if built is not None:
                return built  # type: ignore[no-any-return]
        return None


@dataclass
class _Manager:
    """The seed exposed a pluggy manager; this one answers the same two hooks."""

    hook: _Hooks

    def register(self, plugin: object) -> None:
        register_field_plugin(plugin)

    def unregister(self, plugin: object) -> object | None:
        """Take ``plugin`` (the core one too) out; it, or None when it was not registered."""
        for registry in (_plugins, _core):
            if plugin in registry:
                registry.remove(plugin)
                return plugin
        return None

    def is_registered(self, plugin: object) -> bool:
        return plugin in _chain()

    def get_plugins(self) -> list[object]:
        return _chain()


def get_field_plugin_manager() -> _Manager:
    return _Manager(_Hooks())


def _detect_by_rules(node_type: str, field_name: str, info: dict[str, Any], *, core: bool) -> str | None:
    for rule in _rules:
        if rule.core and not core:
            continue
        try:
            found = rule.resolve(node_type, field_name, info)
        except Exception as exc:  # a user's rule that breaks must not break loading
            logger.warning("detection rule %r raised %r", rule.name, exc)
            continue
        if found is not None:
            if FIELD_DEBUG:
                logger.debug("rule %r: %s.%s is %s", rule.name, node_type, field_name, found)
            return found
    return None


def detect_field_type(node_type: str, field_name: str, field_info: dict[str, Any]) -> str:
    found = _Hooks().detect_field_type(node_type, field_name, field_info)
    if found is None:
        if STRICT_FIELDS:
            raise ValueError(f"Unknown field type (strict): node={node_type}, field={field_name}")
        return "string"
    return found


def _build(field_type: str, value: Any, info: dict[str, Any]) -> IvkField[Any] | None:
    builder = _builders.get(field_type)
    if builder is None:
        if STRICT_FIELDS:
            raise ValueError(f"Unknown field type '{field_type}' (strict mode enabled)")
        return None
    try:
        return builder(copy.deepcopy(value), info)
    except Exception as exc:
        if STRICT_FIELDS:
            raise
        logger.warning("builder for %r failed on %r: %r", field_type, value, exc)
        return None


def build_field(node_data: dict[str, Any], field_name: str, field_info: dict[str, Any]) -> IvkField[Any]:
    """Detect and build the field of ``node_data``'s input ``field_name`` (``field_info`` is
    the input's JSON in the workflow: value, label, and what else the export saved)."""
    field_type = detect_field_type(str(node_data.get("type", "")), field_name, field_info)
    value = field_info.get("value")
    built = _Hooks().build_field(field_type, value, field_info)
    if built is not None:
        return built
    return IvkStringField(value=value if isinstance(value, str) or value is None else str(value))


def custom_field(node_type: str, field_name: str, field_info: dict[str, Any]) -> IvkField[Any] | None:
    """What the user's own rules, builders and plugins make of a field; None when none of them
    speaks (the schema decides then)."""
    found = None
    for plugin in _plugins:
        if getattr(type(plugin), "detect_field_type", None) is CoreFieldPlugin.detect_field_type:
            continue  # the built-in rules, registered again by the user, do not outrank the schema
        fn = getattr(plugin, "detect_field_type", None)
        found = fn(node_type, field_name, field_info) if fn else None
        if found is not None:
            break
    if found is None:
        found = _detect_by_rules(node_type, field_name, field_info, core=False)
    if found is None:
        return None
    return _Hooks().build_field(str(found), field_info.get("value"), field_info)


# --- the built-in rules and builders ------------------------------------------------------


def _choices(info: dict[str, Any]) -> list[Any]:
    raw = info.get("options") or info.get("ui_choices") or []
    return [c.get("value") if isinstance(c, dict) and "value" in c else c for c in raw]


def _integer(value: Any, info: dict[str, Any]) -> IvkField[Any]:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool):
        value = None
    return IvkIntegerField(value=value, minimum=info.get("minimum"), maximum=info.get("maximum"))


def _float(value: Any, info: dict[str, Any]) -> IvkField[Any]:
    value = float(value) if isinstance(value, int) and not isinstance(value, bool) else value
    return IvkFloatField(value=value, minimum=info.get("minimum"), maximum=info.get("maximum"))


def _model(value: Any, info: dict[str, Any]) -> IvkField[Any]:
    if isinstance(value, dict):
        return IvkModelIdentifierField.from_api_format(value)
    return IvkModelIdentifierField(name=str(value) if value else "")


def _string(value: Any, info: dict[str, Any]) -> IvkField[Any]:
    keep = isinstance(value, str) or value is None
    return IvkStringField(value=value if keep else str(value))


def _boolean(value: Any, info: dict[str, Any]) -> IvkField[Any]:
    return IvkBooleanField(value=value if isinstance(value, bool) or value is None else bool(value))


def _enum(value: Any, info: dict[str, Any]) -> IvkField[Any]:
    return IvkEnumField(choices=[str(c) for c in _choices(info)], value=value)  # none: any string


def _int_like(node_type: str, field_name: str, info: dict[str, Any]) -> bool:
    v = info.get("value")
    if isinstance(v, bool):
        return False
    if isinstance(v, int):
        return True
    return isinstance(v, float) and v.is_integer() and any(k in info for k in ("minimum", "maximum", "multiple_of"))


def _is_model(v: Any) -> bool:
    return isinstance(v, dict) and ("key" in v or ("name" in v and "type" in v))


def _int_bounds(node_type: str, field_name: str, info: dict[str, Any]) -> bool:
    lo, hi = info.get("minimum"), info.get("maximum")
    return all(isinstance(b, int) and not isinstance(b, bool) for b in (lo, hi))


def _core_rules() -> None:
    rules: list[tuple[Union[str, FieldTypeProvider], DetectionPredicate, int, str]] = [
        (lambda t, f, i: str(i["type"]), lambda t, f, i: isinstance(i.get("type"), str), 0, "explicit_type_hint"),
        ("board", lambda t, f, i: f == "board", 10, "field_name_board"),
        ("model", lambda t, f, i: f == "model" or f.endswith("_model"), 10, "field_name_model"),
        ("image", lambda t, f, i: f == "image", 10, "field_name_image"),
        ("scheduler", lambda t, f, i: f == "scheduler", 10, "field_name_scheduler"),
        ("string", lambda t, f, i: t == "string", 20, "node_primitive_string"),
        ("integer", lambda t, f, i: t == "integer", 20, "node_primitive_integer"),
        ("float", lambda t, f, i: t in ("float", "float_math"), 20, "node_primitive_float"),
        ("boolean", lambda t, f, i: t == "boolean", 20, "node_primitive_boolean"),
        ("boolean", lambda t, f, i: isinstance(i.get("value"), bool), 30, "value_is_bool"),
        ("integer", _int_like, 31, "value_is_integer_like"),
        ("float", lambda t, f, i: isinstance(i.get("value"), float), 32, "value_is_float"),
        ("model", lambda t, f, i: _is_model(i.get("value")), 35, "value_is_model_dict"),
        ("board", lambda t, f, i: isinstance(i.get("value"), dict) and "board_id" in i["value"], 37, "value_is_board_dict"),
        ("image", lambda t, f, i: isinstance(i.get("value"), dict) and "image_name" in i["value"], 38, "value_is_image_dict"),
        ("string", lambda t, f, i: isinstance(i.get("value"), str), 40, "value_is_string"),
        ("enum", lambda t, f, i: "options" in i or "ui_choices" in i, 50, "enum_choices_present"),
        ("integer", _int_bounds, 60, "numeric_constraints_integer"),
        ("float", lambda t, f, i: "minimum" in i or "maximum" in i, 61, "numeric_constraints_float"),
    ]
    for kind, predicate, priority, name in rules:
        _rules.append(DetectionRule(kind, predicate, priority, name, core=True))
    _rules.sort(key=lambda r: r.priority)
    builders: dict[str, FieldBuilder] = {
        "string": _string,
        "integer": _integer,
        "float": _float,
        "boolean": _boolean,
        "model": _model,
        "board": lambda v, i: IvkBoardField(value=v),
        "image": lambda v, i: IvkImageField(value=v),
        "enum": _enum,
        "scheduler": lambda v, i: IvkSchedulerField(value=v),
    }
    _builders.update(builders)


_core_rules()
