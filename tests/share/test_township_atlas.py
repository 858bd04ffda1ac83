"""The township atlas: a cover, then one page per township with its name and its roll-up."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from layers import load_layer
from layers.figures import township_rollup
from layers.formatting import format_figure
from share.print_map import township_atlas

DAY = dt.date(2026, 11, 30)
LAYERS = ("enclave_projects", "closed_communities", "industry_projects", "orchards")


@pytest.fixture(scope="module", params=["zh", "en"])
def atlas(request: pytest.FixtureRequest) -> tuple[str, PdfReader]:
    lang = request.param
    return lang, PdfReader(io.BytesIO(township_atlas(LAYERS, lang, DAY)))


def test_a_cover_then_one_page_per_township(atlas: tuple[str, PdfReader]) -> None:
    lang, reader = atlas
    townships = load_layer("townships")
    assert len(townships) == 13
    assert len(reader.pages) == 13 + 1
    cover = reader.pages[0].extract_text()
    assert ("Shuangta District township atlas" if lang == "en" else "双塔区乡镇街道图集") in cover
    assert ("Contents" if lang == "en" else "目录") in cover
    for page in reader.pages:
        size = page.mediabox
        assert (float(size.width), float(size.height)) == pytest.approx((841.89, 595.28), abs=0.01)


def test_each_township_page_holds_its_name_and_roll_up(atlas: tuple[str, PdfReader]) -> None:
    lang, reader = atlas
    townships = load_layer("townships")
    for number, township in enumerate(townships.itertuples(), start=1):
        text = reader.pages[number].extract_text()
        name = township.name_en if lang == "en" else township.name
        assert name in text
        assert f"{number + 1} / 14" in text
        rollup = township_rollup(township.code, lang)
        assert not rollup.empty
        for row in rollup.itertuples():
            assert row.label in text, (name, row.label)
            assert format_figure(row.value) in text, (name, row.label, row.value)
        assert (f"Data date {DAY}" if lang == "en" else f"数据日期 {DAY}") in text
