"""The inputs of one feature's edit form: a widget per field of the layer's spec (labels and
units from the spec, categories as choices), and its shape drawn on a map or typed."""

from __future__ import annotations

import math

import pandas as pd
import shapely
import streamlit as st

from geo.typed_coordinates import COORDINATE_SYSTEMS, CoordinateProblem, parse_coordinates
from layers import LayerSpec, load_layer
from layers.change_tables import located_fields
from maps.drawing import add_drawing_tools, drawn_geometry
from maps.parts import base_map, outline_group
from ui.folium_view import render_map, show_map
from ui.i18n import text

__all__ = ["attribute_inputs", "shape_input"]

EDIT_MAP_HEIGHT_PX = 360
MAX_TEXT_CHARS = 200
FORM_COLUMNS = 3


def attribute_inputs(
    spec: LayerSpec, values: dict[str, object], lang: str, *, key: str, new: bool = False
) -> dict[str, object]:
    """A widget per field (the id only for a new feature), prefilled with `values`."""
    chosen: dict[str, object] = {}
    located = located_fields(spec.key)
    shown = []
    for field in spec.fields:
        # Internal values never reach a browser: kept as stored (an added feature has none).
        # The township fields follow the location when the change is saved.
        kept = (field.name == spec.id_field and not new) or not field.public
        if kept or field.name in located:
            chosen[field.name] = values.get(field.name)
        else:
            shown.append(field.name)
    columns = st.columns(FORM_COLUMNS)  # side by side on a screen, one under another on a phone
    for index, name in enumerate(shown):
        with columns[index % FORM_COLUMNS]:
            chosen[name] = _input(spec, name, values.get(name), lang, f"{key}:{name}")
    if located:
        st.caption(text("edit_township_located", lang))
    return chosen


def _input(spec: LayerSpec, name: str, value: object, lang: str, key: str) -> object:
    field = spec.field(name)
    label = field.label(lang) + ("" if field.public else text("edit_internal", lang))
    missing = value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA
    if spec.style.by_field == name and spec.style.categories:
        options = [c.value for c in spec.style.categories]
        if not missing and value not in options:
            options.append(str(value))
        labels = {c.value: c.label(lang) for c in spec.style.categories}
        return st.selectbox(
            label,
            options=options,
            index=None if missing else options.index(str(value)),
            format_func=lambda v: labels.get(v, v),
            key=key,
        )
    if field.kind == "int":
        number = st.number_input(label, value=None if missing else int(value), step=1, key=key)
        return None if number is None else int(number)
    if field.kind == "float":
        return st.number_input(
            label, value=None if missing else float(value), step=0.01, format="%.2f", key=key
        )
    if field.kind == "bool":
        return st.checkbox(label, value=bool(value) if not missing else False, key=key)
    typed = st.text_input(
        label, value="" if missing else str(value), max_chars=MAX_TEXT_CHARS, key=key
    )
    return typed.strip() or None


def shape_input(
    spec: LayerSpec, current: shapely.Geometry | None, lang: str, *, key: str
) -> tuple[shapely.Geometry | None, str | None]:
    """The feature's shape as the person leaves it (kept, drawn or typed), and a problem with
    what they gave (None when there is none)."""
    if current is not None and current.geom_type.startswith("Multi") and len(current.geoms) == 1:
        current = current.geoms[0]  # the store keeps one part as multi-part; edited as one
    ways = ["keep", "map", "typed"] if current is not None else ["map", "typed"]
    way = st.radio(
        text("edit_shape", lang),
        options=ways,
        format_func=lambda w: text(f"edit_shape_{w}", lang),
        horizontal=True,
        key=f"{key}:way",
    )
    if way == "keep":
        return current, None
    if way == "typed":
        return _typed_shape(spec, lang, key)
    return _drawn_shape(spec, current, lang, key)


def _typed_shape(
    spec: LayerSpec, lang: str, key: str
) -> tuple[shapely.Geometry | None, str | None]:
    system = st.selectbox(
        text("edit_system", lang),
        options=list(COORDINATE_SYSTEMS),
        format_func=lambda s: text(f"edit_system_{s}", lang),
        key=f"{key}:system",
    )
    typed = st.text_area(
        text("edit_typed", lang),
        help=text(f"edit_typed_help_{spec.geometry}", lang),
        max_chars=60_000,
        key=f"{key}:typed",
    )
    if not typed.strip():
        return None, None
    try:
        return parse_coordinates(typed, system, spec.geometry), None
    except CoordinateProblem as problem:
        joined = ", " if lang == "en" else "、"
        values = {
            name: joined.join(map(str, value)) if isinstance(value, list) else value
            for name, value in problem.values.items()
        }
        return None, text(f"edit_coord_{problem.code}", lang, **values)


def _drawn_shape(
    spec: LayerSpec, current: shapely.Geometry | None, lang: str, key: str
) -> tuple[shapely.Geometry | None, str | None]:
    district = load_layer("district")
    area = current if current is not None else district.geometry.iloc[0]
    west, south, east, north = area.bounds
    margin = max(east - west, north - south, 0.004) * 0.3
    fmap = base_map((west - margin, south - margin, east + margin, north + margin))
    outline_group(district, "", "#000000").add_to(fmap)
    add_drawing_tools(fmap, spec.geometry, current, lang)
    st.caption(text(f"edit_map_help_{'edit' if current is not None else 'draw'}", lang))
    returned = show_map(
        render_map(fmap),
        key=f"{key}:map",
        height=EDIT_MAP_HEIGHT_PX,
        returned_objects=["all_drawings", "last_active_drawing"],
    )
    try:
        drawn = drawn_geometry(returned, spec.geometry)
    except ValueError:
        return None, text("edit_drawn_refused", lang)
    return (drawn if drawn is not None else current), None
