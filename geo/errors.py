"""The one exception type of the spatial core: every message names the file and the problem."""

from __future__ import annotations

from os import PathLike

__all__ = ["DataError", "SwappedAxes"]


class DataError(ValueError):
    """Input data that cannot be used, with the offending source named."""

    def __init__(self, source: str | PathLike[str], problem: str) -> None:
        self.source = str(source)
        self.problem = problem
        super().__init__(f"{self.source}: {problem}")


class SwappedAxes(DataError):
    """Coordinates that read right only with x and y exchanged (latitude written first)."""
