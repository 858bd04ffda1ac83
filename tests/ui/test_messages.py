"""Data problems read in Chinese as well as English, the file named first."""

from __future__ import annotations

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
