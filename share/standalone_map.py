"""One self-contained HTML file mapping chosen enclave sites: opens offline, public fields only.

Leaflet and its stylesheet are written into the file, there are no tiles, and the sites travel
through the same layer builders as the app's maps, so only the layer spec's public fields
(tooltip and table) are in it.  A row of the site table zooms to its site; a click on a site
marks its row.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from collections.abc import Sequence

import folium
import pandas as pd
from branca.element import Element, MacroElement, Template

from layers import get_layer, load_layer
from layers.formatting import format_figure
from layers.sites import SITE_LAYER, fact_label, site_facts, site_frame
from maps.assets import inline_assets, localise_assets
from maps.parts import base_map, layer_group, legend

__all__ = ["standalone_map_filename", "standalone_map_html"]

MAP_HEIGHT = "62vh"
_PAD_DEGREES = 0.01  # about 1 km around the chosen sites
_TABLE_COLUMNS = (
    "status",
    "industry",
    "town",
    "invest_wan",
    "land_mu",
    "land_ha",
    "jobs",
    "intensity",
    "centre_km",
    "airport_km",
)
_TITLE = {"zh": "双塔区飞地招商项目", "en": "Shuangta District enclave investment sites"}
_COUNT = {"zh": "{count} 个项目 · {day}", "en": "{count} sites · {day}"}
_HINT = {
    "zh": "点击表格中的一行可在地图上定位该项目；点击地图上的项目可在表格中找到它。",
    "en": "Click a row to zoom to its site; click a site on the map to find its row.",
}
_NAME = {"zh": "项目名称", "en": "Site"}


def standalone_map_html(uids: Sequence[str], lang: str, *, generated: dt.date | None = None) -> str:
    """The HTML page of the sites `uids` in `lang`: map, legend and a table of their figures."""
    if not uids:
        raise ValueError("no sites chosen for the map")
    spec = get_layer(SITE_LAYER)
    sites = site_frame(list(uids))
    minx, miny, maxx, maxy = sites.total_bounds
    fmap = base_map(
        (minx - _PAD_DEGREES, miny - _PAD_DEGREES, maxx + _PAD_DEGREES, maxy + _PAD_DEGREES)
    )
    for key in ("townships", "river", "landmarks"):
        layer_group(get_layer(key), load_layer(key), lang).add_to(fmap)
    layer_group(spec, sites, lang).add_to(fmap)
    district = get_layer("district")
    layer_group(district, load_layer("district"), lang, interactive=False).add_to(fmap)
    folium.LayerControl(collapsed=False).add_to(fmap)
    legend([get_layer("townships"), get_layer("landmarks"), spec], lang).add_to(fmap)
    root = fmap.get_root()
    root.title = _TITLE[lang]
    root.header.add_child(Element(_PAGE_STYLE.replace("MAP_HEIGHT", MAP_HEIGHT)), name="page")
    day = (generated or dt.date.today()).isoformat()
    root.html.add_child(Element(_heading(lang, len(sites), day)), index=0)
    root.html.add_child(Element(_site_table(site_facts(sites), lang)))
    _SiteLinks(spec.key).add_to(fmap)
    return inline_assets(localise_assets(fmap).get_root().render())


def standalone_map_filename(count: int, *, day: dt.date | None = None) -> str:
    """File name such as 飞地项目地图_3个_2026-11-25.html."""
    return f"飞地项目地图_{count}个_{(day or dt.date.today()).isoformat()}.html"


def _heading(lang: str, count: int, day: str) -> str:
    return (
        f"<header><h1>{html.escape(_TITLE[lang])}</h1>"
        f"<p>{html.escape(_COUNT[lang].format(count=count, day=day))} · "
        f"{html.escape(_HINT[lang])}</p></header>"
    )


def _site_table(facts: pd.DataFrame, lang: str) -> str:
    heads = [_NAME[lang]]
    for column in _TABLE_COLUMNS:
        label, unit = fact_label(column, lang)
        heads.append(f"{label} ({unit})" if unit else label)
    head = "".join(f"<th>{html.escape(h)}</th>" for h in heads)
    rows = []
    for row in facts.itertuples():
        cells = [_name_cell(row, lang), *(_cell(row, column, lang) for column in _TABLE_COLUMNS)]
        rows.append(
            f'<tr data-site="{html.escape(row.uid)}">'
            + "".join(f"<td>{html.escape(cell)}</td>" for cell in cells)
            + "</tr>"
        )
    spec = get_layer(SITE_LAYER)
    note = spec.description_en if lang == "en" else spec.description_zh
    return (
        f"<main><table class='sites'><thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table><p class='note'>{html.escape(note)}</p></main>"
    )


def _name_cell(row, lang: str) -> str:
    return row.name_en if lang == "en" else row.name


def _cell(row, column: str, lang: str) -> str:
    value = getattr(row, column)
    if column in ("status", "industry", "town"):
        return getattr(row, f"{column}_en") if lang == "en" else value
    if pd.isna(value):
        return ""
    if column.endswith("_km"):
        return f"{value:.1f}"
    return format_figure(value)


_PAGE_STYLE = """
<style>
html, body { height: auto; margin: 0; font-family: "Noto Sans CJK SC", "Microsoft YaHei",
  "PingFang SC", sans-serif; color: #222; }
body { display: flex; flex-direction: column; }
header { order: 0; padding: 10px 16px 6px; }
header h1 { font-size: 22px; margin: 0 0 4px; }
header p { margin: 0; color: #555; font-size: 13px; }
.folium-map { order: 1; height: MAP_HEIGHT !important; flex: none; }
main { order: 2; padding: 8px 16px 24px; }
table.sites { border-collapse: collapse; width: 100%; font-size: 13px; }
table.sites th { background: #f0f2f5; text-align: left; padding: 5px 8px; position: sticky; top: 0; }
table.sites td { border-top: 1px solid #e3e3e3; padding: 5px 8px; }
table.sites tbody tr { cursor: pointer; }
table.sites tbody tr:hover { background: #f6f9ff; }
table.sites tr.active { background: #e1f5fe; }
.note { color: #777; font-size: 12px; }
</style>
"""


class _SiteLinks(MacroElement):
    """Row click → zoom to the site; site click → mark and show its row."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function() {
    var map = {{ this._parent.get_name() }};
    var layerKey = {{ this.layer_json }};
    function sitesById() {
        var found = {};
        map.eachLayer(function(layer) {
            var p = layer.feature && layer.feature.properties;
            if (p && p._layer === layerKey) { found[p._id] = layer; }
        });
        return found;
    }
    function mark(id) {
        document.querySelectorAll("tr[data-site]").forEach(function(row) {
            row.classList.toggle("active", row.dataset.site === id);
        });
    }
    document.querySelectorAll("tr[data-site]").forEach(function(row) {
        row.addEventListener("click", function() {
            var site = sitesById()[row.dataset.site];
            if (!site) { return; }
            var bounds = site.getBounds ? site.getBounds() : L.latLngBounds([site.getLatLng()]);
            map.fitBounds(bounds, {maxZoom: 15, padding: [40, 40]});
            mark(row.dataset.site);
            site.openTooltip && site.openTooltip();
        });
    });
    Object.values(sitesById()).forEach(function(site) {
        site.on("click", function() {
            var id = site.feature.properties._id;
            mark(id);
            var row = document.querySelector('tr[data-site="' + CSS.escape(id) + '"]');
            if (row) { row.scrollIntoView({block: "nearest"}); }
        });
    });
})();
{% endmacro %}
"""
    )

    def __init__(self, layer_key: str) -> None:
        super().__init__()
        self._name = "SiteLinks"
        self.layer_json = json.dumps(layer_key)
