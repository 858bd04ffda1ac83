"""Printing in the limited worker: the same drawing as in the server's process (pages, paths
per layer, the very content streams), progress reported, limits ending in a PrintStopped that
names them (the server untouched), and no layer store read in the worker."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import multiprocessing
import os
import pickle
import resource
import time

import geopandas as gpd
import pytest
import shapely
from PIL import Image, ImageChops
from pypdf import PdfReader

import layers
from geo.limits import MB, UploadLimits
from layers import LAYERS, forget_session_layer, load_layer, register_session_layer
from layers.spec import Category, Style
from layers.uploaded import uploaded_layers
from share import print_worker
from share.print_map import Outline, PrintRequest, print_map, township_atlas
from share.print_worker import PrintStopped, atlas_in_worker, print_in_worker
from tests.share.pdf_drawing import drawn_per_layer, paths_painted
from ui.i18n import text

DAY = dt.date(2026, 11, 30)
SHOWN = ("orchards", "industry_projects", "enclave_projects", "closed_communities", "employers")
ATLAS_LAYERS = ("enclave_projects", "closed_communities", "industry_projects", "orchards")
MAGENTA = b"1.000 0.000 1.000 RG"  # the uploaded layer's own colour, from its session spec


@pytest.fixture
def uploaded():
    """An uploaded layer with a style of its own: its spec lives in this process only."""
    frame = gpd.GeoDataFrame(
        {"类别": ["甲", "乙"]},
        geometry=[shapely.Point(120.45, 41.55), shapely.Point(120.46, 41.56)],
        crs=4326,
    )
    (layer,) = uploaded_layers(frame, title="上传的点", source_name="x.csv", color="#ff00ff")
    style = Style(
        color="#ff00ff",
        by_field="f00",
        categories=(Category("甲", "A", "#ff00ff"), Category("乙", "B", "#ff00ff")),
    )
    spec = dataclasses.replace(layer.spec, style=style)
    register_session_layer(spec, layer.frame)
    yield spec.key, layer.frame
    forget_session_layer(spec.key)


def _request(**changes) -> PrintRequest:
    request = PrintRequest(
        title="双塔区项目分布图",
        layers=SHOWN,
        frames={key: load_layer(key) for key in SHOWN},
        bounds=None,
        data_date=DAY,
    )
    return dataclasses.replace(request, **changes)


def _page_streams(document: bytes) -> list[bytes]:
    return [page.get_contents().get_data() for page in PdfReader(io.BytesIO(document)).pages]


def _drawn_pages(document: bytes) -> list[dict[str, int]]:
    pages = len(PdfReader(io.BytesIO(document)).pages)
    return [drawn_per_layer(document, page) for page in range(pages)]


def _assert_ascending(progress: list[tuple[str, float]], stages: set[str]) -> None:
    fractions = [fraction for _, fraction in progress]
    assert fractions == sorted(fractions) and fractions[-1] == pytest.approx(1.0)
    assert stages <= {stage for stage, _ in progress}, progress


def test_a_print_in_the_worker_draws_what_one_in_the_server_draws(uploaded) -> None:
    key, frame = uploaded
    outline = Outline("closed_communities", "demo", "是", "示范小区", "#08306b")
    request = _request(
        layers=(*SHOWN, key),
        frames={**_request().frames, key: frame},
        sized_by=("enclave_projects", "invest_wan"),
        outlines=(outline,),
        highlight=shapely.box(120.40, 41.52, 120.48, 41.58),
    )
    progress: list[tuple[str, float]] = []
    started = time.perf_counter()
    in_worker = print_in_worker(request, on_progress=lambda *step: progress.append(step))
    worker_s = time.perf_counter() - started
    started = time.perf_counter()
    in_server = print_map(request)
    server_s = time.perf_counter() - started
    assert len(PdfReader(io.BytesIO(in_worker)).pages) == 1
    assert drawn_per_layer(in_worker) == drawn_per_layer(in_server)
    assert drawn_per_layer(in_worker)[key] == 2
    assert paths_painted(in_worker) == paths_painted(in_server)
    # Not only as many paths: the same ones, in the upload's own colours.
    assert _page_streams(in_worker) == _page_streams(in_server)
    assert MAGENTA in _page_streams(in_worker)[0]
    _assert_ascending(progress, {"gather", "start", "layers", "legend"})
    layer_steps = [fraction for stage, fraction in progress if stage == "layers"]
    assert len(layer_steps) == len(request.layers) + 1  # the start, then once per layer
    print(f"A4 print: {worker_s:.2f} s in the worker, {server_s:.2f} s in the server")


def test_a_png_from_the_worker_is_the_png_made_in_the_server() -> None:
    request = _request(paper="A4", orientation="portrait", lang="en")
    progress: list[tuple[str, float]] = []
    made = print_in_worker(request, "png", on_progress=lambda *step: progress.append(step))
    in_worker, in_server = (
        Image.open(io.BytesIO(made)),
        Image.open(io.BytesIO(print_map(request, "png"))),
    )
    assert in_worker.size == in_server.size == (2480, 3508)
    assert (
        ImageChops.difference(in_worker.convert("RGB"), in_server.convert("RGB")).getbbox() is None
    )
    _assert_ascending(progress, {"layers", "png"})


def test_the_atlas_in_the_worker_equals_the_atlas_made_in_the_server() -> None:
    progress: list[tuple[str, float]] = []
    in_worker = atlas_in_worker(
        ATLAS_LAYERS, "en", DAY, on_progress=lambda *step: progress.append(step)
    )
    in_server = township_atlas(ATLAS_LAYERS, "en", DAY)
    assert len(PdfReader(io.BytesIO(in_worker)).pages) == 14
    assert _drawn_pages(in_worker) == _drawn_pages(in_server)
    assert _page_streams(in_worker) == _page_streams(in_server)  # roll-ups and all
    _assert_ascending(progress, {"gather", "start", "pages"})
    assert len([stage for stage, _ in progress if stage == "pages"]) >= 14


@pytest.mark.parametrize(
    ("limits", "named"),
    [
        (UploadLimits(memory_bytes=64 * MB), ("memory", "memory_or_processing")),
        (UploadLimits(wall_seconds=1), ("time",)),
        (UploadLimits(cpu_seconds=1), ("processing", "memory_or_processing")),
    ],
    ids=["memory", "wall-clock", "processing-time"],
)
def test_a_print_over_a_limit_ends_in_a_print_stopped_naming_it(
    limits: UploadLimits, named: tuple[str, ...]
) -> None:
    keys = tuple(spec.key for spec in LAYERS)  # every layer on, on A3, rasterised: heavy
    request = _request(layers=keys, frames={key: load_layer(key) for key in keys}, paper="A3")
    before = resource.getrlimit(resource.RLIMIT_AS), resource.getrlimit(resource.RLIMIT_CPU)
    priority = os.getpriority(os.PRIO_PROCESS, 0)
    started = time.monotonic()
    with pytest.raises(PrintStopped) as stopped:
        print_in_worker(request, "png", limits=limits)
    assert time.monotonic() - started < 60  # stopped, not left to hang
    assert stopped.value.limit in named, stopped.value
    assert "limit" in stopped.value.problem or "than allowed" in stopped.value.problem
    for lang in ("zh", "en"):  # the page says it in the user's language
        assert text(f"print_limit_{stopped.value.limit}", lang, n=stopped.value.amount)
    # The server is as it was: its own limits and priority, no worker left, prints still made.
    after = resource.getrlimit(resource.RLIMIT_AS), resource.getrlimit(resource.RLIMIT_CPU)
    assert after == before and os.getpriority(os.PRIO_PROCESS, 0) == priority
    assert multiprocessing.active_children() == []
    assert print_in_worker(_request(layers=("orchards",))).startswith(b"%PDF")


def test_a_print_stopped_survives_the_pipe_and_names_its_limit() -> None:
    stopped = PrintStopped("map print", "printing took longer", limit="time", amount=120)
    again = pickle.loads(pickle.dumps(stopped))
    assert (again.source, again.problem, again.limit, again.amount) == (
        "map print",
        "printing took longer",
        "time",
        120,
    )


# --- the worker reads no store --------------------------------------------------------------


def _no_store(*_, **__):
    raise AssertionError("the print worker opened the layer store")


def _guarded(path: str, **options) -> bytes:
    """The print task, in a worker where opening the layer store fails the print."""
    layers.layer_store = _no_store
    os.environ[layers.STORE_ENV] = "/nonexistent/atlas.gpkg"
    return print_worker._print_task(path, **options)


def _guarded_but_reading(path: str, **options) -> bytes:
    """A print that reads its context itself, in the same guarded worker: it must fail."""
    layers.layer_store = _no_store
    with open(path, "rb") as file:
        request, fmt, _ = pickle.load(file)
    return print_map(request, fmt)


def test_the_worker_reads_no_layer_store(monkeypatch: pytest.MonkeyPatch, uploaded) -> None:
    key, frame = uploaded
    request = _request(layers=(*SHOWN, key), frames={**_request().frames, key: frame})
    monkeypatch.setattr(print_worker, "_print_task", _guarded)
    document = print_in_worker(request)
    assert drawn_per_layer(document) == drawn_per_layer(print_map(request))
    # The guard bites: the same worker reading a layer itself ends in a PrintStopped.
    monkeypatch.setattr(print_worker, "_print_task", _guarded_but_reading)
    with pytest.raises(PrintStopped) as stopped:
        print_in_worker(request)
    assert stopped.value.limit is None


# --- the page ---------------------------------------------------------------------------------


def test_the_print_tool_says_which_limit_stopped_a_print(monkeypatch: pytest.MonkeyPatch) -> None:
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("ATLAS_UPLOAD_MEMORY_MB", "64")  # far too little for a 300 dpi PNG
    at = AppTest.from_file("../../app.py", default_timeout=90)
    at.run()
    at.switch_page("views/overview.py").run()
    at.segmented_control(key="overview:tools:zh").set_value("print").run()
    at.selectbox(key="overview:print:format:zh").set_value("png")
    next(b for b in at.button if b.label == "生成地图").click().run()
    assert not at.exception
    assert "overview:print:file" not in at.session_state
    errors = [error.value for error in at.error]
    assert errors == ["出图未完成：所需内存超过允许的 64 MB，已停止（超出内存限制）。"], errors
    assert multiprocessing.active_children() == []
