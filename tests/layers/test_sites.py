"""Site facts for hand-outs: measured land, intensity and distances, checked independently."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from pyproj import Geod

from layers import get_layer, load_layer
from layers.landmarks import TOWNSHIP_SEAT
from layers.sites import SITE_FACT_COLUMNS, fact_label, site_facts, site_frame

SOURCES = Path(__file__).resolve().parents[2] / "data" / "sources"
JINHUA = "enclave-001"  # 朝阳金华园旅游观光农业园, the report's real project
GEOD = Geod(ellps="GRS80")  # CGCS2000's ellipsoid


def _landmark_source(kind: str) -> tuple[float, float]:
    with (SOURCES / "landmarks.csv").open(encoding="utf-8") as handle:
        row = next(r for r in csv.DictReader(handle) if r["kind"] == kind)
    return float(row["lon"]), float(row["lat"])


def _geodesic_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    return GEOD.inv(lon1, lat1, lon2, lat2)[2] / 1000


def test_the_real_sites_figures_come_from_the_report() -> None:
    facts = site_facts(site_frame([JINHUA])).iloc[0]
    assert facts["name"] == "朝阳金华园旅游观光农业园"
    assert facts["invest_wan"] == 50_000
    assert facts["jobs"] == 100
    assert facts["land_mu"] == pytest.approx(437, rel=0.005)
    assert facts["land_ha"] == pytest.approx(facts["land_mu"] / 15, abs=0.01)
    assert facts["intensity"] == pytest.approx(50_000 / facts["land_mu"], abs=0.01)
    assert (facts["status"], facts["status_en"]) == ("落地开工", "Under construction")
    assert (facts["town"], facts["town_en"]) == ("桃花吐镇", "Taohuatu Town")
    assert facts["industry_en"] == "Tourism and wellness"


def test_distances_agree_with_geodesics_from_the_source_coordinates() -> None:
    facts = site_facts(load_layer("enclave_projects"))
    for kind, column in (("市中心", "centre_km"), ("机场", "airport_km")):
        lon, lat = _landmark_source(kind)
        for row in facts.itertuples():
            expected = _geodesic_km(row.lon, row.lat, lon, lat)
            assert getattr(row, column) == pytest.approx(expected, abs=0.06), (row.uid, kind)


def test_the_nearest_seat_is_nearer_than_every_other_seat() -> None:
    landmarks = load_layer("landmarks")
    seats = landmarks[landmarks["kind"] == TOWNSHIP_SEAT]
    assert len(seats) == 13
    facts = site_facts(load_layer("enclave_projects"))
    for row in facts.itertuples():
        gaps = {
            seat.name: _geodesic_km(row.lon, row.lat, seat.geometry.x, seat.geometry.y)
            for seat in seats.itertuples()
        }
        assert row.seat == min(gaps, key=gaps.get)
        assert row.seat_km == pytest.approx(min(gaps.values()), abs=0.06)


def test_site_frame_keeps_the_order_and_only_public_fields() -> None:
    frame = site_frame(["enclave-003", JINHUA])
    assert list(frame["uid"]) == ["enclave-003", JINHUA]
    internal = {f.name for f in get_layer("enclave_projects").fields if not f.public}
    assert internal and not internal & set(frame.columns)
    assert list(site_facts(frame).columns) == SITE_FACT_COLUMNS


def test_an_unknown_site_is_named_in_the_error() -> None:
    with pytest.raises(KeyError, match="enclave-999"):
        site_frame([JINHUA, "enclave-999"])


def test_fact_labels_come_from_the_spec_or_name_the_derived_figure() -> None:
    assert fact_label("invest_wan", "zh") == ("计划总投资", "万元")
    assert fact_label("invest_wan", "en") == ("Planned investment", "10k yuan")
    assert fact_label("intensity", "zh") == ("投资强度", "万元/亩")
    assert fact_label("airport_km", "en") == ("Distance to Chaoyang Airport", "km")
