"""The planner's tools on a map page (AppTest): a drawn or chosen study area's roll-up in the
panel, a drawn line measured, hostile drawings refused, distance bands per township."""

from __future__ import annotations

import html
import io
import json
import math
import re

import geopandas as gpd
import pytest
from panel import panel_html, panel_title  # tests/app/panel.py
from pypdf import PdfReader
from shapely.geometry import box, mapping, shape
from streamlit.testing.v1 import AppTest

from geo.crs import METRIC_CRS, SQUARE_METRES_PER_MU, to_metric
from layers import load_layer
from layers.figures import township_rollup
from planning.conformity import check_site, layer_verdicts
from ui.panel import Selection

TIMEOUT_S = 90


def overview() -> AppTest:
    at = AppTest.from_file("../../app.py", default_timeout=TIMEOUT_S)
    at.run()
    at.switch_page("views/overview.py").run()
    return at


def draw(at: AppTest, feature: dict, page: str = "overview") -> None:
    """What the map sends when a shape is drawn (streamlit-folium's value)."""
    at.session_state[f"{page}:map"] = {
        "all_drawings": [feature],
        "last_active_drawing": feature,
        "last_object_clicked": None,
    }
    at.run()


def rows(at: AppTest) -> dict[tuple[str, str], str]:
    """(layer, item) → value as the panel's table shows them."""
    body = panel_html(at)
    found, layer = {}, None
    for row in re.findall(r"<tr>(.*?)</tr>", body, flags=re.S):
        group = re.search(r'<th scope="rowgroup"[^>]*>(.*?)</th>', row)
        if group:
            layer = html.unescape(group.group(1))
            continue
        cells = [html.unescape(c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)]
        if layer is not None and len(cells) == 3:
            found[(layer, cells[0])] = cells[1]
    return found


def number(value: str) -> float:
    return float(value.replace(",", ""))


def rectangle(minx: float, miny: float, maxx: float, maxy: float) -> dict:
    """A drawn rectangle as the browser sends it (JSON: lists, not tuples)."""
    geometry = json.loads(json.dumps(mapping(box(minx, miny, maxx, maxy))))
    return {"type": "Feature", "properties": {}, "geometry": geometry}


def test_a_drawn_rectangle_counts_what_lies_inside_as_shapely_does() -> None:
    at = overview()
    area = box(120.40, 41.50, 120.50, 41.58)
    draw(at, rectangle(*area.bounds))
    assert panel_title(at).startswith("圈选范围")
    shown = rows(at)
    households = load_layer("households")
    inside = int(households.within(area).sum())
    assert number(shown[("结对帮扶贫困户", "覆盖贫困户")]) == inside
    enclave = load_layer("enclave_projects")
    anchors = enclave.geometry.representative_point()
    counted = enclave[anchors.within(area)]
    assert number(shown[("飞地项目", "飞地项目")]) == len(counted)
    metric_area = to_metric(load_layer("district").clip(area)).area.sum() / SQUARE_METRES_PER_MU
    body = html.unescape(panel_html(at))
    mu = float(re.search(r"面积 ([\d,\.]+) 亩", body).group(1).replace(",", ""))
    # The edges are straight in the metric CRS there and in degrees here: a hair apart.
    assert mu == pytest.approx(metric_area, rel=1e-5)


def test_a_drawn_circle_is_measured_as_pi_r_squared() -> None:
    at = overview()
    radius = 1500.0
    feature = {
        "type": "Feature",
        "properties": {"radius": radius},
        "geometry": {"type": "Point", "coordinates": [120.45, 41.56]},
    }
    draw(at, feature)
    body = html.unescape(panel_html(at))
    mu = float(re.search(r"面积 ([\d,\.]+) 亩", body).group(1).replace(",", ""))
    assert mu * SQUARE_METRES_PER_MU == pytest.approx(math.pi * radius**2, rel=0.005)


def test_a_drawn_line_is_measured_in_the_metric_crs() -> None:
    at = overview()
    line = {"type": "LineString", "coordinates": [[120.42, 41.55], [120.48, 41.57]]}
    draw(at, {"type": "Feature", "properties": {}, "geometry": line})
    expected_km = gpd.GeoSeries([shape(line)], crs=4326).to_crs(METRIC_CRS).length.iloc[0] / 1000
    shown = " ".join(block.value for block in at.markdown)
    km = float(re.search(r"长 ([\d,\.]+) 千米", shown).group(1).replace(",", ""))
    assert km == pytest.approx(expected_km, abs=0.01)


@pytest.mark.parametrize(
    "geometry",
    [
        {
            "type": "Polygon",
            "coordinates": [[[121.5, 42.5], [121.6, 42.5], [121.6, 42.6], [121.5, 42.5]]],
        },
        {
            "type": "Polygon",
            "coordinates": [[["120.4", 41.5], [120.5, 41.5], [120.5, 41.6], ["120.4", 41.5]]],
        },
        {"type": "Polygon", "coordinates": "<script>alert(1)</script>"},
    ],
    ids=["outside-the-district", "strings", "markup"],
)
def test_a_hostile_or_misplaced_drawing_is_refused_in_words(geometry: dict) -> None:
    at = overview()
    draw(at, {"type": "Feature", "properties": {}, "geometry": geometry})
    assert not at.exception
    warnings = " ".join(w.value for w in at.warning)
    assert warnings.startswith("这个图形不能统计")
    assert "Traceback" not in warnings and "/work" not in warnings
    assert panel_html(at) == ""


