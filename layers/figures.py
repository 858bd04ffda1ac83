"""Figures for the statistics panel: one feature's figures, and a township's roll-up of every layer."""

from __future__ import annotations

from functools import lru_cache

import geopandas as gpd
import pandas as pd
import psycopg

from geo.crs import SQUARE_METRES_PER_MU
from geo.postgis import rollup_sql, table_name
from geo.stats import feature_measures, rollup_by_zone
from layers import (
    LAYERS,
    LayerSpec,
    Total,
    data_version,
    database_url,
    get_layer,
    layer_total,
    load_layer,
)
from layers._common import TOWN_CODE
from layers.formatting import format_figure

__all__ = [
    "CONTEXT_LAYERS",
    "Refinements",
    "feature_figures",
    "in_township",
    "localised",
    "ranking_table",
    "refine",
    "rollup_notes",
    "stage_pipeline",
    "totals_options",
    "township_rollup",
    "township_series",
    "zone_total",
]

# Layers that frame the map rather than count as programmes in a roll-up.
CONTEXT_LAYERS = ("district", "townships", "landmarks", "river")
FIGURE_COLUMNS = ["label", "value", "unit"]
# Codes, not figures: the township's name is shown beside them.
_NOT_FIGURES = (TOWN_CODE.name,)
_DERIVED = {
    "area_mu": ("面积", "Area", "亩", "mu"),
    "area_ha": ("面积", "Area", "公顷", "ha"),
    "length_km": ("长度", "Length", "千米", "km"),
}


def feature_figures(key: str, uid: str, lang: str) -> pd.DataFrame:
    """Public fields with labels and units, then derived figures, of the feature `uid`."""
    spec = get_layer(key)
    frame = load_layer(key)
    matches = frame[frame[spec.id_field] == uid]
    if matches.empty:
        raise KeyError(f"layer '{key}' has no feature '{uid}'")
    feature = matches.iloc[0]
    en = lang == "en"
    rows = []
    for field in spec.public_fields:
        if field.name in _NOT_FIGURES:
            continue
        value = feature[field.name]
        if value is None or pd.isna(value) or value == "":
            continue
        rows.append(
            (
                field.label_en if en else field.label_zh,
                value,
                field.unit_en if en else field.unit_zh,
            )
        )
    measures = feature_measures(matches).iloc[0]
    derived = (
        ("area_mu", "area_ha")
        if spec.geometry == "polygon"
        else ("length_km",)
        if spec.geometry == "line"
        else ()
    )
    for name in derived:
        label_zh, label_en, unit_zh, unit_en = _DERIVED[name]
        label, unit = (label_en, unit_en) if en else (label_zh, unit_zh)
        if any(row[0] == label and row[2] == unit for row in rows):
            continue  # a stored field says the same (e.g. 面积 in 亩, checked against the shape)
        rows.append((label, round(float(measures[name]), 2), unit))
    for name in spec.densities:
        field = spec.field(name)
        if pd.notna(feature[name]) and measures["area_mu"] > 0:
            label = f"{field.label_en} per mu" if en else f"每亩{field.label_zh}"
            unit = f"{field.unit_en}/mu" if en else f"{field.unit_zh}/亩"
            rows.append((label, round(float(feature[name]) / float(measures["area_mu"]), 2), unit))
    for related in spec.related:
        others = load_layer(related.layer)
        count = int((others[related.field] == feature[spec.name_field]).sum())
        rows.append(
            (
                related.label_en if en else related.label_zh,
                count,
                related.unit_en if en else related.unit_zh,
            )
        )
    return pd.DataFrame(rows, columns=FIGURE_COLUMNS)


def in_township(key: str, frame: gpd.GeoDataFrame, code: str) -> gpd.GeoDataFrame:
    """The features of layer `key` in township `code`; context layers are kept whole."""
    spec = get_layer(key)
    if key in CONTEXT_LAYERS:
        return frame
    townships = load_layer("townships")
    township = townships[townships["code"] == code]
    if township.empty:
        raise KeyError(f"no township with code '{code}'")
    if spec.township_field is not None:
        names = {code, str(township["name"].iloc[0])}
        return frame[frame[spec.township_field].isin(names)]
    return frame[frame.intersects(township.geometry.iloc[0])]


# ((field, "in", (value, …)) | (field, "range", (low, high)), …): hashable, so maps can be cached.
Refinements = tuple[tuple[str, str, tuple], ...]


