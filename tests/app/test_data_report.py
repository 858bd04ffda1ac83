"""The data page's validation report in the chosen language: the list of repaired geometries is
in Chinese in the Chinese interface (geo writes its notes in English), values kept."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

BOWTIE = [[120.40, 41.60], [120.50, 41.70], [120.50, 41.60], [120.40, 41.70], [120.40, 41.60]]


def _report_page(path: str, lang: str) -> None:
    from pathlib import Path

    from geo.upload import inspect_upload
    from views.data.page import _report

    _report(inspect_upload(Path(path), file_name=Path(path).name)[1], lang)


@pytest.fixture
def bowtie(tmp_path: Path) -> str:
    """A GeoJSON of one valid square and one self-intersecting polygon (repaired on reading)."""
    square = [[120.4, 41.6], [120.5, 41.6], [120.5, 41.7], [120.4, 41.7], [120.4, 41.6]]
    features = [
        {
            "type": "Feature",
            "properties": {"名称": name},
            "geometry": {"type": "Polygon", "coordinates": [ring]},
        }
        for name, ring in (("方块", square), ("蝴蝶结", BOWTIE))
    ]
    path = tmp_path / "地块.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), "utf-8")
    return str(path)


def _repaired(app: AppTest) -> str:
    assert not app.exception, app.exception
    return "\n".join(str(element.value) for element in app.text)


def test_the_repaired_geometries_are_listed_in_chinese(bowtie: str) -> None:
    shown = _repaired(AppTest.from_function(_report_page, args=(bowtie, "zh")).run())
    assert "自相交" in shown and "已修复为多面" in shown, shown
    assert not re.search(r"invalid|repaired|row|Polygon|Self", shown), shown
    assert "120.45 41.65" in shown  # where it crossed itself, as geo found it


def test_the_repaired_geometries_are_listed_in_english(bowtie: str) -> None:
    shown = _repaired(AppTest.from_function(_report_page, args=(bowtie, "en")).run())
    assert "invalid Polygon (Self-intersection" in shown and "repaired as MultiPolygon" in shown
    assert not re.search(r"[\u4e00-\u9fff]", shown), shown
