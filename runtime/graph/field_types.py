"""Which field types the GUI lets one connect to another (validateConnectionTypes and kin)."""

from __future__ import annotations

from .templates import COLLECTION, SINGLE, SINGLE_OR_COLLECTION, FieldType

__all__ = ["are_types_compatible", "are_types_equal", "is_single_collection_pair", "to_item_type"]


def are_types_equal(a: FieldType, b: FieldType) -> bool:
    """Equal ignoring ``original``, or either side's original type matches."""
    if a.bare() == b.bare():
        return True
    if b.original is not None and a.bare() == b.original.bare():
        return True
    if a.original is not None and a.original.bare() == b.bare():
        return True
    return a.original is not None and b.original is not None and a.original.bare() == b.original.bare()


def are_types_compatible(source: FieldType, target: FieldType) -> bool:
    """May an output of type ``source`` feed an input of type ``target``?"""
    if are_types_equal(source, target):
        return True
    if source.batch != target.batch:
        return False
    s_single = source.cardinality == SINGLE
    t_single = target.cardinality == SINGLE
    s_coll = source.cardinality == COLLECTION
    t_coll = target.cardinality == COLLECTION
    s_either = source.cardinality == SINGLE_OR_COLLECTION
    t_either = target.cardinality == SINGLE_OR_COLLECTION

    cardinality_ok = (
        (s_single and t_single)
        or (s_coll and t_coll)
        or (s_coll and t_either)
        or (s_either and t_either)
        or (s_single and t_either)
    )
    subtype = cardinality_ok and (source.name, target.name) in {
        ("IntegerField", "FloatField"),
        ("IntegerField", "StringField"),
        ("FloatField", "StringField"),
    }
    return (
        (source.name == "CollectionItemField" and not t_coll)
        or (s_single and target.name == "CollectionItemField")
        or (t_either and source.name == target.name)
        or (source.name == "CollectionField" and not t_single)
        or (target.name == "CollectionField" and s_coll)
        or subtype
        or target.name == "AnyField"
        or (source.name == "AnyField" and cardinality_ok)
    )


def is_single_collection_pair(a: FieldType, b: FieldType) -> bool:
    """One SINGLE and one COLLECTION of the same base type (batch flags alike)."""
    pair = {a.cardinality, b.cardinality} == {SINGLE, COLLECTION}
    return a.batch == b.batch and pair and a.name == b.name


def to_item_type(ftype: FieldType) -> FieldType | None:
    """The type of one item of a collection (None for the generic CollectionField)."""
    if ftype.name == "CollectionField":
        return None
    if ftype.cardinality in (COLLECTION, SINGLE_OR_COLLECTION):
        return FieldType(ftype.name, SINGLE, ftype.batch, ftype.original)
    return ftype
