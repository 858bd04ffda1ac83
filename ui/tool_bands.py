"""The distance-bands tool: how far each target is from its nearest service, by band, on a
map and per township, computed in the metric CRS."""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from geo.export import TABLE_FORMATS, export_filename, export_table
from geo.stats import assign_zones
from layers import data_version, get_layer, load_layer
from maps.band_map import band_map
from planning.bands import DEFAULT_EDGES_KM, band_labels, bands_by_township, distance_bands
from ui.folium_view import RenderedMap, render_map, show_map
from ui.i18n import text
from ui.page_spec import MapPage, state_key
from ui.view_date import dated

__all__ = ["SERVICE_LAYERS", "TARGET_LAYERS", "parse_edges", "render_bands_tool"]

TARGET_LAYERS = ("villages", "households", "closed_communities")
SERVICE_LAYERS = (
    "township_seats",
    "industry_projects",
    "park_sites",
    "industrial_park",
    "workshops",
    "employers",
    "aixin_base",
    "enclave_projects",
)
_SEATS = ("landmarks", "kind", "乡镇驻地")  # the township seats among the landmarks
MAX_BANDS = 6
BAND_MAP_HEIGHT_PX = 480


def parse_edges(typed: str) -> tuple[float, ...]:
    """Band edges in km from text like "1, 3, 5" (also "1 3 5", "1，3，5"); ValueError if they
    are not 1 to 5 positive, finite, increasing numbers."""
    parts = [part for part in re.split(r"[\s,，、;；]+", typed.strip()) if part]
    try:
        edges = tuple(float(part) for part in parts)
    except ValueError:
        raise ValueError("not numbers") from None
    if not 1 <= len(edges) < MAX_BANDS or not all(0 < edge <= 100 for edge in edges):
        raise ValueError("out of range")
    band_labels(edges, "en")  # planning.bands' own check: finite, strictly increasing
    return edges


def render_bands_tool(page: MapPage, lang: str, view) -> None:
    """Choose targets, services and band edges; the map and the township table follow."""
    st.caption(text("bands_intro", lang))
    with st.form(state_key(page, "bands:form"), border=False):
        columns = st.columns([2, 2, 2])
        target = columns[0].selectbox(
            text("bands_targets", lang),
            TARGET_LAYERS,
            format_func=lambda key: get_layer(key).title(lang),
            key=state_key(page, f"bands:targets:{lang}"),
        )
        service = columns[1].selectbox(
            text("bands_services", lang),
            SERVICE_LAYERS,
            format_func=lambda key: _service_title(key, lang),
            key=state_key(page, f"bands:services:{lang}"),
        )
        typed = columns[2].text_input(
            text("bands_edges", lang),
            value=", ".join(f"{edge:g}" for edge in DEFAULT_EDGES_KM),
            max_chars=40,
            key=state_key(page, "bands:edges"),
        )
        go = st.form_submit_button(text("bands_go", lang))
    if go:
        try:
            st.session_state[state_key(page, "bands:chosen")] = (
                target,
                service,
                parse_edges(typed),
            )
        except ValueError:
            st.warning(text("bands_bad_edges", lang, typed=typed[:40]))
            return
    chosen = st.session_state.get(state_key(page, "bands:chosen"))
    if chosen:
        _result(page, lang, *chosen)


def _result(page: MapPage, lang: str, target: str, service: str, edges: tuple) -> None:
    table, per_target = _bands(target, service, edges, lang, data_version())
    labels = band_labels(edges, lang)
    st.markdown(
        text(
            "bands_heading",
            lang,
            targets=get_layer(target).title(lang),
            services=_service_title(service, lang),
        )
    )
    rendered = _band_map(target, service, edges, lang, data_version())
    show_map(
        rendered,
        key=state_key(page, "bands:map"),
        height=BAND_MAP_HEIGHT_PX,
        returned_objects=[],
    )
    st.caption(text("bands_rule", lang, first=labels[0]))
    st.dataframe(table, hide_index=True, width="stretch")
    base = dated(
        text(
            "bands_file",
            lang,
            targets=get_layer(target).title(lang),
            services=_service_title(service, lang),
        )
    )
    columns = st.columns(2 * len(TABLE_FORMATS))
    downloads = [("township", table), ("targets", per_target)]
    for index, ((name, frame), (fmt, spec)) in enumerate(
        (pair, format_) for pair in downloads for format_ in TABLE_FORMATS.items()
    ):
        label = spec.label_en if lang == "en" else spec.label_zh
        columns[index].download_button(
            text(f"bands_download_{name}", lang, fmt=label),
            data=lambda frame=frame, fmt=fmt: export_table(frame, fmt),
            file_name=export_filename(
                f"{base}-{text(f'bands_part_{name}', lang)}", fmt, table=True
            ),
            mime=spec.mime,
            key=state_key(page, f"bands:{name}:{fmt}"),
            on_click="ignore",
        )


@st.cache_data(show_spinner=False, max_entries=16)
def _bands(
    target: str, service: str, edges: tuple, lang: str, version: tuple
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The per-township table and the per-target table (name, township, band, km)."""
    targets = load_layer(target)
    bands = distance_bands(targets, _services(service), edges)
    townships = load_layer("townships")
    codes = assign_zones(targets, townships, zone_key="code")
    spec = get_layer(target)
    names = dict(
        zip(townships["code"], townships["name_en" if lang == "en" else "name"], strict=True)
    )
    services = _services(service)
    service_spec = get_layer(_SEATS[0] if service == "township_seats" else service)
    service_names = services[service_spec.name_field]
    per_target = pd.DataFrame(
        {
            spec.field(spec.name_field).label(lang): targets[spec.name_field],
            text("bands_col_township", lang): codes.map(names),
            text("bands_col_service", lang): service_names.reindex(bands["service"]).to_numpy(),
            text("bands_col_km", lang): bands["km"].round(3),
            text("bands_col_band", lang): bands["band_en" if lang == "en" else "band_zh"],
        }
    )
    return bands_by_township(bands, codes, lang), per_target


@st.cache_resource(show_spinner=False, max_entries=16)
def _band_map(target: str, service: str, edges: tuple, lang: str, version: tuple) -> RenderedMap:
    targets = load_layer(target)
    bands = distance_bands(targets, _services(service), edges)
    shown = targets.assign(
        band_label=bands["band_en" if lang == "en" else "band_zh"], km=bands["km"].round(2)
    )
    layer = _SEATS[0] if service == "township_seats" else service
    fmap = band_map(shown, target, _services(service), layer, band_labels(edges, lang), lang)
    return render_map(fmap)


def _services(service: str):
    if service == "township_seats":
        layer, field, value = _SEATS
        frame = load_layer(layer)
        return frame[frame[field] == value]
    return load_layer(service)


def _service_title(key: str, lang: str) -> str:
    return text("bands_seats", lang) if key == "township_seats" else get_layer(key).title(lang)
