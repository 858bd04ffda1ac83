"""Vector maps in a PDF: metric shapely geometries drawn as fpdf2 paths inside a frame.

Plain shapely geometries and colours in, paths out; nothing of the atlas is imported (the
print-out of a map page and the conformity report both draw with it). Every feature is one
path (one paint operator), and a layer's features sit in one marked-content sequence
(`/AtlasLayer <</Key (…)>> BDC … EMC`), so a reader of the PDF can count what was drawn.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import shapely
from fpdf import FPDF
from shapely.geometry.base import BaseGeometry

from documents.pdf import set_text

__all__ = [
    "LAYER_TAG",
    "MapFrame",
    "bar_length",
    "draw_feature",
    "draw_hatch",
    "fit_frame",
    "marked_layer",
    "nice_denominator",
    "north_arrow",
    "scale_bar",
    "scale_text",
]

LAYER_TAG = "AtlasLayer"
# Round scales a map may be printed at: these times a power of ten (1:50 000, 1:7 500 …).
_NICE_MANTISSAS = (1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 7.5)
_BAR_STEPS_M = (10, 20, 25, 50, 100, 200, 250, 500, 1_000, 2_000, 2_500, 5_000, 10_000, 20_000)
_SIMPLIFY_MM = 0.08  # finer than a printer resolves: fewer vertices, same look
_KEY_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]")


@dataclass(frozen=True)
class MapFrame:
    """A window of the metric world shown in a box of the page (millimetres, y down)."""

    x: float
    y: float
    width: float
    height: float
    minx: float
    maxy: float
    scale: float  # page millimetres per world metre

    @property
    def world_bounds(self) -> tuple[float, float, float, float]:
        """The window shown, in world metres (minx, miny, maxx, maxy)."""
        return (
            self.minx,
            self.maxy - self.height / self.scale,
            self.minx + self.width / self.scale,
            self.maxy,
        )

    @property
    def denominator(self) -> float:
        """The representative fraction's denominator: 1 : denominator."""
        return 1000.0 / self.scale

    def to_page(self, x: float, y: float) -> tuple[float, float]:
        """World metres → page millimetres."""
        return self.x + (x - self.minx) * self.scale, self.y + (self.maxy - y) * self.scale


def nice_denominator(denominator: float) -> int:
    """The smallest round scale denominator at least `denominator` (1:50 000, 1:7 500 …)."""
    denominator = max(float(denominator), 100.0)
    power = 10 ** math.floor(math.log10(denominator))
    for mantissa in (*_NICE_MANTISSAS, 10.0):
        if mantissa * power >= denominator * (1 - 1e-9):
            return round(mantissa * power)
    return round(10 * power)  # pragma: no cover - the loop always ends at 10


def fit_frame(
    box: tuple[float, float, float, float],
    bounds: tuple[float, float, float, float],
    *,
    padding: float = 0.03,
    round_scale: bool = True,
    min_span_m: float = 200.0,
) -> MapFrame:
    """The frame showing all of `bounds` (world metres) centred in `box` (x, y, w, h mm), at a
    round scale unless `round_scale` is False."""
    x, y, width, height = box
    minx, miny, maxx, maxy = bounds
    span_x = max(maxx - minx, min_span_m) * (1 + 2 * padding)
    span_y = max(maxy - miny, min_span_m) * (1 + 2 * padding)
    scale = min(width / span_x, height / span_y)
    if round_scale:
        scale = 1000.0 / nice_denominator(1000.0 / scale)
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    return MapFrame(x, y, width, height, cx - width / 2 / scale, cy + height / 2 / scale, scale)


@contextmanager
def marked_layer(pdf: FPDF, key: str) -> Iterator[None]:
    """Mark the paths drawn inside the block as the features of layer `key`."""
    # fpdf2 has no public call for marked content; _out writes raw operators to the page.
    pdf._out(f"/{LAYER_TAG} <</Key ({_KEY_UNSAFE.sub('_', key)[:80]})>> BDC")
    try:
        yield
    finally:
        pdf._out("EMC")


def draw_feature(
    pdf: FPDF,
    frame: MapFrame,
    geometry: BaseGeometry,
    *,
    color: str,
    fill: str | None = None,
    fill_opacity: float | None = None,
    width: float = 0.3,
    radius: float = 1.0,
    dash: tuple[float, float] | None = None,
) -> bool:
    """Draw one feature as one path, clipped to the frame; False if nothing of it is in view.

    Polygons are filled with `fill` (None: outline only), lines stroked, points drawn as
    circles of `radius` mm; `width` is the stroke width in mm. `fill_opacity` None keeps the
    opacity in force (set once for many features with `pdf.local_context(fill_opacity=…)`)."""
    shown = _in_view(frame, geometry)
    if shown is None:
        return False
    parts = _parts(shown)
    if not parts:
        return False
    if fill_opacity is not None and fill is not None and fill_opacity < 1:
        with pdf.local_context(fill_opacity=fill_opacity):
            _emit(pdf, frame, parts, color, fill, width, radius, dash)
    else:
        _emit(pdf, frame, parts, color, fill, width, radius, dash)
    return True


