"""PDF site sheets: they open, one page per site, each page holds its site's figures in Chinese
and English, the CJK font is embedded, and nothing internal is in them."""

from __future__ import annotations

import io

import pytest
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from documents.pdf import CJK_FONT
from layers import get_layer, load_layer
from layers.formatting import format_figure
from layers.sites import site_facts, site_frame
from share.site_sheet import site_sheets_pdf

SITES = ["enclave-001", "enclave-003", "enclave-041", "enclave-060"]


@pytest.fixture(scope="module")
def sheets() -> PdfReader:
    return PdfReader(io.BytesIO(site_sheets_pdf(SITES)))


def _page_text(reader: PdfReader, number: int) -> str:
    return reader.pages[number].extract_text()


def test_the_pdf_has_one_page_per_site_in_the_chosen_order(sheets: PdfReader) -> None:
    assert len(sheets.pages) == len(SITES)
    facts = site_facts(site_frame(SITES))
    for number, row in enumerate(facts.itertuples()):
        text = _page_text(sheets, number)
        assert row.name in text and row.name_en in text
        assert f"{number + 1} / {len(SITES)}" in text


def test_each_page_holds_its_sites_figures_in_both_languages(sheets: PdfReader) -> None:
    facts = site_facts(site_frame(SITES))
    for number, row in enumerate(facts.itertuples()):
        text = _page_text(sheets, number)
        expected = [
            f"{row.town} · {row.town_en}",
            f"{row.status} · {row.status_en}",
            f"{row.industry} · {row.industry_en}",
            f"{row.lon:.5f}°E, {row.lat:.5f}°N",
            f"{format_figure(row.land_mu)} 亩 (mu)",
            f"{format_figure(row.land_ha)} 公顷 (ha)",
            f"{format_figure(row.invest_wan)} 万元 (10k yuan)",
            f"{row.invest_wan / 10_000:.2f} 亿元 (100m yuan)",
            f"{format_figure(row.jobs)} 人 (jobs)",
            f"{format_figure(row.intensity)} 万元/亩 (10k yuan/mu)",
            f"距市中心 Distance to city centre {row.centre_km:.1f} km",
            f"距朝阳机场 Distance to Chaoyang Airport {row.airport_km:.1f} km",
            f"{row.seat} · {row.seat_en} · {row.seat_km:.1f} km",
            "计划总投资 Planned investment",
            "用地面积 Land area",
        ]
        missing = [phrase for phrase in expected if phrase not in text]
        assert not missing, f"page {number + 1} ({row.uid}) lacks {missing}"


def test_the_real_site_reads_as_in_the_report(sheets: PdfReader) -> None:
    text = _page_text(sheets, 0)
    assert "50,000 万元 (10k yuan) = 5.00 亿元" in text
    assert "100 人 (jobs)" in text


def test_the_cjk_font_is_embedded_from_the_package(sheets: PdfReader) -> None:
    assert CJK_FONT.is_file() and "site-packages" in str(CJK_FONT)
    fonts = sheets.pages[0]["/Resources"]["/Font"]
    for font in fonts.values():
        font = font.get_object()
        descendant = font["/DescendantFonts"][0].get_object()
        descriptor = descendant["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor, f"{font['/BaseFont']} is not embedded"
        embedded = TTFont(io.BytesIO(descriptor["/FontFile2"].get_object().get_data()))
        assert embedded["name"].getDebugName(1) == "WenQuanYi Micro Hei"


def test_no_internal_value_is_in_the_sheets(sheets: PdfReader) -> None:
    spec = get_layer("enclave_projects")
    projects = load_layer("enclave_projects").set_index("uid").loc[SITES]
    text = "".join(page.extract_text() for page in sheets.pages)
    for field in spec.fields:
        if not field.public:
            for value in projects[field.name]:
                assert str(value) not in text, f"internal {field.name} leaked"


def test_no_sites_is_refused() -> None:
    with pytest.raises(ValueError, match="no sites"):
        site_sheets_pdf([])