def refine(frame: gpd.GeoDataFrame, refinements: Refinements) -> gpd.GeoDataFrame:
    """Rows of `frame` meeting every refinement (values in a set, numbers within a range)."""
    keep = pd.Series(True, index=frame.index)
    for field, kind, argument in refinements:
        if kind == "in":
            keep &= frame[field].isin(argument)
        elif kind == "range":
            low, high = argument
            keep &= pd.to_numeric(frame[field]).between(low, high)
        else:
            raise ValueError(f"unknown refinement '{kind}' on field '{field}'")
    return frame[keep]


def stage_pipeline(
    key: str, frame: gpd.GeoDataFrame, stages: tuple[str, ...], value_field: str
) -> pd.DataFrame:
    """Features and the sum of `value_field` at each stage of the styled field, in `stages` order."""
    field = get_layer(key).style.by_field
    grouped = frame.groupby(field)[value_field]
    return pd.DataFrame(
        {
            "stage": list(stages),
            "count": [int(grouped.size().get(stage, 0)) for stage in stages],
            "value": [float(grouped.sum().get(stage, 0.0)) for stage in stages],
        }
    )


def ranking_table(
    key: str, frame: gpd.GeoDataFrame, columns: tuple[str, ...], lang: str
) -> pd.DataFrame:
    """Public `columns` labelled with units, plus measured area (亩) and per-亩 densities."""
    spec = get_layer(key)
    area = feature_measures(frame)["area_mu"]
    table = pd.DataFrame(index=frame.index)
    for name in columns:
        field = spec.field(name)
        if field.public:
            table[field.label(lang)] = localised(spec, frame, name, lang)
    table["面积 (亩)" if lang != "en" else "Area (mu)"] = area.round(2)
    for name in spec.densities:
        field = spec.field(name)
        label = (
            f"每亩{field.label_zh} ({field.unit_zh}/亩)"
            if lang != "en"
            else f"{field.label_en} per mu ({field.unit_en}/mu)"
        )
        table[label] = (pd.to_numeric(frame[name]) / area.where(area > 0)).round(2)
    return table.reset_index(drop=True)


def localised(spec: LayerSpec, frame: gpd.GeoDataFrame, name: str, lang: str) -> pd.Series:
    """The values of field `name`, in English where the spec names a field holding them."""
    english = spec.field(name).english
    return frame[english] if lang == "en" and english else frame[name]


def township_rollup(code: str, lang: str) -> pd.DataFrame:
    """Key figures of every programme layer present in township `code`: layer, label, value, unit."""
    table = _rollup_table(database_url(), data_version())
    local = table[table["code"] == code]
    if local.empty:
        raise KeyError(f"no township with code '{code}'")
    present = local.groupby("layer")["value"].transform(lambda values: (values != 0).any())
    local = local[present]
    en = lang == "en"
    return pd.DataFrame(
        {
            "layer": [get_layer(key).title(lang) for key in local["layer"]],
            "label": local["label_en" if en else "label_zh"],
            "value": local["value"].round(2),
            "unit": local["unit_en" if en else "unit_zh"],
        }
    ).reset_index(drop=True)


def rollup_notes(code: str, lang: str) -> list[str]:
    """What a township roll-up's figures cover where townships' figures do not add up to the
    district's: lines counted in every township they pass through, distinct values (e.g.
    pairing projects) counted in every township they reach."""
    table = _rollup_table(database_url(), data_version())
    local = table[(table["code"] == code) & (table["value"] != 0)]
    notes = []
    for key in dict.fromkeys(local["layer"]):
        spec = get_layer(key)
        for total in spec.totals:
            note = _rollup_note(spec, total, lang)
            if note and total.key in set(local[local["layer"] == key]["total"]):
                notes.append(note)
    return notes


def _rollup_note(spec: LayerSpec, total: Total, lang: str) -> str | None:
    en = lang == "en"
    label = total.label_en if en else total.label_zh
    if spec.geometry == "line" and total.op in ("count", "count_where", "sum", "distinct"):
        if en:
            return (
                f"{spec.title(lang)} · {label}: a line is counted in every township it passes "
                "through (its length only for the part inside), so the townships' counts add "
                "up to more than the district's."
            )
        return (
            f"{spec.title(lang)} · {label}：一条线途经几个乡镇街道，就在每个乡镇街道各计一条"
            "（长度只计境内部分），各乡镇街道的条数相加多于全区。"
        )
    if total.op == "distinct":
        district = format_figure(layer_total(spec.key, total.key)[1])
        if en:
            return (
                f"{spec.title(lang)} · {label}: the distinct ones reaching this township (serving "
                "someone here); one may reach several townships, so the townships' figures do "
                f"not add up to the district's {district}."
            )
        return (
            f"{spec.title(lang)} · {label}：到达本乡镇街道（在此有服务对象）的不同{label}数；"
            f"同一{label}可到达几个乡镇街道，各乡镇街道的数不能相加成全区的 {district} {total.unit_zh}。"
        )
    return None