def _emit(
    pdf: FPDF,
    frame: MapFrame,
    parts: list[BaseGeometry],
    color: str,
    fill: str | None,
    width: float,
    radius: float,
    dash: tuple[float, float] | None,
) -> None:
    """One path in raw PDF operators: fpdf2's drawing API costs about 1 ms a feature, this a
    tenth of that; `q … Q` keeps its colours and widths from leaking."""
    k = pdf.k
    ops = [f"q {_rgb(color)} RG {width * k:.3f} w 1 j 1 J"]
    if dash is not None:
        ops.append(f"[{dash[0] * k:.2f} {dash[1] * k:.2f}] 0 d")
    lines = False
    filled = False
    for part in parts:
        kind = part.geom_type
        if kind == "Polygon":
            for ring in (part.exterior, *part.interiors):
                ops.append(_trace(pdf, frame, ring.coords, close=True))
            filled = True
        elif kind in ("LineString", "LinearRing"):
            ops.append(_trace(pdf, frame, part.coords, close=False))
            lines = True
        elif kind == "Point":
            ops.append(_circle(pdf, frame, part.x, part.y, radius))
            filled = True
    if fill is not None and filled and not lines:
        ops.insert(1, f"{_rgb(fill)} rg")
        ops.append("B* Q")
    else:
        ops.append("S Q")
    pdf._out("\n".join(ops))


def draw_hatch(
    pdf: FPDF,
    frame: MapFrame,
    geometry: BaseGeometry,
    *,
    color: str,
    spacing: float = 1.6,
    width: float = 0.25,
) -> None:
    """Diagonal hatching (lines `spacing` mm apart) over a polygon, clipped to it and the frame."""
    if geometry is None or geometry.is_empty:
        return
    minx, miny, maxx, maxy = geometry.bounds
    step = spacing / frame.scale
    reach = (maxx - minx) + (maxy - miny)
    lines = [
        shapely.LineString([(minx + offset, miny), (minx + offset - reach, miny + reach)])
        for offset in _frange(step, 2 * reach, step)
    ]
    if not lines:
        return
    hatch = shapely.MultiLineString(lines).intersection(geometry)
    draw_feature(pdf, frame, hatch, color=color, width=width)


def scale_bar(pdf: FPDF, frame: MapFrame, *, left: float, base: float, lang: str) -> str:
    """A two-segment scale bar of round length above `base`, labelled 0, a, 2a and its unit, and
    the representative fraction beside it; returns the unit-labelled text, e.g. "0 1 2 千米"."""
    step = _bar_step(frame)
    in_km = step >= 1_000
    unit = ("千米" if in_km else "米") if lang != "en" else ("km" if in_km else "m")
    numbers = [_figure(n * step / (1000 if in_km else 1)) for n in range(3)]
    segment = step * frame.scale
    pdf.set_line_width(0.2)
    pdf.set_draw_color("#333333")
    for number in range(2):
        pdf.set_fill_color("#333333" if number == 0 else "#ffffff")
        pdf.rect(left + number * segment, base - 1.4, segment, 1.4, style="DF")
    set_text(pdf, 7, "#333333")
    for number, label in enumerate(numbers):
        label_width = pdf.get_string_width(label)
        pdf.set_xy(left + number * segment - label_width / 2, base - 5.2)
        pdf.cell(label_width, 3.5, label)
    pdf.set_xy(left + 2 * segment + pdf.get_string_width(numbers[2]) / 2 + 1.2, base - 5.2)
    pdf.cell(pdf.get_string_width(unit) + 1, 3.5, unit)
    pdf.set_xy(left, base + 0.6)
    fraction = scale_text(frame)
    pdf.cell(pdf.get_string_width(fraction) + 1, 3.5, fraction)
    return " ".join([*numbers, unit])


def bar_length(frame: MapFrame) -> float:
    """The scale bar's length on the page (mm): two segments of a round distance."""
    return 2 * _bar_step(frame) * frame.scale


def _bar_step(frame: MapFrame) -> int:
    target_m = frame.width / 6 / frame.scale
    return max((s for s in _BAR_STEPS_M if s <= target_m), default=_BAR_STEPS_M[0])


