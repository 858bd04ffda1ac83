"""The print tool: the map page as shown (view, layers switched on, filters, uploads) on A4 or
A3 paper as a vector PDF or a 300-dpi PNG, and the township atlas (one page per township).

Both are drawn in the limited print worker (share.print_worker) behind a progress bar; a print
that hits a limit is reported in the user's language and the page carries on.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import streamlit as st

from geo.errors import DataError
from geo.upload_worker import UploadCancelled
from layers import load_layer, view_date
from maps.layer_state import switched_on
from share.print_map import PrintRequest, ProgressCallback
from share.print_overlays import Outline
from share.print_worker import PrintStopped, atlas_in_worker, print_in_worker
from store import beijing_today
from ui.i18n import text
from ui.messages import explain, plain_markdown
from ui.page_spec import MapPage, state_key
from ui.study_area import current_study
from ui.upload_reading import session_left
from ui.uploads_state import uploaded_keys
from ui.view_date import dated

__all__ = ["layers_shown", "page_print_request", "render_print_tool"]

PAPERS = ("A4", "A3")
ORIENTATIONS = ("landscape", "portrait")
FORMATS = {"pdf": ("application/pdf", ".pdf"), "png": ("image/png", ".png")}
_STAGES = ("gather", "start", "layers", "legend", "png", "pages")

log = logging.getLogger(__name__)


def render_print_tool(page: MapPage, lang: str, view) -> None:
    """Paper, orientation and format; the file is made on request, with a progress bar."""
    st.caption(text("print_intro", lang))
    with st.form(state_key(page, "print:form"), border=False):
        columns = st.columns([3, 2, 2, 2])
        title = columns[0].text_input(
            text("print_title", lang), value=page.title(lang), max_chars=80
        )
        paper = columns[1].selectbox(
            text("print_paper", lang), PAPERS, key=state_key(page, "print:paper")
        )
        orientation = columns[2].selectbox(
            text("print_orientation", lang),
            ORIENTATIONS,
            format_func=lambda key: text(f"print_{key}", lang),
            key=state_key(page, f"print:orientation:{lang}"),
        )
        fmt = columns[3].selectbox(
            text("print_format", lang),
            list(FORMATS),
            format_func=lambda key: text(f"print_{key}", lang),
            key=state_key(page, f"print:format:{lang}"),
        )
        made = st.form_submit_button(text("print_make", lang))
    if made:
        request = page_print_request(
            page, lang, view, title=title, paper=paper, orientation=orientation
        )
        data = _made(lambda **watch: print_in_worker(request, fmt, **watch), lang)
        if data is None:
            st.session_state.pop(state_key(page, "print:file"), None)  # not the last request's
        else:
            base = dated(f"{title or page.title(lang)}-{paper}")
            st.session_state[state_key(page, "print:file")] = (data, fmt, base)
    made_file = st.session_state.get(state_key(page, "print:file"))
    if made_file:
        data, fmt, base = made_file
        mime, suffix = FORMATS[fmt]
        st.download_button(
            text("print_download", lang, fmt=text(f"print_{fmt}", lang)),
            data=data,
            file_name=f"{base}{suffix}".replace("/", "_"),
            mime=mime,
            key=state_key(page, "print:download"),
            on_click="ignore",
            type="primary",
        )
    _atlas(page, lang)


def page_print_request(
    page: MapPage, lang: str, view, *, title: str, paper: str, orientation: str
) -> PrintRequest:
    """The page as shown: its view's bounds and the layers switched on as the map last
    reported them (the page's defaults before it has), the filtered features, the uploads."""
    returned = st.session_state.get(state_key(page, "map")) or {}
    shown = layers_shown(page)
    frames = {key: view.frames[key] if key in view.frames else load_layer(key) for key in shown}
    study = current_study(page)
    return PrintRequest(
        title=title or page.title(lang),
        layers=shown,
        frames=frames,
        bounds=_bounds(returned),
        paper=paper,
        orientation=orientation,
        lang=lang,
        data_date=view_date() or beijing_today(),
        highlight=study.area.wgs84 if study is not None and study.area is not None else None,
        sized_by=page.sized_by if page.sized_by and page.sized_by[0] in shown else None,
        outlines=_outlines(page, lang, shown),
    )


def _outlines(page: MapPage, lang: str, shown: tuple[str, ...]) -> tuple[Outline, ...]:
    """The page's emphasis (features outlined on top), when its layer is switched on."""
    emphasis = page.emphasis
    if emphasis is None or emphasis.layer not in shown:
        return ()
    return (
        Outline(
            emphasis.layer, emphasis.field, emphasis.value, emphasis.label(lang), emphasis.color
        ),
    )


def _bounds(returned: dict) -> tuple[float, float, float, float] | None:
    """The view's WGS-84 bounds from the map's value; None when absent or not numbers."""
    bounds = returned.get("bounds") if isinstance(returned, dict) else None
    try:
        south_west, north_east = bounds["_southWest"], bounds["_northEast"]
        values = tuple(
            float(v)
            for v in (south_west["lng"], south_west["lat"], north_east["lng"], north_east["lat"])
        )
    except (TypeError, KeyError, ValueError):
        return None
    minx, miny, maxx, maxy = values
    if not (minx < maxx and miny < maxy) or not all(abs(v) <= 180 for v in values):
        return None
    return values


def layers_shown(page: MapPage) -> tuple[str, ...]:
    """The page's layers and uploads switched on, as the map last reported them (the page's
    defaults before it has)."""
    returned = st.session_state.get(state_key(page, "map")) or {}
    offered = (*page.layers, *uploaded_keys())
    shown = switched_on(returned, offered)
    if shown is None:
        shown = tuple(key for key in offered if key not in page.hidden)
    return shown


def _atlas(page: MapPage, lang: str) -> None:
    """The township atlas of the page's atlas layers switched on on its map, made on request."""
    st.markdown(f"**{text('atlas_title', lang)}**")
    st.caption(text("atlas_intro", lang))
    if st.button(text("atlas_make", lang), key=state_key(page, "atlas:make")):
        day = view_date() or beijing_today()
        layers = tuple(key for key in layers_shown(page) if key in page.layers)
        data = _made(lambda **watch: atlas_in_worker(layers, lang, day, **watch), lang)
        if data is None:
            st.session_state.pop(state_key(page, "atlas:file"), None)
        else:
            st.session_state[state_key(page, "atlas:file")] = data
    data = st.session_state.get(state_key(page, "atlas:file"))
    if data:
        st.download_button(
            text("atlas_download", lang),
            data=data,
            file_name=f"{dated(text('atlas_file', lang, page=page.title(lang)))}.pdf",
            mime="application/pdf",
            key=state_key(page, "atlas:download"),
            on_click="ignore",
        )


def _made(make: Callable[..., bytes], lang: str) -> bytes | None:
    """`make(on_progress=, cancelled=)` run behind a progress bar; None (the reason shown as
    an error) when the print stopped, or quietly when the user left."""
    bar = st.progress(0.0, text=text("print_making", lang))
    started = time.monotonic()
    shown = {"stage": "", "fraction": 0.0, "at": started}

    def draw() -> None:  # every st call is where Streamlit stops a run (the page left)
        shown["at"] = time.monotonic()
        seconds = int(shown["at"] - started)
        bar.progress(
            shown["fraction"],
            text=text("print_progress", lang, stage=shown["stage"], seconds=seconds),
        )

    def progress(stage: str, fraction: float) -> None:
        shown.update(stage=text(f"print_stage_{stage}", lang) if stage in _STAGES else stage)
        shown.update(fraction=min(max(fraction, 0.0), 1.0))
        draw()

    def stop() -> bool:
        if time.monotonic() - shown["at"] >= 1:
            draw()
        return session_left()

    on_progress: ProgressCallback = progress
    try:
        return make(on_progress=on_progress, cancelled=stop)
    except UploadCancelled:  # the user left while it was drawn: nobody to show it to
        log.info("a print stopped: the session left")
        return None
    except DataError as error:
        st.error(text("print_failed", lang, reason=_reason(error, lang)))
        return None
    finally:
        bar.empty()


def _reason(error: DataError, lang: str) -> str:
    """Why a print stopped, in `lang`: the limit it hit, or what went wrong."""
    if isinstance(error, PrintStopped):
        if error.limit is not None:
            return text(f"print_limit_{error.limit}", lang, n=f"{error.amount or 0:,}")
        return text("print_limit_other", lang)
    return plain_markdown(explain(error, lang))  # the layers could not be read for it
