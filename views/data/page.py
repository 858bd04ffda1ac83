"""数据管理 Data: upload a file, read its validation report, check it in a preview, add it.

Nothing is added before the report has been shown; a refused file changes nothing.  Added
layers belong to this session: every map page shows them in its layer control, and their
features answer clicks in the panel like the atlas's own.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import folium
import geopandas as gpd
import pandas as pd
import streamlit as st

from geo.crs import DISPLAY_CRS, METRIC_CRS
from geo.errors import DataError, SwappedAxes
from geo.export import FEATURE_FORMATS, export_features, export_filename, shapefile_problem
from geo.offsets import BD09, GCJ02, WGS84
from geo.upload import UPLOAD_SUFFIXES, UploadReport
from layers import get_layer, load_layer
from layers.uploaded import UploadedLayer, original_columns, uploaded_layers
from maps.parts import base_map, layer_group, outline_group
from ui.access import require_page
from ui.editing import current_editor
from ui.folium_view import render_map, show_map
from ui.i18n import text
from ui.messages import explain, explain_notice, explain_reason, plain_markdown
from ui.signin_admin import render_signin_admin
from ui.state import current_basemap, current_lang
from ui.tiled_layers import show_tile_progress, tiled_layers
from ui.upload_reading import ReadingChoices, forget_cancel, read_upload_once
from ui.uploads_state import SessionUpload, add_upload, remove_upload, session_uploads
from views.data.publish import render_publish
from views.data.versions import render_versions

__all__ = ["render_data_page"]

KEY = "data"
AUTO = ""
# Coordinate systems a Chinese file may be in without saying so.
CRS_CHOICES = {
    AUTO: None,
    "EPSG:4490": "CGCS2000 经纬度 / lon-lat",
    "EPSG:4326": "WGS-84 经纬度 / lon-lat",
    "EPSG:4549": "CGCS2000 3° GK CM 120°E（无带号 / no zone prefix）",
    "EPSG:4528": "CGCS2000 3° GK zone 40（带号 / zone prefix）",
    "EPSG:4527": "CGCS2000 3° GK zone 39",
    "EPSG:4529": "CGCS2000 3° GK zone 41",
    "EPSG:4498": "CGCS2000 6° GK zone 20",
}
DATUMS = (WGS84, GCJ02, BD09)
PREVIEW_HEIGHT_PX = 420
# A bigger upload is previewed by an even sample of its features (sent whole to the browser);
# added to the maps, all of it is drawn from vector tiles.
PREVIEW_FEATURES = 20_000
DEFAULT_COLOR = "#e7298a"


def render_data_page() -> None:
    """The whole page."""
    lang = current_lang()
    require_page("data", lang)
    st.title(text("data_title", lang))
    editor = current_editor()
    publishes = editor is not None and editor.can_publish
    st.caption(text("data_intro_publish" if publishes else "data_intro", lang))
    upload = st.file_uploader(
        text("data_file", lang),
        type=[suffix[1:] for suffix in UPLOAD_SUFFIXES],
        help=text("data_types", lang),
        key=f"{KEY}:file",
    )
    if upload is not None:
        _check_and_add(upload.name, upload.getvalue(), lang)
    _session_layers(lang)
    render_versions(lang)
    render_signin_admin(lang)  # admins only: sessions and the sign-in log


# --- reading and reporting --------------------------------------------------------------------


def _check_and_add(name: str, data: bytes, lang: str) -> None:
    digest = hashlib.sha256(data).hexdigest()
    known = st.session_state.get(f"{KEY}:layers:{digest}", ())
    choices = _reading_choices(known, digest, lang)
    outcome = read_upload_once(name, data, digest, choices, lang)
    if outcome is None:
        st.warning(text("data_cancelled", lang, name=plain_markdown(name)))
        st.button(
            text("data_read_again", lang), key=f"{KEY}:again:{digest}", on_click=forget_cancel
        )
        return
    if isinstance(outcome, DataError):
        _refused(outcome, lang)
        return
    if len(outcome.layers) > 1 and not known:  # offer the layers found, first one shown
        st.session_state[f"{KEY}:layers:{digest}"] = outcome.layers
        st.rerun()
    _report(outcome.report, lang)
    _preview(outcome.frame, outcome.report, lang)
    if _use(digest, lang) == "publish":
        render_publish(outcome.frame, outcome.report, digest, lang)
    else:
        _add_form(outcome.frame, outcome.report, lang)


def _use(digest: str, lang: str) -> str:
    """Add the file to this session's maps, or (for those who may) publish it to a layer."""
    editor = current_editor()
    if editor is None or not editor.can_publish:
        return "add"
    return st.radio(
        text("data_use", lang),
        options=["add", "publish"],
        format_func=lambda use: text(f"data_use_{use}", lang),
        horizontal=True,
        key=f"{KEY}:use:{digest}",
    )


