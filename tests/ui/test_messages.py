"""Data problems read in Chinese as well as English, the file named first."""

from __future__ import annotations

import re

import pytest

from geo.errors import DataError
from ui.messages import explain, plain_markdown


@pytest.mark.parametrize(
    ("problem", "chinese"),
    [
        ("member 'x.shp' expands 1,000 times (limit 200): a zip bomb is refused", "压缩炸弹"),
        ("member '../evil.shp' would be written outside the extraction folder", "解压目录之外"),
        ("holds another archive ('inner.zip'); upload its contents instead", "inner.zip"),
        ("too large: 250.0 MB, the limit is 200 MB", "文件过大：250.0 MB，上限 200 MB"),
        ("the .shx file is missing: a shapefile needs .shp, .shx and .dbf", "缺少 .shx 文件"),
        (
            "the .shp holds 3 shapes but the .dbf 2 records: …",
            ".shp 有 3 个图形而 .dbf 有 2 条记录",
        ),
        ("the .prj file cannot be read by PROJ (x)", "坐标系文件无法识别"),
        ("the coordinates look like latitude and longitude swapped (…)", "经纬度写反"),
        ("2 features have coordinates that are not numbers (NaN or infinite): 1, 2", "NaN"),
    ],
)
def test_common_problems_are_explained_in_chinese(problem: str, chinese: str) -> None:
    error = DataError("上传.zip", problem)
    text = explain(error, "zh")
    assert text.startswith("上传.zip：") and chinese in text and problem in text
    assert explain(error, "en") == f"上传.zip: {problem}"


def test_markdown_characters_are_shown_as_themselves() -> None:
    assert plain_markdown("**a** [b](c) <i>") == r"\*\*a\*\* \[b\]\(c\) \<i\>"


HARDENING_PROBLEMS = (
    "content does not match its name: named GeoJSON, but it is a GDAL virtual-file document",
    "the KML document declares a DOCTYPE or entities, which are refused",
    "a linked or 'link' CRS is refused (the file names a URL or file for its coordinate system)",
    "CRS name 'IAU_2015:49900' is refused: only EPSG codes and OGC CRS84 are accepted",
    "2 features have coordinates that are not numbers (text or other values): features 0, 1",
    "layer 'v' is an SQL view; only plain tables are read (export the view as a table)",
    "feature 0 has 60,001 vertices, more than the 50,000 allowed for one feature",
    "reading took longer than 180 s and was stopped (the file is too large or too complex)",
    "reading used more than 120 s of processing time and was stopped",
    "reading needed more than the 3,072 MB of memory allowed and was stopped",
    "could not be read (an unexpected error; logged)",
    "holds both a file and a folder named 'a'",
    "the .shx index does not match the .shp records (record 3: the .shp holds record 4 there)",
    "the .dbf header is damaged: its field list has no end mark",
)


@pytest.mark.parametrize("problem", HARDENING_PROBLEMS)
def test_every_hardening_refusal_is_explained_in_chinese(problem: str) -> None:
    shown = explain(DataError("upload.zip", problem), "zh")
    chinese = shown.split("（", 1)[0]
    assert chinese.startswith("upload.zip：")
    assert re.search(r"[\u4e00-\u9fff]", chinese.removeprefix("upload.zip："))
    assert problem in shown  # the English detail follows
