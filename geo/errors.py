"""The one exception type of the spatial core, and what reading tells without refusing.

A DataError's message names the file and the problem; the problem text is kept short (a file
can make it huge: names, values, GDAL's messages) so that it can be shown whole.
A ReadNotice is a change or a loss that reading made and the validation report must tell.
"""

from __future__ import annotations

from dataclasses import dataclass
from os import PathLike

__all__ = ["MAX_PROBLEM_CHARS", "DataError", "ReadNotice", "SwappedAxes", "shorten"]

MAX_PROBLEM_CHARS = 600
_MAX_SOURCE_CHARS = 160


def shorten(text: str, limit: int) -> str:
    """`text` cut to `limit` characters, saying how much was left out."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text) - limit:,} more characters)"


class DataError(ValueError):
    """Input data that cannot be used, with the offending source named."""

    def __init__(self, source: str | PathLike[str], problem: str) -> None:
        self.source = shorten(str(source), _MAX_SOURCE_CHARS)
        self.problem = shorten(str(problem), MAX_PROBLEM_CHARS)
        super().__init__(f"{self.source}: {self.problem}")

    def __reduce__(self):  # pickled across the upload worker's pipe with its own arguments
        return (type(self), (self.source, self.problem))


class SwappedAxes(DataError):
    """Coordinates that read right only with x and y exchanged (latitude written first)."""


@dataclass(frozen=True)
class ReadNotice:
    """Something reading changed or left out, with how many rows or values it touched.

    `code` names the kind (the UI explains it in the reader's language), `count` how many
    features, rows, cells or values it touched, `detail` the English specifics.
    """

    code: str
    count: int
    detail: str