def _reading_choices(layers: tuple[str, ...], digest: str, lang: str) -> ReadingChoices:
    layer = None
    if len(layers) > 1:  # a column for the layer only when there is a choice
        columns = st.columns([2, 3, 2, 2])
        layer = columns.pop(0).selectbox(
            text("data_layer", lang), options=list(layers), key=f"{KEY}:layer:{digest}"
        )
    else:
        columns = st.columns([3, 2, 2])
    crs = columns[0].selectbox(
        text("data_crs", lang),
        options=list(CRS_CHOICES),
        format_func=lambda code: CRS_CHOICES[code] or text("data_crs_auto", lang),
        key=f"{KEY}:crs:{digest}",
    )
    datum = columns[1].selectbox(
        text("data_datum", lang),
        options=list(DATUMS),
        format_func=lambda key: text(f"cov_datum_{key}", lang),
        key=f"{KEY}:datum:{digest}",
    )
    swap = columns[2].checkbox(text("data_swap", lang), key=f"{KEY}:swap:{digest}")
    return ReadingChoices(layer, crs or None, datum, swap)


def _refused(error: DataError, lang: str) -> None:
    st.error(plain_markdown(f"{text('data_refused', lang)}。{explain(error, lang)}"))
    if isinstance(error, SwappedAxes):
        st.info(text("data_swap", lang))


# geo's names of formats and geometry types, in Chinese (shown as geo wrote them in English).
_FORMAT_ZH = {"zipped Shapefile": "Shapefile（ZIP 压缩）"}
_GEOMETRY_ZH = {
    "Point": "点",
    "MultiPoint": "多点",
    "LineString": "线",
    "MultiLineString": "多线",
    "Polygon": "面",
    "MultiPolygon": "多面",
    "GeometryCollection": "几何集合",
    "(empty)": "空几何",
    "(none)": "无几何",
}


def _shown(name: str, chinese: dict[str, str], lang: str) -> str:
    """geo's English name of a format or geometry type, in `lang`."""
    if lang == "en":
        return name
    if name.startswith("zip (") and name.endswith(")"):  # an archive holding one data file
        return f"ZIP（{name[5:-1]}）"
    return chinese.get(name, name)


# geo.geometry's note on a repaired feature, and GEOS's reasons a geometry is invalid.
_REPAIR_NOTE = re.compile(
    r"row (?P<row>.+?): invalid (?P<kind>\w+) \((?P<reason>.*)\) repaired as (?P<fixed>\w+)"
    r"(?:, dropping collapsed part\(s\): (?P<dropped>[^;]+))?(?P<empty>; nothing of it .*)?$"
)
_INVALID_ZH = {
    "Self-intersection": "自相交",
    "Ring Self-intersection": "环自相交",
    "Too few points in geometry component": "点数太少",
    "Too few distinct points in geometry component": "不同的点太少",
    "Hole lies outside shell": "洞在外环之外",
    "Holes are nested": "洞相互嵌套",
    "Nested holes": "洞相互嵌套",
    "Interior is disconnected": "内部不连通",
    "Nested shells": "外环相互嵌套",
    "Duplicate Rings": "环重复",
    "Invalid Coordinate": "坐标无效",
    "Ring is not closed": "环未闭合",
    "Repeated Point": "重复点",
}


