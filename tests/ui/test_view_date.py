"""A download made while a past date is viewed names that date."""

from __future__ import annotations

import datetime as dt

from geo.export import export_filename
from layers import viewing
from ui.view_date import dated


def test_a_download_of_a_past_date_names_the_date() -> None:
    with viewing(dt.date(2020, 6, 30)):
        assert export_filename(dated("飞地项目"), "csv", table=True) == "飞地项目_2020-06-30.csv"
    assert dated("飞地项目") == "飞地项目"  # now: the plain name
