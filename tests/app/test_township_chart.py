"""The per-township chart names every township in full, in Chinese and in English."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.ipc
from streamlit.testing.v1 import AppTest

from layers import load_layer

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def _chart(app: AppTest) -> tuple[dict, list[dict]]:
    """The page's one chart: its Vega-Lite spec and the rows it draws."""
    found = []

    def walk(node) -> None:
        for child in getattr(node, "children", {}).values():
            if getattr(child, "type", None) == "vega_lite_chart":
                found.append(child.proto)
            walk(child)

    walk(app._tree)
    assert len(found) == 1, f"{len(found)} charts on the page"
    table = pyarrow.ipc.open_stream(found[0].datasets[0].data.data).read_all()
    return json.loads(found[0].spec), table.to_pylist()


def test_every_township_label_is_shown_uncut_in_both_languages() -> None:
    app = AppTest.from_file(APP, default_timeout=120).run()
    for lang, column in (("zh", "name"), ("en", "name_en")):
        if lang == "en":
            app.sidebar.radio[0].set_value("en").run()
        spec, rows = _chart(app)
        axis = spec["encoding"]["y"]
        assert axis["field"] == "township" and axis["axis"]["labelLimit"] == 0  # never cut
        names = {row["township"] for row in rows}
        assert names == set(load_layer("townships")[column])  # one row, one label, each
        assert spec["height"] >= 20 * len(rows)  # room for every label: none is hidden
