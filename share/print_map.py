"""出图: the map page as shown, printed to a vector PDF (or a 300 dpi PNG of that same PDF),
and an atlas of the 13 townships with their roll-ups.

Everything a print draws besides its request is gathered first (`request_inputs`,
`share.township_pages.atlas_inputs`) and drawing reads nothing else, so the same drawing runs
here or in the limited worker (share.print_worker) that has no store.

The map is drawn in CGCS2000 Gauss-Krüger (EPSG:4549) at a round scale, so its scale bar and
fraction are true on paper printed at 100 %. No tiles: vector data only.
"""

from __future__ import annotations

import datetime as dt
import io
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import geopandas as gpd
import pypdfium2
import shapely
from fpdf import FPDF
from shapely.geometry.base import BaseGeometry

from documents.text import plain_text
from documents.vector_map import MapFrame, fit_frame
from geo.crs import DISPLAY_CRS, to_metric
from layers.spec import LayerSpec
from share.print_notes import MARGIN, footer, header
from share.print_overlays import Outline, draw_outlines, draw_sized
from share.print_page import (
    PAPERS,
    Context,
    PrintInputs,
    draw_inset,
    draw_legend,
    draw_map,
    load_context,
    metric_frame,
    new_print,
    print_inputs,
    spec_for,
    window_for,
)
from share.township_pages import AtlasInputs, atlas_document

__all__ = [
    "FORMATS",
    "PNG_DPI",
    "AtlasInputs",
    "Outline",
    "PrintInputs",
    "PrintRequest",
    "ProgressCallback",
    "pdf_to_png",
    "print_map",
    "printed_extent",
    "printed_features",
    "request_inputs",
    "township_atlas",
]

# progress(stage, fraction of the whole print done): stages "layers", "legend", "png", "pages"
ProgressCallback = Callable[[str, float], None]
FORMATS = ("pdf", "png")

PNG_DPI = 300
BEIJING = ZoneInfo("Asia/Shanghai")
# PDFium is not thread-safe (pypdfium2's documentation says so) and Streamlit serves sessions
# on threads: one rasterisation at a time.
_PDFIUM = threading.Lock()
_TITLE_LIMIT = 200


def _beijing_today() -> dt.date:
    return dt.datetime.now(BEIJING).date()


@dataclass(frozen=True)
class PrintRequest:
    """What the map page shows: its title, the layers switched on (bottom to top) with their
    filtered features (EPSG:4326), the extent, and the paper to print it on."""

    title: str
    layers: tuple[str, ...]
    frames: Mapping[str, gpd.GeoDataFrame]
    bounds: tuple[float, float, float, float] | None
    paper: str = "A4"
    orientation: str = "landscape"
    lang: str = "zh"
    data_date: dt.date = field(default_factory=_beijing_today)
    source_note: str = ""
    highlight: BaseGeometry | None = None
    sized_by: tuple[str, str] | None = None  # (layer, field): circles sized as on the page
    outlines: tuple[Outline, ...] = ()  # features outlined on top, as the page emphasises them


def print_map(
    request: PrintRequest,
    fmt: str = "pdf",
    *,
    inputs: PrintInputs | None = None,
    progress: ProgressCallback | None = None,
) -> bytes:
    """The page printed as a vector PDF (`fmt` "pdf") or a 300 dpi PNG of that PDF ("png").

    `inputs`: what `request_inputs(request)` gathers (read now when None); `progress(stage,
    fraction)` is called as layers are drawn and the page is finished."""
    if fmt not in FORMATS:
        raise ValueError(f"format '{fmt}' is not pdf or png")
    inputs = inputs or request_inputs(request)
    report = progress or (lambda stage, fraction: None)
    layers = _metric_layers(request)
    drawing = 0.8 if fmt == "pdf" else 0.6  # of the whole: rasterising takes about as long
    report("layers", 0.0)
    pdf = new_print(_title(request), request.paper, request.orientation)
    pdf.add_page()
    done = iter(range(1, len(layers) + 1))

    def layer_drawn(key: str) -> None:
        report("layers", drawing * (next(done) / len(layers)))

    _map_page(pdf, request, layers, inputs, on_layer=layer_drawn)
    report("legend", drawing)
    document = bytes(pdf.output())
    if fmt == "pdf":
        report("legend", 1.0)
        return document
    report("png", drawing + 0.05)
    image = pdf_to_png(document)
    report("png", 1.0)
    return image


def request_inputs(request: PrintRequest) -> PrintInputs:
    """What printing `request` reads besides the request: the context and the layers' specs."""
    keys = (*request.layers, *(request.sized_by or ())[:1], *(o.layer for o in request.outlines))
    return print_inputs(keys)


def printed_features(request: PrintRequest) -> dict[str, int]:
    """Features of each layer the print draws: those intersecting the printed extent."""
    view = shapely.box(*printed_extent(request))
    return {key: int(features.intersects(view).sum()) for key, features in _metric_layers(request)}


def printed_extent(request: PrintRequest) -> tuple[float, float, float, float]:
    """The extent the map frame shows, in EPSG:4549 metres: the request's bounds (or its
    features' extent) widened to the frame's shape and a round scale."""
    layers = _metric_layers(request)
    return _map_frame(_layout(request)[0], request, layers, load_context()).world_bounds


def township_atlas(
    layers: tuple[str, ...],
    lang: str,
    data_date: dt.date,
    *,
    inputs: AtlasInputs | None = None,
    progress: ProgressCallback | None = None,
) -> bytes:
    """A cover with the district map, then one page per township: its map and its roll-up.

    `inputs`: what `share.township_pages.atlas_inputs(layers, lang)` gathers (read now when
    None); `progress("pages", fraction)` is called as each page is finished."""
    return atlas_document(layers, lang, data_date, inputs=inputs, progress=progress)


