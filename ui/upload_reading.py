"""An uploaded file read in the limited worker while the page shows progress and can cancel.

The outcome (features and report, or the refusal) is kept in the session by the file's digest
and the reading choices, so reruns of the page never read the same file again; a refusal is
kept too, so a hostile file costs its limits once, not on every click.  The worker stops
when the user presses cancel (Streamlit interrupts this run and the worker is killed), when
the user leaves (the session is no longer connected), or when a limit is hit.
"""

from __future__ import annotations

import logging
import tempfile
import time
from collections import OrderedDict
from dataclasses import dataclass, replace
from pathlib import Path

import streamlit as st
from streamlit.runtime import Runtime
from streamlit.runtime.scriptrunner import get_script_run_ctx

from geo.errors import DataError
from geo.offsets import WGS84
from geo.upload_worker import UploadCancelled, UploadOutcome, read_upload
from layers import load_layer
from ui.i18n import text

__all__ = [
    "ReadingChoices",
    "cancel_reading",
    "forget_cancel",
    "read_upload_once",
    "session_left",
]

log = logging.getLogger(__name__)

_OUTCOMES = "data:outcomes"
_CANCELLED = "data:cancelled"
_KEEP = 4  # outcomes kept per session (each holds a file's features)
_STAGES = ("unpack", "check", "read", "crs", "repair", "report")


@dataclass(frozen=True)
class ReadingChoices:
    """What the user chose for reading a file: layer, CRS, datum, swapped axes."""

    layer: str | None = None
    crs: str | None = None
    datum: str = WGS84
    swap: bool = False


def read_upload_once(
    name: str, data: bytes, digest: str, choices: ReadingChoices, lang: str
) -> UploadOutcome | DataError | None:
    """The file's outcome (read now, with progress, or kept from before); None if cancelled."""
    key = (digest, choices)
    outcomes: OrderedDict = st.session_state.setdefault(_OUTCOMES, OrderedDict())
    if key in outcomes:
        return outcomes[key]
    if st.session_state.get(_CANCELLED) == key or st.session_state.get(_cancel_key(digest)):
        st.session_state[_CANCELLED] = key  # the button's own state too: a cancel is never lost
        return None
    outcome = _read(name, data, choices, lang, key)
    if outcome is None:  # the session left: nobody to show it to
        return None
    outcomes[key] = outcome
    if isinstance(outcome, UploadOutcome) and choices.layer is None and outcome.report.layer:
        outcomes[(digest, replace(choices, layer=outcome.report.layer))] = outcome  # shown next
    while len(outcomes) > _KEEP:
        outcomes.popitem(last=False)
    return outcome


def cancel_reading(key: tuple) -> None:
    """Remember that the user stopped this reading (a button's callback, before the rerun)."""
    st.session_state[_CANCELLED] = key


def _cancel_key(digest: str) -> str:
    return f"data:cancel:{digest}"


def forget_cancel() -> None:
    """Read the cancelled file again on the next run."""
    st.session_state.pop(_CANCELLED, None)


def _read(
    name: str, data: bytes, choices: ReadingChoices, lang: str, key: tuple
) -> UploadOutcome | DataError | None:
    bar = st.progress(0.0, text=text("data_reading", lang, name=name, stage="", seconds=0))
    cancel = st.empty()
    cancel.button(
        text("data_cancel", lang), key=_cancel_key(key[0]), on_click=cancel_reading, args=(key,)
    )
    started = time.monotonic()
    shown = {"stage": "", "fraction": 0.0, "at": started}

    def progress(stage: str, fraction: float) -> None:
        shown.update(stage=text(f"data_stage_{stage}", lang) if stage in _STAGES else stage)
        shown.update(fraction=min(fraction, 1.0))
        _draw()

    def _draw() -> None:  # every st call is where Streamlit stops a run (cancel, page left)
        shown["at"] = time.monotonic()
        seconds = int(shown["at"] - started)
        label = text("data_reading", lang, name=name, stage=shown["stage"], seconds=seconds)
        bar.progress(shown["fraction"], text=label)

    def stop() -> bool:
        if time.monotonic() - shown["at"] >= 1:
            _draw()
        return session_left()

    district = load_layer("district").geometry.union_all()
    with tempfile.TemporaryDirectory(prefix="atlas-upload-") as folder:
        path = Path(folder) / f"upload{Path(name).suffix.lower()}"
        path.write_bytes(data)
        try:
            return read_upload(
                path,
                file_name=name,
                district=district,
                layer=choices.layer,
                crs=choices.crs,
                datum=choices.datum,
                swap_xy=choices.swap,
                on_progress=progress,
                cancelled=stop,
            )
        except DataError as error:
            return error
        except UploadCancelled:
            log.info("reading %r stopped: the session left", name)
            return None
        finally:
            bar.empty()
            cancel.empty()


def session_left() -> bool:
    """Whether the user's browser is gone (the session no longer connected)."""
    context = get_script_run_ctx()
    if context is None or not Runtime.exists():
        return False
    return not Runtime.instance().is_active_session(context.session_id)
