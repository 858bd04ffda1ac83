"""出图: the printed map page holds its title, legend, scale, date and notes in both languages,
on the paper asked for, draws every feature the page shows in the printed extent (counted in
the PDF's content stream), rasterises to a 300 dpi PNG, and survives hostile text."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io

import geopandas as gpd
import pytest
import shapely
from PIL import Image
from pypdf import PdfReader

from geo.crs import METRIC_CRS
from layers import forget_session_layer, get_layer, load_layer, register_session_layer
from layers.spec import Category, Style
from layers.uploaded import uploaded_layers
from share.print_map import (
    Outline,
    PrintRequest,
    print_map,
    printed_extent,
    printed_features,
)
from tests.share.pdf_drawing import drawn_per_layer, paths_painted

DAY = dt.date(2026, 11, 30)
LAYERS = ("orchards", "industry_projects", "enclave_projects", "night_lines", "employers")
MM = 72 / 25.4


def _request(**changes) -> PrintRequest:
    request = PrintRequest(
        title="双塔区项目分布图",
        layers=LAYERS,
        frames={key: load_layer(key) for key in LAYERS},
        bounds=None,
        data_date=DAY,
    )
    return dataclasses.replace(request, **changes)


def _text(document: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(document)).pages)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_page_holds_title_legend_scale_date_and_source(lang: str) -> None:
    text = _text(print_map(_request(lang=lang, title="")))
    en = lang == "en"
    assert ("Shuangta Project Atlas" if en else "双塔区项目地图") in text
    for key in LAYERS:
        spec = get_layer(key)
        assert spec.title(lang) in text, spec.title(lang)
        for category in spec.style.categories:
            assert category.label(lang) in text, category.label(lang)
    context = ("District boundary", "Township boundary", "Daling River")
    for entry in context if en else ("区界", "乡镇街道界", "大凌河"):
        assert entry in text, entry
    assert ("Legend" if en else "图例") in text
    assert ("km" if en else "千米") in text
    assert "1:" in text and ("scale 1:" if en else "比例尺 1:") in text
    assert (f"Data date {DAY.isoformat()}" if en else f"数据日期 {DAY.isoformat()}") in text
    assert ("Source:" if en else "数据来源") in text
    assert ("Taohuatu Town" if en else "桃花吐镇") in text  # township names on the map


def test_a_given_title_and_source_note_are_printed() -> None:
    text = _text(print_map(_request(source_note="数据来源：区农业农村局 2026 年台账")))
    assert "双塔区项目分布图" in text
    assert "数据来源：区农业农村局 2026 年台账" in text


@pytest.mark.parametrize("paper", ["A4", "A3"])
@pytest.mark.parametrize("orientation", ["portrait", "landscape"])
def test_paper_sizes_are_exact(paper: str, orientation: str) -> None:
    reader = PdfReader(io.BytesIO(print_map(_request(paper=paper, orientation=orientation))))
    short, long = {"A4": (210, 297), "A3": (297, 420)}[paper]
    width, height = (long, short) if orientation == "landscape" else (short, long)
    box = reader.pages[0].mediabox
    assert float(box.width) == pytest.approx(width * MM, abs=0.01)
    assert float(box.height) == pytest.approx(height * MM, abs=0.01)


def test_the_print_draws_the_pages_filtered_features_in_the_extent() -> None:
    pytest.importorskip("streamlit")
    from ui.page_spec import ALL, filtered_frames
    from views.enclave import PAGE

    frames = filtered_frames(PAGE, ALL, ("签约", "落地开工"))
    bounds = (120.40, 41.53, 120.47, 41.57)  # part of the city: some sites fall outside
    request = PrintRequest(
        title="飞地招商", layers=PAGE.layers, frames=frames, bounds=bounds, data_date=DAY
    )
    extent = printed_extent(request)
    view = shapely.box(*extent)
    # The printed extent holds everything asked for.
    asked = gpd.GeoSeries([shapely.box(*bounds)], crs=4326).to_crs(METRIC_CRS).iloc[0]
    assert view.buffer(1).contains(asked)
    expected = {
        key: int(frame.to_crs(METRIC_CRS).intersects(view).sum()) for key, frame in frames.items()
    }
    assert 0 < expected["enclave_projects"] < len(frames["enclave_projects"])
    assert len(frames["enclave_projects"]) < len(load_layer("enclave_projects"))  # filtered
    assert printed_features(request) == expected
    assert drawn_per_layer(print_map(request)) == expected


def test_every_layer_on_the_overview_is_drawn_feature_by_feature_as_vectors() -> None:
    request = _request()
    document = print_map(request)
    assert drawn_per_layer(document) == printed_features(request)
    assert b"/Subtype /Image" not in document  # paths, not a picture of the map
    assert printed_features(request)["industry_projects"] == len(load_layer("industry_projects"))


@pytest.mark.parametrize(
    ("paper", "orientation", "size"),
    [("A4", "landscape", (3508, 2480)), ("A3", "landscape", (4961, 3508))],
)
def test_the_png_is_the_pdf_at_300_dpi_and_not_blank(
    paper: str, orientation: str, size: tuple[int, int]
) -> None:
    png = print_map(_request(paper=paper, orientation=orientation), "png")
    image = Image.open(io.BytesIO(png))
    assert image.size == size
    assert image.info["dpi"] == pytest.approx((300, 300), abs=0.01)
    small = image.convert("RGB").resize((size[0] // 8, size[1] // 8))
    colours = small.getcolors(maxcolors=1_000_000)
    non_white = sum(count for count, colour in colours if colour != (255, 255, 255))
    assert non_white > 0.3 * small.size[0] * small.size[1]
    assert len(colours) > 50


HOSTILE = '<script>alert(1)</script>=HYPERLINK("http://x")' + "长" * 5000


def test_hostile_titles_and_labels_print_as_plain_truncated_text() -> None:
    frame = gpd.GeoDataFrame(
        {"类别": ["=1+1", "<b>x</b>"]},
        geometry=[shapely.Point(120.45, 41.55), shapely.Point(120.46, 41.56)],
        crs=4326,
    )
    (layer,) = uploaded_layers(frame, title=HOSTILE, source_name="x.csv", color="#ff00ff")
    style = Style(
        color="#ff00ff",
        by_field="f00",
        categories=(Category("=1+1", "=SUM(A1)", "#00ff00"), Category(HOSTILE, HOSTILE, "#0000ff")),
    )
    spec = dataclasses.replace(layer.spec, style=style)
    register_session_layer(spec, layer.frame)
    try:
        request = _request(
            title=HOSTILE + "\x00\u202e\ud800",
            layers=(*LAYERS, spec.key, "upload_gone_polygon"),
            frames={**_request().frames, spec.key: layer.frame},
            source_note=HOSTILE,
        )
        document = print_map(request)
    finally:
        forget_session_layer(spec.key)
    text = _text(document)
    assert "<script>alert(1)</script>" in text and "=1+1" in text  # shown as text
    assert "…" in text and len(text) < 6000  # cut, not 5,000 characters four times over
    # Nothing runs or links: no script, no launch, no link (fpdf2's /OpenAction only sets the zoom).
    assert not any(name in document for name in (b"/JavaScript", b"/JS", b"/Launch", b"/URI"))
    assert drawn_per_layer(document)[spec.key] == 2


@pytest.mark.parametrize(
    "bounds",
    [None, (120.45, 41.55, 120.45, 41.55), (float("nan"), 0, 1, 1), (0.0, 0.0, 1.0, 1.0)],
)
def test_empty_layers_and_odd_extents_still_print(bounds) -> None:
    empty = load_layer("orchards").iloc[0:0]
    request = _request(layers=("orchards",), frames={"orchards": empty}, bounds=bounds)
    document = print_map(request)
    assert printed_features(request) == {"orchards": 0}
    assert drawn_per_layer(document) == {"orchards": 0}
    assert f"数据日期 {DAY.isoformat()}" in _text(document)


def test_a_study_area_is_outlined_and_named_in_the_legend() -> None:
    area = shapely.box(120.43, 41.54, 120.46, 41.56)
    text = _text(print_map(_request(highlight=area, bounds=area.bounds, lang="en")))
    assert "Study area" in text


def test_two_sessions_rasterising_at_once_both_get_their_png() -> None:
    from concurrent.futures import ThreadPoolExecutor

    requests = [_request(lang="zh"), _request(lang="en", orientation="portrait")]
    with ThreadPoolExecutor(max_workers=2) as pool:
        images = [
            Image.open(io.BytesIO(png)) for png in pool.map(lambda r: print_map(r, "png"), requests)
        ]
    assert [image.size for image in images] == [(3508, 2480), (2480, 3508)]


def test_the_enclave_pages_sized_circles_and_the_renovation_pages_outlines_print() -> None:
    sites = load_layer("enclave_projects")
    communities = load_layer("closed_communities")
    outline = Outline("closed_communities", "demo", "是", "示范小区 Demonstration", "#08306b")
    request = _request(
        layers=("enclave_projects", "closed_communities"),
        frames={"enclave_projects": sites, "closed_communities": communities},
        bounds=(120.40, 41.53, 120.47, 41.57),
        sized_by=("enclave_projects", "invest_wan"),
        outlines=(outline,),
    )
    document = print_map(request)
    text = _text(document)
    assert "飞地项目 · 计划总投资 (万元)" in text and "示范小区 Demonstration" in text
    # The overlays are drawn beside the layers' features, not counted as them: one circle per
    # site with an investment and one outline per demonstration community in the extent.
    assert drawn_per_layer(document) == printed_features(request)
    view = shapely.box(*printed_extent(request))
    anchors = sites.to_crs(METRIC_CRS).representative_point()
    circles = (anchors.intersects(view) & (sites["invest_wan"] > 0)).sum()
    demos = communities[communities["demo"] == "是"].to_crs(METRIC_CRS).intersects(view).sum()
    plain = print_map(dataclasses.replace(request, sized_by=None, outlines=()))
    swatches = 2  # the two legend rows' symbols
    assert circles > 0 and demos > 0
    assert paths_painted(document) - paths_painted(plain) == circles + demos + swatches