def test_a_township_chosen_in_the_tools_gives_the_townships_own_roll_up() -> None:
    at = overview()
    at.segmented_control(key="overview:tools:zh").set_value("area").run()
    townships = load_layer("townships")
    code = townships[townships["name"] == "长宝营子乡"]["code"].iloc[0]
    at.selectbox(key="overview:area:township:zh").set_value(code)
    next(b for b in at.button if b.label == "统计此范围").click().run()
    shown = rows(at)
    expected = township_rollup(code, "zh")
    for record in expected.itertuples():
        assert number(shown[(record.layer, record.label)]) == pytest.approx(record.value, abs=0.01)


def test_households_within_2_km_of_the_park_as_shapely_counts_them() -> None:
    at = overview()
    park = load_layer("industrial_park")
    at.session_state["overview:selection"] = Selection("industrial_park", park["uid"].iloc[0])
    at.run()
    at.segmented_control(key="overview:tools:zh").set_value("area").run()
    at.radio(key="overview:area:source:zh").set_value("feature").run()
    at.number_input(key="overview:area:buffer:feature").set_value(2000)
    next(b for b in at.button if b.label == "统计此范围").click().run()
    zone = to_metric(park).buffer(2000).union_all()
    district = to_metric(load_layer("district")).union_all()
    households = to_metric(load_layer("households"))
    expected = int(households.within(zone.intersection(district)).sum())
    assert number(rows(at)[("结对帮扶贫困户", "覆盖贫困户")]) == expected
    assert "2,000" in panel_title(at) or "2000" in panel_title(at)


def test_distance_bands_cover_every_target_and_bad_edges_are_explained() -> None:
    at = overview()
    at.segmented_control(key="overview:tools:zh").set_value("bands").run()
    at.text_input(key="overview:bands:edges").set_value("5, 1")
    next(b for b in at.button if b.label == "计算距离分级").click().run()
    assert any("无法使用" in w.value for w in at.warning)
    at.text_input(key="overview:bands:edges").set_value("1，3，5")
    next(b for b in at.button if b.label == "计算距离分级").click().run()
    table = at.dataframe[-1].value
    assert table.iloc[-1]["乡镇街道"] == "全区"
    assert int(table.iloc[-1]["合计"]) == len(load_layer("villages"))
    assert int(table.iloc[:-1]["合计"].sum()) == len(load_layer("villages"))


def test_the_enclave_page_lists_every_sites_verdict_and_the_tool_checks_a_drawn_area() -> None:
    at = AppTest.from_file("../../app.py", default_timeout=TIMEOUT_S)
    at.run()
    at.switch_page("views/enclave.py").run()
    heading = next(s.value for s in at.subheader if s.value.startswith("三区三线审查"))
    verdicts = layer_verdicts("enclave_projects")
    failing = sum(not v.passed for v in verdicts)
    assert heading == f"三区三线审查：{len(verdicts)} 个项目，{failing} 个不符合"
    draw(at, rectangle(120.40, 41.50, 120.50, 41.58), page="enclave")
    at.segmented_control(key="enclave:tools:zh").set_value("conformity").run()
    next(b for b in at.button if b.label == "审查").click().run()
    expected = check_site(box(120.40, 41.50, 120.50, 41.58), "工业", "x")
    # The tool's table comes first; the site picked below the ranking has one too.
    shown = next(d.value for d in at.dataframe if "管控区" in d.value.columns)
    for overlap in expected.overlaps:
        row = shown[shown["管控区"] == overlap.title_zh].iloc[0]
        assert row["范围内面积（亩）"] == pytest.approx(overlap.area_mu, abs=0.5)


def test_the_print_tool_prints_the_layers_the_map_reports_switched_on() -> None:
    at = overview()
    at.session_state["overview:map"] = {
        "selected_layers": [{"name": "households", "url": "atlas-layer"}],
        "bounds": {
            "_southWest": {"lat": 41.50, "lng": 120.40},
            "_northEast": {"lat": 41.60, "lng": 120.50},
        },
    }
    at.run()
    at.segmented_control(key="overview:tools:zh").set_value("print").run()
    next(b for b in at.button if b.label == "生成地图").click().run()
    assert not at.exception
    made = at.session_state["overview:print:file"]
    data, fmt, _ = made
    assert fmt == "pdf" and data.startswith(b"%PDF")
    text_ = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert "结对帮扶贫困户" in text_ and "飞地项目" not in text_


def test_the_first_click_selects_though_the_map_sends_an_empty_drawing_list() -> None:
    """streamlit-folium sends all_drawings = [] with every click before anything is drawn: that
    is no drawing, and the click must select what it hit (it was once eaten)."""
    at = overview()
    townships = load_layer("townships")
    uid = str(townships["uid"].iloc[0])
    at.session_state["overview:map"] = {
        "all_drawings": [],
        "last_active_drawing": {"properties": {"_layer": "townships", "_id": uid}},
        "last_object_clicked": {"lat": 41.57, "lng": 120.45},
    }
    at.run()
    assert at.session_state["overview:selection"] == Selection("townships", uid)
    assert panel_title(at).endswith("各类项目汇总")