def township_series(layer: str, total: str) -> pd.Series:
    """One layer total per township code, e.g. households covered in each township."""
    table = _rollup_table(database_url(), data_version())
    chosen = table[(table["layer"] == layer) & (table["total"] == total)]
    if chosen.empty:
        raise KeyError(f"layer '{layer}' has no total '{total}'")
    return chosen.set_index("code")["value"]


@lru_cache(maxsize=32)
def _rollup_table(url: str | None, version: tuple) -> pd.DataFrame:
    """Every layer's totals per township, per version of the data: in the database when one is
    configured and the atlas is seen as it is now (its tables hold the current features)."""
    *_, as_of = version
    if url is not None and as_of is None:
        return _rollup_table_in_database(url)
    return _rollup_table_in_python()


def _rollup_table_in_database(url: str) -> pd.DataFrame:
    """The same table, each layer rolled up by one SQL query (no layer pulled into the app)."""
    with psycopg.connect(url) as connection:

        def per_zone(spec: LayerSpec, **options) -> pd.DataFrame:
            return rollup_sql(connection, table_name(spec.key), table_name("townships"), **options)

        return _rollup_rows(per_zone)


def _rollup_table_in_python() -> pd.DataFrame:
    """The same table from the layers loaded in the app (geo.stats.rollup_by_zone)."""
    townships = load_layer("townships")

    def per_zone(spec: LayerSpec, **options) -> pd.DataFrame:
        return rollup_by_zone(load_layer(spec.key), townships, **options)

    return _rollup_rows(per_zone)


def _rollup_rows(per_zone) -> pd.DataFrame:
    """One row per township, programme layer and total, from `per_zone(spec, **options)`, a
    per-zone table as geo.stats.rollup_by_zone and geo.postgis.rollup_sql both give."""
    codes = load_layer("townships")["code"]
    rows = []
    for spec in LAYERS:
        if spec.key in CONTEXT_LAYERS or not spec.totals:
            continue
        table = per_zone(spec, zone_key="code", **totals_options(spec))
        for code in codes:
            for total in spec.totals:
                rows.append(_rollup_row(code, spec.key, total, zone_total(total, table.loc[code])))
    return pd.DataFrame(rows)


def totals_options(spec: LayerSpec) -> dict:
    """The options (sum_fields, count_where, distinct) a per-zone roll-up needs for the spec's
    totals: geo.stats.rollup_by_zone, geo.postgis.rollup_sql and geo.area_stats.rollup_in_area."""
    return {
        "sum_fields": tuple(dict.fromkeys(t.field for t in spec.totals if t.op == "sum")),
        "count_where": [
            (f"where_{t.key}", t.field, t.equals)
            for t in spec.totals
            if t.op in ("count_where", "share_where")
        ],
        "distinct": tuple(dict.fromkeys(t.field for t in spec.totals if t.op == "distinct")),
    }


def zone_total(total: Total, zone: pd.Series) -> float:
    """A total's value in one zone from a per-zone roll-up's columns, in the total's unit."""
    if total.op == "share_where":  # a rate of the zone's features (0 where it has none)
        count = float(zone["count"])
        return 100.0 * float(zone[f"where_{total.key}"]) / count / total.scale if count else 0.0
    column = {
        "count": "count",
        "sum": total.field,
        "count_where": f"where_{total.key}",
        "distinct": f"distinct_{total.field}",
        "area_mu": "area_mu",
        "area_km2": "area_mu",
        "length_km": "length_km",
    }[total.op]
    value = float(zone[column])
    if total.op == "area_km2":
        value *= SQUARE_METRES_PER_MU / 1e6
    return value / total.scale


def _rollup_row(code: str, key: str, total: Total, value: float) -> dict:
    return {
        "code": code,
        "layer": key,
        "total": total.key,
        "label_zh": total.label_zh,
        "label_en": total.label_en,
        "unit_zh": total.unit_zh,
        "unit_en": total.unit_en,
        "value": value,
    }
