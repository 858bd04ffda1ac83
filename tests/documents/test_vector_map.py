"""Vector maps in a PDF: round scales, true scale bars, features clipped to the frame and drawn
one path each, and text from outside made plain and short."""

from __future__ import annotations

import io

import pytest
import shapely
from fpdf import FPDF
from pypdf import PdfReader

from documents.pdf import CJK_FONT, FONT
from documents.text import fit_text, plain_text
from documents.vector_map import (
    bar_length,
    draw_feature,
    fit_frame,
    marked_layer,
    nice_denominator,
    scale_text,
)
from tests.share.pdf_drawing import drawn_per_layer

BOX = (10.0, 20.0, 200.0, 150.0)


def _pdf() -> FPDF:
    pdf = FPDF(orientation="landscape", unit="mm", format="A4")
    pdf.add_font(FONT, "", str(CJK_FONT))
    pdf.add_page()
    return pdf


@pytest.mark.parametrize(
    ("wanted", "nice"),
    [(1, 100), (4_321, 5_000), (50_000, 50_000), (50_001, 60_000), (123_456, 125_000)],
)
def test_scales_are_round(wanted: float, nice: int) -> None:
    assert nice_denominator(wanted) == nice


def test_the_frame_holds_its_bounds_at_a_round_scale_and_the_bar_is_true() -> None:
    bounds = (500_000.0, 4_600_000.0, 509_000.0, 4_606_000.0)  # 9 km × 6 km
    frame = fit_frame(BOX, bounds)
    minx, miny, maxx, maxy = frame.world_bounds
    assert minx <= bounds[0] and miny <= bounds[1] and maxx >= bounds[2] and maxy >= bounds[3]
    assert frame.denominator == nice_denominator(frame.denominator)
    assert scale_text(frame) == "1:" + f"{round(frame.denominator):,}".replace(",", " ")
    # On paper, a metre is 1000 / denominator millimetres: the bar's length says so.
    step_m = bar_length(frame) / 2 / frame.scale
    assert bar_length(frame) == pytest.approx(2 * step_m * 1000 / frame.denominator)
    assert step_m in (500, 1_000, 2_000, 2_500)


def test_features_outside_are_not_drawn_and_those_inside_are_one_path_each() -> None:
    pdf = _pdf()
    frame = fit_frame(BOX, (0.0, 0.0, 1_000.0, 1_000.0))
    inside = shapely.box(100, 100, 300, 300)
    across = shapely.LineString([(-5_000, 500), (5_000, 500)])  # cut at the frame
    far = shapely.Point(90_000, 90_000)
    holed = shapely.box(400, 400, 900, 900).difference(shapely.box(500, 500, 600, 600))
    with marked_layer(pdf, "test"):
        drawn = [
            draw_feature(pdf, frame, shape, color="#ff0000", fill="#00ff00")
            for shape in (inside, across, far, holed, shapely.Point(500, 500))
        ]
    assert drawn == [True, True, False, True, True]
    document = bytes(pdf.output())
    assert drawn_per_layer(document) == {"test": 4}
    # The line was cut near the frame, not drawn 10 km wide.
    content = PdfReader(io.BytesIO(document)).pages[0].get_contents().get_data().decode()
    xs = [
        float(n)
        for line in content.splitlines()
        if line.endswith((" l", " m"))
        for n in line.split()[:1]
    ]
    assert max(xs) < 300 * 72 / 25.4


def test_text_from_outside_is_one_short_printable_line() -> None:
    assert plain_text("a\nb\tc\x00d\u202e e\ud800") == "a b cd e"
    assert plain_text("长" * 5000, 10) == "长" * 9 + "…"
    assert plain_text(None) == ""
    pdf = _pdf()
    pdf.set_font(FONT, size=10)
    cut = fit_text(pdf, "双塔区" * 100, 30)
    assert cut.endswith("…") and pdf.get_string_width(cut) <= 30
    assert fit_text(pdf, "短", 30) == "短"
