"""CSV tables read safely: within the limits, checked before the work they bound, and
nothing changed without a notice.

Every file is CSV text written out here.  Reads that could blow up run in a child process
with a 1.5 GB address-space limit and a 60 s timeout (tests/geo/table_reading.py), so that
a regression fails the suite instead of taking the machine down.
"""

from __future__ import annotations

from pathlib import Path

from shapely.geometry import Point

from geo.limits import UploadLimits
from geo.tables import MAX_LINE_CHARS, read_csv_points
from tests.geo.table_reading import SMALL, _read_in_child, _refusal


def _csv(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


# --- CSV: the header line, read first ------------------------------------------------------


def test_csv_with_a_million_columns_is_refused_from_its_first_line(tmp_path: Path) -> None:
    header = ",".join(f"c{i}" for i in range(1_000_000))  # about 7 MB
    path = _csv(tmp_path / "wide.csv", header + "\n" + "1," * 999_999 + "1\n")

    outcome = _read_in_child("csv", path)

    assert outcome[:2] == (
        "refused",
        f"the first line (column names) is longer than {MAX_LINE_CHARS:,} characters",
    )
    assert outcome[2] < 10


def test_csv_with_a_million_empty_column_names_is_refused(tmp_path: Path) -> None:
    path = _csv(tmp_path / "commas.csv", "," * 1_000_000 + "\n1\n")

    outcome = _read_in_child("csv", path)

    assert outcome[:2] == ("refused", "holds 1,000,001 columns, more than the 1,000 allowed")


def test_csv_with_too_many_columns_is_refused(tmp_path: Path) -> None:
    path = _csv(tmp_path / "wide.csv", "lon,lat,a,b,c,d\n120.5,41.6,1,2,3,4\n")

    assert _refusal("csv", path) == "holds 6 columns, more than the 5 allowed"


def test_csv_header_line_over_the_limit_is_refused(tmp_path: Path) -> None:
    path = _csv(tmp_path / "long.csv", "lon,lat," + "x" * MAX_LINE_CHARS + "\n120.5,41.6,1\n")

    assert _refusal("csv", path, UploadLimits()) == (
        f"the first line (column names) is longer than {MAX_LINE_CHARS:,} characters"
    )


def test_csv_first_row_wider_than_its_header_is_refused_not_shifted(tmp_path: Path) -> None:
    """pandas would make the extra leading values an index: columns shifted, or with a
    million of them, gigabytes of index levels."""
    path = _csv(tmp_path / "index.csv", "lon,lat\n" + ",".join(["1"] * 400_000) + "\n")

    outcome = _read_in_child("csv", path)

    assert outcome[:2] == (
        "refused",
        "the first line of data has 400,000 values but the first line names only 2 columns",
    )
    shifted = _csv(tmp_path / "shifted.csv", "lon,lat\n9,120.5,41.6\n")
    assert "has 3 values but the first line names only 2 columns" in _refusal("csv", shifted)


def test_csv_trailing_commas_do_not_shift_the_columns(tmp_path: Path) -> None:
    path = _csv(tmp_path / "trailing.csv", "lon,lat\n120.5,41.6,\n120.6,41.7,\n")

    frame = read_csv_points(path, "trailing.csv", None, SMALL).frame

    assert frame["lon"].tolist() == [120.5, 120.6]
    assert frame.geometry.iloc[0].equals(Point(120.5, 41.6))
    dropped = _csv(tmp_path / "dropped.csv", "lon,lat\n120.5,41.6,\n120.6,41.7,9\n")
    assert _refusal("csv", dropped) == (
        "a line has more values than the 2 columns the first line names"
    )


# --- CSV: rows and cells, before the rest is parsed ------------------------------------------


def test_csv_with_too_many_rows_is_refused_before_the_rest_is_parsed(tmp_path: Path) -> None:
    rows = "".join("120.5,41.6\n" for _ in range(7))
    path = _csv(tmp_path / "rows.csv", f"lon,lat\n{rows}1,2,3,4,5\n")  # a broken row after

    assert _refusal("csv", path) == "holds more than the 5 rows allowed"


def test_csv_with_too_many_cells_is_refused_before_the_rest_is_parsed(tmp_path: Path) -> None:
    limits = UploadLimits(max_features=100, max_fields=10, max_cells=20)
    rows = "".join("点,120.5,41.6\n" for _ in range(7))
    path = _csv(tmp_path / "cells.csv", f"name,lon,lat\n{rows}1,2,3,4,5\n")

    assert _refusal("csv", path, limits) == "holds more than the 20 cells (rows × columns) allowed"


def test_csv_at_the_limits_is_read(tmp_path: Path) -> None:
    rows = "".join("点,120.5,41.6\n" for _ in range(5))
    path = _csv(tmp_path / "full.csv", f"\n\nname,lon,lat\n  \n{rows}")

    assert len(read_csv_points(path, "full.csv", None, SMALL).frame) == 5


# --- a column named geometry ------------------------------------------------------------------


def test_csv_geometry_column_is_renamed_and_said(tmp_path: Path) -> None:
    path = _csv(
        tmp_path / "geometry.csv",
        "name,geometry,geometry_1,lon,lat\n甲,POINT (1 2),x,120.5,41.6\n",
    )

    loaded = read_csv_points(path, "geometry.csv", None, SMALL)

    assert loaded.frame["geometry_2"].tolist() == ["POINT (1 2)"]
    assert loaded.frame["geometry_1"].tolist() == ["x"]
    assert loaded.frame.geometry.iloc[0].equals(Point(120.5, 41.6))
    (notice,) = loaded.notices
    assert (notice.code, notice.count) == ("column_renamed", 1)
    assert (
        notice.detail
        == "the column 'geometry' would clash with the points' geometry; kept as 'geometry_2'"
    )


# --- ordinary CSVs still read ------------------------------------------------------------------


def test_gbk_csv_still_reads(tmp_path: Path) -> None:
    path = _csv(tmp_path / "村庄.csv", "名称,经度,纬度\n房中村,120.5,41.6\n坝南,,\n", "gbk")

    loaded = read_csv_points(path, "村庄.csv", None, SMALL)

    assert loaded.encoding == "GB18030"
    assert loaded.frame["名称"].tolist() == ["房中村", "坝南"]
    assert loaded.frame.geometry.iloc[1] is None  # no coordinates: no geometry, as before
    assert loaded.notices == ()


def test_utf8_bom_csv_still_reads(tmp_path: Path) -> None:
    path = _csv(tmp_path / "bom.csv", 'Lon,LAT,"名称, 全"\n120.5,41.6,"a,b"\n', "utf-8-sig")

    loaded = read_csv_points(path, "bom.csv", None, SMALL)

    assert loaded.encoding == "UTF-8" and "BOM" in loaded.encoding_reason
    assert list(loaded.frame.columns) == ["Lon", "LAT", "名称, 全", "geometry"]
    assert loaded.frame["名称, 全"].tolist() == ["a,b"]


def test_a_huge_coordinate_value_is_named_short(tmp_path: Path) -> None:
    path = _csv(tmp_path / "huge.csv", "lon,lat\n" + "x" * 100_000 + ",41.6\n")

    problem = _refusal("csv", path, UploadLimits())

    assert problem.startswith("column 'lon' row 0: 'xxxx")
    assert problem.endswith("more characters)' is not a number")
    assert len(problem) < 200