def scale_text(frame: MapFrame) -> str:
    """The representative fraction, e.g. "1:50 000"."""
    return "1:" + f"{round(frame.denominator):,}".replace(",", " ")


def north_arrow(pdf: FPDF, cx: float, top: float, *, size: float = 7.0) -> None:
    """A north arrow (grid north, up the page) with its N, `size` mm tall."""
    half = size * 0.36
    pdf.set_fill_color("#333333")
    pdf.set_draw_color("#333333")
    pdf.set_line_width(0.2)
    pdf.polygon(
        [(cx, top), (cx + half, top + size), (cx, top + size * 0.78), (cx - half, top + size)],
        style="DF",
    )
    set_text(pdf, 8, "#333333")
    pdf.set_xy(cx - 3, top + size + 0.2)
    pdf.cell(6, 3.5, "N", align="C")


# --- geometry → path ---------------------------------------------------------------------


def _in_view(frame: MapFrame, geometry: BaseGeometry | None) -> BaseGeometry | None:
    """The part of `geometry` near the frame, simplified below what print resolves."""
    if geometry is None or geometry.is_empty:
        return None
    minx, miny, maxx, maxy = frame.world_bounds
    if not shapely.intersects(geometry, shapely.box(minx, miny, maxx, maxy)):
        return None
    # Cut a little outside the frame so strokes on the edge stay whole (the page clips them).
    margin = 2.0 / frame.scale
    clipped = shapely.clip_by_rect(
        geometry, minx - margin, miny - margin, maxx + margin, maxy + margin
    )
    if clipped.is_empty:
        clipped = geometry
    if clipped.geom_type in ("Point", "MultiPoint"):
        return clipped
    simple = shapely.simplify(clipped, _SIMPLIFY_MM / frame.scale, preserve_topology=True)
    return clipped if simple.is_empty else simple


def _parts(geometry: BaseGeometry) -> list[BaseGeometry]:
    if hasattr(geometry, "geoms"):
        return [part for whole in geometry.geoms for part in _parts(whole)]
    return [] if geometry.is_empty else [geometry]


def _trace(pdf: FPDF, frame: MapFrame, coords, *, close: bool) -> str:
    """A ring or line as `m`/`l` operators in PDF points (origin bottom left)."""
    xy = np.asarray(coords, dtype=float)[:, :2]
    if len(xy) == 0:
        return ""
    k, x0, y0 = pdf.k, frame.x, pdf.h - frame.y
    px = (x0 + (xy[:, 0] - frame.minx) * frame.scale) * k
    py = (y0 - (frame.maxy - xy[:, 1]) * frame.scale) * k
    steps = [f"{x:.2f} {y:.2f} l" for x, y in zip(px.tolist(), py.tolist(), strict=True)]
    steps[0] = steps[0][:-1] + "m"
    if close:
        steps.append("h")
    return "\n".join(steps)


def _circle(pdf: FPDF, frame: MapFrame, x: float, y: float, radius: float) -> str:
    """A circle of `radius` mm around a world point, as four Bézier curves."""
    k = pdf.k
    cx, cy = frame.to_page(x, y)
    cx, cy, r = cx * k, (pdf.h - cy) * k, radius * k
    c = r * 0.5523  # the control distance of a quarter circle
    return (
        f"{cx + r:.2f} {cy:.2f} m "
        f"{cx + r:.2f} {cy + c:.2f} {cx + c:.2f} {cy + r:.2f} {cx:.2f} {cy + r:.2f} c "
        f"{cx - c:.2f} {cy + r:.2f} {cx - r:.2f} {cy + c:.2f} {cx - r:.2f} {cy:.2f} c "
        f"{cx - r:.2f} {cy - c:.2f} {cx - c:.2f} {cy - r:.2f} {cx:.2f} {cy - r:.2f} c "
        f"{cx + c:.2f} {cy - r:.2f} {cx + r:.2f} {cy - c:.2f} {cx + r:.2f} {cy:.2f} c h"
    )


def _rgb(color: str) -> str:
    value = color.lstrip("#")
    if len(value) != 6:
        value = "555555"
    try:
        red, green, blue = (int(value[i : i + 2], 16) / 255 for i in (0, 2, 4))
    except ValueError:
        red = green = blue = 0x55 / 255
    return f"{red:.3f} {green:.3f} {blue:.3f}"


def _frange(start: float, stop: float, step: float) -> Iterator[float]:
    count = min(int((stop - start) / step) + 1, 5_000)  # a cap, so a huge shape stays cheap
    return (start + n * step for n in range(max(count, 0)))


def _figure(value: float) -> str:
    return f"{value:g}"
