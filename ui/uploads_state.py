"""The uploaded layers of this session: what the data page added, what every map shows."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from layers import forget_session_layer, is_layer, register_session_layer
from layers.uploaded import UploadedLayer

__all__ = ["SessionUpload", "add_upload", "remove_upload", "session_uploads", "uploaded_keys"]

_STATE = "uploads"


@dataclass(frozen=True)
class SessionUpload:
    """One uploaded file as added to the map: its layers and where it came from."""

    title: str
    source_name: str
    layers: tuple[UploadedLayer, ...]

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(layer.spec.key for layer in self.layers)


def session_uploads() -> list[SessionUpload]:
    """This session's uploads whose layers are still held by the server."""
    uploads = st.session_state.get(_STATE, [])
    for upload in uploads:  # a server restart or eviction forgets layers: register them again
        for layer in upload.layers:
            if not is_layer(layer.spec.key):
                register_session_layer(layer.spec, layer.frame)
    return list(uploads)


def uploaded_keys() -> tuple[str, ...]:
    """The keys of every uploaded layer of this session, in the order they were added."""
    return tuple(key for upload in session_uploads() for key in upload.keys)


def add_upload(upload: SessionUpload) -> None:
    """Add an upload's layers to this session's maps."""
    for layer in upload.layers:
        register_session_layer(layer.spec, layer.frame)
    st.session_state[_STATE] = [*st.session_state.get(_STATE, []), upload]


def remove_upload(index: int) -> None:
    """Take the upload at `index` off this session's maps."""
    uploads = list(st.session_state.get(_STATE, []))
    removed = uploads.pop(index)
    for key in removed.keys:
        forget_session_layer(key)
    st.session_state[_STATE] = uploads
