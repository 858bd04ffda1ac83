"""The 三区三线 conformity report: one A4 page holding the site, its verdict and every rule's
text in Chinese and English, the overlap 亩 and % per zone, and a map with the zones."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import shapely
from pypdf import PdfReader

from layers import load_layer
from planning.conformity import Verdict, check_site, layer_verdicts
from share.conformity_report import conformity_report, conformity_report_filename
from tests.share.pdf_drawing import drawn_per_layer

DAY = dt.date(2026, 11, 30)
ZONES = ("urban_boundary", "basic_farmland", "eco_redline")


def _report(verdict: Verdict) -> tuple[str, bytes]:
    document = conformity_report(verdict, DAY)
    reader = PdfReader(io.BytesIO(document))
    return "\n".join(page.extract_text() for page in reader.pages), document


@pytest.fixture(scope="module")
def failing() -> tuple[Verdict, str, bytes]:
    """An enclave site of the samples that fails on two zones."""
    verdict = next(
        v for v in layer_verdicts("enclave_projects") if sum(not r.passed for r in v.results) >= 2
    )
    return verdict, *_report(verdict)


def test_one_a4_portrait_page(failing: tuple[Verdict, str, bytes]) -> None:
    reader = PdfReader(io.BytesIO(failing[2]))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx((595.28, 841.89), abs=0.01)


def test_the_report_holds_both_languages_verdicts_and_every_rule(
    failing: tuple[Verdict, str, bytes],
) -> None:
    verdict, text, _ = failing
    assert not verdict.passed
    assert verdict.site_name in text
    assert verdict.category_zh in text and verdict.category_en in text
    assert "不符合" in text and "Does not conform" in text
    assert verdict.summary("zh") in text and verdict.summary("en") in text
    for result in verdict.results:
        assert result.text_zh in text and result.text_en in text
    assert f"{verdict.site_area_mu:.2f} 亩" in text
    assert f"数据日期 {DAY.isoformat()}" in text and f"Data date {DAY.isoformat()}" in text


def test_the_report_holds_each_zones_overlap_in_mu_and_percent(
    failing: tuple[Verdict, str, bytes],
) -> None:
    verdict, text, _ = failing
    assert sum(o.area_mu > 0.01 for o in verdict.overlaps) >= 1
    for overlap in verdict.overlaps:
        assert overlap.title_zh in text and overlap.title_en in text
        assert f"{overlap.area_mu:.2f}" in text
        assert f"{overlap.share * 100:.2f}%" in text


def test_the_map_draws_the_zones_with_a_scale_and_north_arrow(
    failing: tuple[Verdict, str, bytes],
) -> None:
    verdict, text, document = failing
    drawn = drawn_per_layer(document)
    assert set(drawn) == set(ZONES)
    touched = [o.zone for o in verdict.overlaps if o.area_mu > 0.01]
    assert all(drawn[zone] >= 1 for zone in touched)
    assert "比例尺 1:" in text and "米" in text and "N" in text


def test_a_conforming_site_says_so_in_both_languages() -> None:
    verdict = next(v for v in layer_verdicts("enclave_projects") if v.passed)
    text, _ = _report(verdict)
    assert "符合 · Conforms" in text and "不符合" not in text
    for result in verdict.results:
        assert result.text_zh in text and result.text_en in text


def test_hostile_site_names_print_as_plain_short_text() -> None:
    urban = load_layer("urban_boundary").geometry.iloc[0].representative_point()
    site = shapely.box(urban.x - 0.0005, urban.y - 0.0005, urban.x + 0.0005, urban.y + 0.0005)
    name = "<script>alert(1)</script>=cmd|' /C calc'!A0" + "名" * 5000
    text, document = _report(check_site(site, "工业", name))
    assert "<script>alert(1)</script>" in text and "…" in text and len(text) < 4000
    assert not any(word in document for word in (b"/JavaScript", b"/JS", b"/Launch", b"/URI"))
    assert conformity_report_filename(name, DAY).startswith("三区三线核查__script_alert_1")