def _repair_note(note: str, lang: str) -> str:
    """geo's note on one repaired feature, in `lang` (place and coordinates kept)."""
    match = _REPAIR_NOTE.match(note)
    if lang == "en" or match is None:
        return note
    reason, _, where = match["reason"].partition("[")
    reason = _INVALID_ZH.get(reason, reason) + (f"，位置 {where.rstrip(']')}" if where else "")
    kind, fixed = (_shown(match[k], _GEOMETRY_ZH, lang) for k in ("kind", "fixed"))
    line = f"要素 {match['row']}：无效的{kind}（{reason}），已修复为{fixed}"
    if match["dropped"]:
        parts = match["dropped"].split(", ")
        line += "，去掉退化的部分：" + "、".join(_shown(p, _GEOMETRY_ZH, lang) for p in parts)
    return line + ("；修复后什么也不剩，几何现为空" if match["empty"] else "")


def _report(report: UploadReport, lang: str) -> None:
    st.subheader(text("data_report", lang))
    types = "、".join(
        f"{_shown(kind, _GEOMETRY_ZH, lang)} × {count}"
        for kind, count in report.geometry_types.items()
    )
    rows = [
        (text("data_format", lang), _shown(report.format, _FORMAT_ZH, lang)),
        (text("data_layers", lang), "、".join(report.layers) or "—"),
        (text("data_features", lang), f"{report.feature_count:,}"),
        (text("data_geometry", lang), types),
        (text("data_crs_found", lang), f"{report.crs} — {explain_reason(report.crs_reason, lang)}"),
        (text("data_datum", lang), text(f"cov_datum_{report.datum}", lang)),
        (
            text("data_encoding", lang),
            f"{report.encoding or '—'} — {explain_reason(report.encoding_reason, lang)}",
        ),
        (text("data_repaired", lang), str(len(report.repaired))),
        (text("data_empty", lang), str(report.empty_features)),
        (text("data_duplicates", lang), str(report.duplicate_features)),
        (text("data_outside", lang), str(report.outside_district)),
    ]
    item, value = text("col_item", lang), text("col_value", lang)
    rows = [(name, plain_markdown(shown)) for name, shown in rows]  # file text is text only
    st.table(pd.DataFrame(rows, columns=[item, value]).set_index(item))
    if report.notices:
        lines = "\n".join(f"- {plain_markdown(explain_notice(n, lang))}" for n in report.notices)
        st.warning(f"**{text('data_notices', lang)}**\n\n{lines}")
    if report.repaired:
        with st.expander(f"{text('data_repaired', lang)}（{len(report.repaired)}）"):
            st.text("\n".join(_repair_note(note, lang) for note in report.repaired))
    fields = pd.DataFrame(
        report.fields, columns=[text("data_field_name", lang), text("data_field_type", lang)]
    )
    with st.expander(f"{text('data_fields', lang)}（{len(fields)}）"):
        st.dataframe(fields, hide_index=True, width="stretch")
    if report.crs_guessed:
        st.warning(text("data_guessed", lang, crs=report.crs))
    if report.outside_district:
        st.warning(text("data_outside_warning", lang, count=report.outside_district))


def _preview(frame: gpd.GeoDataFrame, report: UploadReport, lang: str) -> None:
    st.markdown(f"**{text('data_preview', lang)}**")
    layers = uploaded_layers(
        frame, title=report.file_name, source_name=report.file_name, color=DEFAULT_COLOR
    )
    if len(layers) > 1:
        st.info(text("data_mixed", lang, count=len(layers)))
    total = sum(len(layer.frame) for layer in layers)
    if any(len(layer.frame) > PREVIEW_FEATURES for layer in layers):
        st.caption(
            text("data_preview_sample", lang, shown=f"{PREVIEW_FEATURES:,}", total=f"{total:,}")
        )
    rendered = _preview_map(layers, lang)
    if rendered is not None:
        show_map(rendered, key=f"{KEY}:preview", height=PREVIEW_HEIGHT_PX, returned_objects=[])


