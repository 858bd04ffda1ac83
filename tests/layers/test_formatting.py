"""Values as the browser shows them: the column-wise path gives what one value at a time gives."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from layers.formatting import display_text, display_texts

COLUMNS = {
    "floats that round half-way": pd.Series([2.675, 1.005, 123456.785, 0.125, 0.135, -1.5]),
    "zero, minus zero, tiny negatives": pd.Series([0.0, -0.0, -0.001, -0.004, 0.004]),
    "missing and infinite": pd.Series([np.nan, float("inf"), -float("inf"), 1e20]),
    "integers": pd.Series(np.random.default_rng(7).integers(-(10**12), 10**12, 200)),
    "nullable integers": pd.Series([1, None, 1234567], dtype="Int64"),
    "nullable floats": pd.Series([1.5, None, 2.0], dtype="Float64"),
    "single precision": pd.Series(np.array([1.1, 2.22, 3.335], dtype=np.float32)),
    "random floats": pd.Series(np.random.default_rng(8).normal(0, 1e6, 2000)),
    "booleans": pd.Series([True, False]),
    "text with markup": pd.Series(["<b>甲</b>", "a&b", "'x'", '"y"', None]),
    "=formula text": pd.Series(['=HYPERLINK("http://x")', "+1", "@SUM(A1)"]),
    "mixed": pd.Series([1, "二", None, 2.5], dtype=object),
}


@pytest.mark.parametrize("values", COLUMNS.values(), ids=COLUMNS.keys())
def test_a_column_reads_as_its_values_one_by_one(values: pd.Series) -> None:
    assert display_texts(values).tolist() == [display_text(value) for value in values]


def test_figures_read_with_separators_and_only_the_decimals_they_have() -> None:
    shown = display_texts(pd.Series([1234567.0, 2.5, 2.675, -0.001, np.nan]))
    assert shown.tolist() == ["1,234,567", "2.50", "2.67", "0", ""]