def pdf_to_png(document: bytes, page: int = 0) -> bytes:
    """Page `page` of a PDF rasterised at 300 dpi (pdfium), as PNG bytes."""
    with _PDFIUM:
        image = _render(document, page)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", dpi=(PNG_DPI, PNG_DPI), compress_level=3)
    return buffer.getvalue()


def _render(document: bytes, page: int):
    pdf = pypdfium2.PdfDocument(document)
    try:
        sheet = pdf[page]
        width, height = sheet.get_size()
        # pdfium rounds pixel sizes up: A4 would be 2481 px wide, not the 2480 of 210 mm at 300
        # dpi. Scale so both sides come out at their nearest whole pixel count.
        target = round(width * PNG_DPI / 72), round(height * PNG_DPI / 72)
        scale = min(target[0] / width, target[1] / height) * (1 - 1e-9)
        bitmap = sheet.render(scale=scale, fill_color=(255, 255, 255, 255))
        image = bitmap.to_pil()
    finally:
        pdf.close()
    return image


# --- one page ------------------------------------------------------------------------------


def _metric_layers(request: PrintRequest) -> list[tuple[str, gpd.GeoDataFrame]]:
    return [(key, metric_frame(request.frames.get(key))) for key in request.layers]


def _title(request: PrintRequest) -> str:
    text = plain_text(request.title, _TITLE_LIMIT)
    if text:
        return text
    return "Shuangta Project Atlas" if request.lang == "en" else "双塔区项目地图"


def _layout(
    request: PrintRequest,
) -> tuple[tuple[float, float, float, float], tuple[float, float, float, float], tuple]:
    """Boxes (x, y, w, h mm) of the map, the inset and the legend on the page."""
    short, long = PAPERS[request.paper]
    width, height = (long, short) if request.orientation == "landscape" else (short, long)
    top, bottom = MARGIN + 12, height - MARGIN - 10
    if request.orientation == "landscape":
        panel = round(width * 0.2)
        map_box = (MARGIN, top, width - 2 * MARGIN - panel - 4, bottom - top)
        left = MARGIN + map_box[2] + 4
        inset = (left, top, panel, panel * 0.62)
        legend = (left, top + inset[3] + 4, panel, bottom - top - inset[3] - 4)
    else:
        map_box = (MARGIN, top, width - 2 * MARGIN, (bottom - top) * 0.7)
        below = top + map_box[3] + 4
        inset_w = round(width * 0.3)
        inset = (MARGIN, below, inset_w, min(inset_w * 0.8, bottom - below))
        legend = (MARGIN + inset_w + 5, below, width - 2 * MARGIN - inset_w - 5, bottom - below)
    return map_box, inset, legend


def _map_frame(
    box: tuple[float, float, float, float],
    request: PrintRequest,
    layers: list[tuple[str, gpd.GeoDataFrame]],
    context: Context,
) -> MapFrame:
    extent = window_for(request.bounds, [features for _, features in layers], context)
    return fit_frame(box, extent)


def _map_page(
    pdf: FPDF,
    request: PrintRequest,
    layers: list[tuple[str, gpd.GeoDataFrame]],
    inputs: PrintInputs,
    *,
    on_layer: Callable[[str], object] | None = None,
) -> dict[str, int]:
    context, specs = inputs.context, inputs.specs
    map_box, inset, legend = _layout(request)
    frame = _map_frame(map_box, request, layers, context)
    highlight = _metric_shape(request.highlight)
    header(pdf, _title(request), request.lang)
    metric = dict(layers)

    def overlay(pdf: FPDF, frame: MapFrame) -> None:
        if request.sized_by and (spec := spec_for(request.sized_by[0], specs)) is not None:
            features = metric.get(spec.key, metric_frame(request.frames.get(spec.key)))
            draw_sized(pdf, frame, spec, features, request.sized_by[1])
        for outline in request.outlines:
            features = metric.get(outline.layer, metric_frame(request.frames.get(outline.layer)))
            draw_outlines(pdf, frame, outline, features)

    drawn = draw_map(
        pdf,
        frame,
        layers,
        context,
        lang=request.lang,
        highlight=highlight,
        overlay=overlay,
        specs=specs,
        on_layer=on_layer,
    )
    draw_inset(pdf, inset, context, frame)
    highlight_label = None
    if highlight is not None:
        highlight_label = "Study area" if request.lang == "en" else "研究范围"
    draw_legend(
        pdf,
        legend,
        request.layers,
        lang=request.lang,
        highlight=highlight_label,
        extra=_overlay_legend(request, specs),
        specs=specs,
    )
    footer(pdf, request.lang, request.data_date, request.source_note, frame)
    return drawn


def _metric_shape(shape: BaseGeometry | None) -> BaseGeometry | None:
    if shape is None or shape.is_empty or not shape.is_valid:
        return None
    return to_metric(gpd.GeoSeries([shape], crs=DISPLAY_CRS)).iloc[0]


def _overlay_legend(
    request: PrintRequest, specs: Mapping[str, LayerSpec]
) -> tuple[tuple[str, str, str], ...]:
    rows = []
    if request.sized_by and (spec := spec_for(request.sized_by[0], specs)) is not None:
        field = request.sized_by[1]
        try:
            label = spec.field(field).label(request.lang)
        except KeyError:
            label = field
        rows.append(("point", spec.style.color, f"{spec.title(request.lang)} · {label}"))
    rows += [("outline", outline.color, outline.label) for outline in request.outlines]
    return tuple(rows)
