"""The standalone HTML map: one file with everything inlined, public fields only."""

from __future__ import annotations

import re

import pytest

from layers import get_layer, load_layer
from maps.assets import STATIC_URL
from share.standalone_map import standalone_map_html

SITES = ["enclave-001", "enclave-003", "enclave-041"]


@pytest.fixture(scope="module")
def page_zh() -> str:
    return standalone_map_html(SITES, "zh")


def test_the_page_loads_nothing_from_anywhere(page_zh: str) -> None:
    loads = re.findall(r"<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)=\"([^\"]+)\"", page_zh)
    assert loads == []
    assert STATIC_URL not in page_zh
    assert "Leaflet 1.9.3, a JS library" in page_zh  # Leaflet itself is in the file
    assert "url(images/" not in page_zh  # its images too, as data URLs


def test_every_chosen_site_is_in_the_table_once(page_zh: str) -> None:
    projects = load_layer("enclave_projects").set_index("uid")
    rows = re.findall(r'<tr data-site="([^"]+)">', page_zh)
    assert rows == SITES
    for uid in SITES:
        assert projects.loc[uid, "name"] in page_zh


def test_english_page_uses_english_names_and_labels() -> None:
    page = standalone_map_html(SITES, "en")
    projects = load_layer("enclave_projects").set_index("uid")
    assert "Planned investment (10k yuan)" in page
    for uid in SITES:
        assert projects.loc[uid, "name_en"] in page


def test_no_internal_value_is_in_the_page(page_zh: str) -> None:
    spec = get_layer("enclave_projects")
    projects = load_layer("enclave_projects")
    internal = [f.name for f in spec.fields if not f.public]
    assert internal
    for name in internal:
        for value in projects[name]:
            assert str(value) not in page_zh, f"internal {name} leaked"
        assert f'"{name}"' not in page_zh


def test_no_sites_is_refused() -> None:
    with pytest.raises(ValueError, match="no sites"):
        standalone_map_html([], "zh")
