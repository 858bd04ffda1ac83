"""Changes of a layer as tables people read: what a new version would change (field by field,
old → new, with the spec's labels and units), its effect on the layer's key totals, and the
change log."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from layers import get_layer, is_layer, load_layer, total_value
from layers.formatting import format_figure
from store import GEOMETRY_FIELD, LayerDiff

__all__ = [
    "ACTION_LABELS",
    "change_rows",
    "diff_table",
    "located_fields",
    "shown_value",
    "totals_effect",
    "with_township",
]

ACTION_LABELS = {
    "add": ("新增", "added"),
    "change": ("修改", "changed"),
    "retire": ("退出", "retired"),
}
_COLUMNS = {
    "uid": ("要素编号", "Feature ID"),
    "name": ("名称", "Name"),
    "action": ("变化", "Change"),
    "field": ("字段", "Field"),
    "old": ("原值", "Old value"),
    "new": ("新值", "New value"),
}
_NOT_SHOWN = ("（内部字段，不显示）", "(internal, not shown)")


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "en" else pair[0]


def _field_label(layer: str, name: str, lang: str) -> str:
    if name == GEOMETRY_FIELD:
        return "Shape" if lang == "en" else "形状"
    if is_layer(layer):
        try:
            return get_layer(layer).field(name).label(lang)
        except KeyError:
            return name
    return name


def shown_value(value: object) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "—"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return format_figure(value)
    return str(value)


def change_rows(
    layer: str,
    uid: str,
    name: object,
    action: str,
    fields: tuple[str, ...],
    before: dict | None,
    after: dict | None,
    lang: str,
    *,
    hide_internal: bool = False,
) -> list[dict[str, str]]:
    """One row per changed field of one feature (one row for an added or retired one);
    with `hide_internal`, the values of fields the spec marks internal are not shown (a
    change log leaves the server: contacts and notes never do)."""
    label = _pick(ACTION_LABELS[action], lang)
    base = {"uid": uid, "name": shown_value(name), "action": label}
    if action != "change":
        return [{**base, "field": "—", "old": "—", "new": "—"}]
    hidden = _internal_fields(layer) if hide_internal else frozenset()
    rows = []
    for field in fields:
        if field == GEOMETRY_FIELD:
            old = new = "…"
        elif field in hidden:
            old = new = _pick(_NOT_SHOWN, lang)
        else:
            old, new = shown_value((before or {}).get(field)), shown_value((after or {}).get(field))
        rows.append({**base, "field": _field_label(layer, field, lang), "old": old, "new": new})
    return rows


def _internal_fields(layer: str) -> frozenset[str]:
    if not is_layer(layer):
        return frozenset()
    return frozenset(field.name for field in get_layer(layer).internal_fields)


def diff_table(diff: LayerDiff, lang: str, *, limit: int | None = None) -> pd.DataFrame:
    """What publishing would change, one row per feature and field (the first `limit` rows)."""
    spec = get_layer(diff.layer)
    key, name = spec.id_field, spec.name_field
    rows: list[dict[str, str]] = []
    for _, row in diff.added.iterrows():
        rows += change_rows(diff.layer, row[key], row[name], "add", (), None, None, lang)
    for (_, old), (_, new), fields in zip(
        diff.before.iterrows(), diff.changed.iterrows(), diff.fields, strict=True
    ):
        rows += change_rows(
            diff.layer, new[key], new[name], "change", fields, old.to_dict(), new.to_dict(), lang
        )
        if limit is not None and len(rows) >= limit:
            break
    for _, row in diff.retired.iterrows():
        rows += change_rows(diff.layer, row[key], row[name], "retire", (), None, None, lang)
    table = pd.DataFrame(rows, columns=list(_COLUMNS))
    if limit is not None:
        table = table.head(limit)
    return table.rename(columns={k: _pick(v, lang) for k, v in _COLUMNS.items()})


def totals_effect(
    layer: str, stored: gpd.GeoDataFrame, new: gpd.GeoDataFrame, lang: str
) -> pd.DataFrame:
    """Each key total of the layer now and after publishing `new`, in the total's unit."""
    rows = []
    for total in get_layer(layer).totals:
        before, after = total_value(total, stored), total_value(total, new)
        rows.append(
            {
                ("Figure" if lang == "en" else "指标"): total.label(lang),
                ("Now" if lang == "en" else "现在"): format_figure(before),
                ("After publishing" if lang == "en" else "发布后"): format_figure(after),
                ("Change" if lang == "en" else "变化"): _signed(after - before),
            }
        )
    return pd.DataFrame(rows)


def _signed(value: float) -> str:
    if abs(value) < 1e-9:
        return "0"
    return ("+" if value > 0 else "−") + format_figure(abs(value))


def located_fields(layer: str) -> tuple[str, ...]:
    """The fields a feature's location decides (its township's code and name): never typed,
    so a code and a name cannot disagree (the townships layer's own code is its identity)."""
    spec = get_layer(layer)
    if spec.township_field is None or layer == "townships":
        return ()
    names = {field.name for field in spec.fields}
    return tuple(n for n in dict.fromkeys((spec.township_field, "town")) if n in names)


def with_township(layer: str, values: dict[str, object], shape: object) -> dict[str, object]:
    """`values` with the township fields set from where `shape` lies (kept as they were when
    it lies in no township)."""
    fields = located_fields(layer)
    if not fields or shape is None:
        return values
    townships = load_layer("townships")
    found = townships[townships.contains(shape.representative_point())]
    if found.empty:
        return values
    code, name = str(found["code"].iloc[0]), str(found["name"].iloc[0])
    township_field = get_layer(layer).township_field
    filled = dict(values)
    for field in fields:
        by_code = field == township_field and field != "town"
        filled[field] = code if by_code else name
    return filled
