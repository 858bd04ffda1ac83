"""The 三区三线 conformity report: one A4 page holding the site, its verdict and every rule's
text in Chinese and English, the overlap 亩 and % per zone, and a map with the zones."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

import geopandas as gpd
import pytest
import shapely
from pypdf import PdfReader
from shapely.geometry.base import BaseGeometry

from geo.crs import METRIC_CRS, SQUARE_METRES_PER_MU
from layers import get_layer, load_layer
from layers.formatting import format_figure
from share.conformity_report import conformity_report
from tests.share.pdf_drawing import drawn_per_layer

DAY = dt.date(2026, 11, 30)
ZONES = ("urban_boundary", "basic_farmland", "eco_redline")


# A stand-in with the fields of planning.conformity's ZoneOverlap, RuleResult and Verdict.
@dataclass(frozen=True)
class ZoneOverlap:
    zone: str
    title_zh: str
    title_en: str
    area_mu: float
    share: float
    geometry: BaseGeometry


@dataclass(frozen=True)
class RuleResult:
    rule: str
    passed: bool
    text_zh: str
    text_en: str


@dataclass(frozen=True)
class Verdict:
    site_name: str
    category: str
    category_zh: str
    category_en: str
    site_area_mu: float
    overlaps: tuple[ZoneOverlap, ...]
    results: tuple[RuleResult, ...]
    passed: bool
    site: BaseGeometry

    def summary(self, lang: str) -> str:
        failed = [r for r in self.results if not r.passed]
        if lang == "en":
            return (
                "Conforms"
                if not failed
                else "Does not conform: " + "; ".join(r.text_en for r in failed)
            )
        return "符合" if not failed else "不符合：" + "；".join(r.text_zh for r in failed)


def _verdict(site: BaseGeometry, name: str) -> Verdict:
    """Overlaps measured here, as planning.conformity measures them (EPSG:4549)."""
    metric = gpd.GeoSeries([site], crs=4326).to_crs(METRIC_CRS).iloc[0]
    site_mu = metric.area / SQUARE_METRES_PER_MU
    overlaps, results = [], []
    for zone in ZONES:
        spec = get_layer(zone)
        union = load_layer(zone).to_crs(METRIC_CRS).union_all()
        inside = metric.intersection(union)
        area_mu = inside.area / SQUARE_METRES_PER_MU
        shape = gpd.GeoSeries([inside], crs=METRIC_CRS).to_crs(4326).iloc[0]
        overlaps.append(
            ZoneOverlap(zone, spec.title_zh, spec.title_en, area_mu, area_mu / site_mu, shape)
        )
        passed = area_mu >= site_mu * 0.999 if zone == "urban_boundary" else area_mu <= 0.01
        results.append(
            RuleResult(
                zone,
                passed,
                f"{spec.title_zh}内 {format_figure(area_mu)} 亩",
                f"{format_figure(area_mu)} mu in the {spec.title_en.lower()}",
            )
        )
    return Verdict(
        name,
        "工业",
        "工业",
        "Industrial",
        site_mu,
        tuple(overlaps),
        tuple(results),
        all(r.passed for r in results),
        site,
    )


def _site_over_farmland() -> BaseGeometry:
    """A site half on a farmland parcel: it overlaps, so the verdict fails."""
    parcel = load_layer("basic_farmland").geometry.iloc[0]
    centre = parcel.representative_point()
    return shapely.box(centre.x - 0.004, centre.y - 0.003, centre.x + 0.004, centre.y + 0.003)


@pytest.fixture(scope="module")
def failing() -> tuple[Verdict, str, bytes]:
    verdict = _verdict(_site_over_farmland(), "测试项目 · Test site")
    document = conformity_report(verdict, DAY)
    reader = PdfReader(io.BytesIO(document))
    return verdict, "\n".join(page.extract_text() for page in reader.pages), document


def test_one_a4_page(failing: tuple[Verdict, str, bytes]) -> None:
    reader = PdfReader(io.BytesIO(failing[2]))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx((595.28, 841.89), abs=0.01)


def test_the_report_holds_both_languages_verdicts_and_every_rule(
    failing: tuple[Verdict, str, bytes],
) -> None:
    verdict, text, _ = failing
    assert not verdict.passed
    assert "测试项目 · Test site" in text
    assert "工业" in text and "Industrial" in text
    assert "不符合" in text and "Does not conform" in text
    for result in verdict.results:
        assert result.text_zh in text and result.text_en in text
    assert f"{format_figure(verdict.site_area_mu)} 亩" in text
    assert f"数据日期 {DAY.isoformat()}" in text and f"Data date {DAY.isoformat()}" in text


def test_the_report_holds_each_zones_overlap_in_mu_and_percent(
    failing: tuple[Verdict, str, bytes],
) -> None:
    verdict, text, _ = failing
    farmland = next(o for o in verdict.overlaps if o.zone == "basic_farmland")
    assert farmland.area_mu > 1
    for overlap in verdict.overlaps:
        assert overlap.title_zh in text and overlap.title_en in text
        assert format_figure(overlap.area_mu) in text
        assert f"{overlap.share * 100:.1f}%" in text


def test_the_map_draws_the_zones_with_a_scale_and_north_arrow(
    failing: tuple[Verdict, str, bytes],
) -> None:
    _, text, document = failing
    drawn = drawn_per_layer(document)
    assert set(drawn) == set(ZONES) and drawn["basic_farmland"] >= 1
    assert "比例尺 1:" in text and "米" in text
    assert "N" in text


def test_a_conforming_site_and_hostile_names_print() -> None:
    urban = load_layer("urban_boundary").geometry.iloc[0].representative_point()
    site = shapely.box(urban.x - 0.0005, urban.y - 0.0005, urban.x + 0.0005, urban.y + 0.0005)
    verdict = _verdict(site, "<script>alert(1)</script>=cmd|' /C calc'!A0" + "名" * 5000)
    document = conformity_report(verdict, DAY)
    text = PdfReader(io.BytesIO(document)).pages[0].extract_text()
    assert "<script>alert(1)</script>" in text and "…" in text
    assert not any(name in document for name in (b"/JavaScript", b"/JS", b"/Launch", b"/URI"))