def _preview_map(layers: list[UploadedLayer], lang: str):
    if not layers:
        return None
    district = load_layer("district")
    bounds = pd.DataFrame([district.total_bounds, *(layer.frame.total_bounds for layer in layers)])
    fmap = base_map((bounds[0].min(), bounds[1].min(), bounds[2].max(), bounds[3].max()))
    outline_group(district, get_layer("district").title(lang), "#000000").add_to(fmap)
    for layer in layers:
        step = -(-len(layer.frame) // PREVIEW_FEATURES)  # ceiling: at most PREVIEW_FEATURES
        layer_group(layer.spec, layer.frame.iloc[::step], lang).add_to(fmap)
    folium.LayerControl(collapsed=True).add_to(fmap)
    return render_map(fmap)


def _add_form(frame: gpd.GeoDataFrame, report: UploadReport, lang: str) -> None:
    columns = [c for c in frame.columns if c != frame.geometry.name]
    with st.form(f"{KEY}:add"):
        left, middle = st.columns([3, 1])
        title = left.text_input(text("data_name", lang), value=Path(report.file_name).stem)
        color = middle.color_picker(text("data_color", lang), value=DEFAULT_COLOR)
        tooltip = st.multiselect(
            text("data_tooltip", lang), options=columns, default=columns[: min(3, len(columns))]
        )
        if not st.form_submit_button(text("data_add", lang), type="primary"):
            return
    layers = uploaded_layers(
        frame,
        title=title.strip() or report.file_name,
        source_name=report.file_name,
        color=color,
        tooltip=tooltip,
    )
    add_upload(SessionUpload(title.strip() or report.file_name, report.file_name, tuple(layers)))
    count = sum(len(layer.frame) for layer in layers)
    st.success(text("data_added", lang, name=plain_markdown(title), count=f"{count:,}"))


# --- the session's layers ----------------------------------------------------------------------


def _session_layers(lang: str) -> None:
    st.subheader(text("data_session", lang))
    uploads = session_uploads()
    if not uploads:
        st.caption(text("data_none", lang))
        return
    for index, upload in enumerate(uploads):
        with st.container(border=True):
            head, remove = st.columns([5, 1])
            count = sum(len(layer.frame) for layer in upload.layers)
            head.markdown(
                f"**{plain_markdown(upload.title)}** · {plain_markdown(upload.source_name)} · {count:,}"
            )
            if remove.button(text("data_remove", lang), key=f"{KEY}:remove:{upload.keys[0]}"):
                remove_upload(index)
                st.rerun()
            # A big upload's tiles start building now; their progress shows here and beside
            # every map until they are ready.
            big = {layer.spec.key: layer.frame for layer in upload.layers}
            show_tile_progress(tiled_layers(big, current_basemap()[0].datum), lang)
            for layer in upload.layers:
                _downloads(layer, lang)


def _downloads(layer: UploadedLayer, lang: str) -> None:
    crs = st.radio(
        text("data_download_crs", lang),
        options=[DISPLAY_CRS, METRIC_CRS],
        format_func=lambda code: text("data_wgs84" if code == DISPLAY_CRS else "data_gk", lang),
        horizontal=True,
        key=f"{KEY}:crs:{layer.spec.key}",
    )
    data = original_columns(layer)
    formats = [f for f in FEATURE_FORMATS if crs == DISPLAY_CRS or f in ("gpkg", "shp")]
    problem = shapefile_problem(data)
    if problem:
        formats.remove("shp")
        st.caption(plain_markdown(f"Shapefile: {problem}"))  # quotes the file's column names
    title = layer.spec.title(lang)
    for column, fmt in zip(st.columns(len(FEATURE_FORMATS)), formats, strict=False):
        export = FEATURE_FORMATS[fmt]
        column.download_button(
            label=plain_markdown(
                f"{title} · {export.label_en if lang == 'en' else export.label_zh}"
            ),
            data=lambda fmt=fmt: export_features(data, fmt, layer_name=title, crs=crs),
            file_name=export_filename(title, fmt),
            mime=export.mime,
            key=f"{KEY}:download:{layer.spec.key}:{fmt}:{crs}",
            on_click="ignore",
        )


if __name__ == "__main__":  # run as a Streamlit page, not when imported by tests
    render_data_page()
