"""A user's uploaded data as layers of their session, drawn and clicked like the atlas's own.

Uploaded columns may be named anything (long, Chinese, even markup): they travel under safe
internal names (f00, f01 …) and keep their own names only as labels, which are escaped
wherever they are shown.  Points, lines and polygons of one file become one layer each.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd

from geo.geometry import GEOMETRY_FAMILY
from layers.spec import Field, LayerSpec, Style

__all__ = ["UPLOAD_PREFIX", "UploadedLayer", "original_columns", "uploaded_layers"]

UPLOAD_PREFIX = "upload_"
_FAMILY_TITLES = {"point": ("点", "points"), "line": ("线", "lines"), "polygon": ("面", "polygons")}


@dataclass(frozen=True)
class UploadedLayer:
    """One layer made from an upload: its spec and its features (internal column names)."""

    spec: LayerSpec
    frame: gpd.GeoDataFrame
    source_name: str


def uploaded_layers(
    frame: gpd.GeoDataFrame,
    *,
    title: str,
    source_name: str,
    color: str,
    tooltip: Sequence[str] = (),
) -> list[UploadedLayer]:
    """Layers for the drawable features of `frame` (EPSG:4326), one per geometry family.

    `tooltip` names original columns to show on hover. Features without geometry are not drawn.
    """
    columns = [c for c in frame.columns if c != frame.geometry.name]
    internal = {column: f"f{number:02d}" for number, column in enumerate(columns)}
    token = secrets.token_hex(4)
    drawable = frame[frame.geometry.notna() & ~frame.geometry.is_empty]
    families = drawable.geometry.geom_type.map(GEOMETRY_FAMILY)
    layers = []
    for family in ("point", "line", "polygon"):
        chosen = drawable[families == family]
        if chosen.empty:
            continue
        several = families.nunique() > 1
        key = f"{UPLOAD_PREFIX}{token}_{family}"
        spec = _spec(key, title, family, several, columns, internal, color, tooltip, source_name)
        data = pd.DataFrame(chosen[columns]).rename(columns=internal)
        data.insert(0, "uid", [f"{key}-{n}" for n in range(1, len(chosen) + 1)])
        layers.append(
            UploadedLayer(
                spec,
                gpd.GeoDataFrame(data, geometry=chosen.geometry.to_numpy(), crs=frame.crs),
                source_name,
            )
        )
    return layers


def _spec(
    key: str,
    title: str,
    family: str,
    several: bool,
    columns: list[str],
    internal: dict[str, str],
    color: str,
    tooltip: Sequence[str],
    source_name: str,
) -> LayerSpec:
    zh, en = _FAMILY_TITLES[family]
    fields = (
        Field("uid", "要素编号", "Feature ID"),
        *(Field(internal[c], _label(c, internal[c]), _label(c, internal[c])) for c in columns),
    )
    shown = tuple(internal[c] for c in tooltip if c in internal) or ("uid",)
    return LayerSpec(
        key=key,
        title_zh=f"{title}（{zh}）" if several else title,
        title_en=f"{title} ({en})" if several else title,
        source=f"{key}.shp",
        geometry=family,
        id_field="uid",
        name_field=shown[0],
        fields=fields,
        style=Style(color=color, fill_opacity=0.35, weight=2.0, radius=5.0),
        tooltip=shown,
        illustrative=False,
        description_zh=f"上传的数据：{source_name}",
        description_en=f"Uploaded data: {source_name}",
    )


def _label(column: object, internal: str) -> str:
    """The column's own name as its label (a column without a name is called by its number)."""
    text = str(column).strip()
    return text or internal


def original_columns(layer: UploadedLayer) -> gpd.GeoDataFrame:
    """The layer's features with their original column names (for downloading them back)."""
    names = {field.name: field.label_zh for field in layer.spec.fields if field.name != "uid"}
    return layer.frame.drop(columns="uid").rename(columns=names)
