"""How much work an uploaded file may cause: sizes, counts and the reading worker's resources.

Every limit is checked before the work it bounds (an archive's directory before unpacking, a
table's header before its rows, a layer's field and feature counts before its rows are read,
vertices before repairs); the worker's memory, CPU time and wall-clock time bound the rest.
The server's configuration sets the main ones (ATLAS_UPLOAD_*); tests pass their own.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields

__all__ = ["MB", "UploadLimits"]

MB = 1024 * 1024


@dataclass(frozen=True)
class UploadLimits:
    """How much an uploaded file may hold and cost; set by the server's configuration."""

    max_file_bytes: int = 200 * MB
    max_unpacked_bytes: int = 1024 * MB
    max_members: int = 500
    max_ratio: float = 200.0
    max_features: int = 1_000_000
    max_fields: int = 1_000
    max_cells: int = 20_000_000  # features × fields
    max_vertices_per_feature: int = 250_000
    max_vertices: int = 20_000_000
    memory_bytes: int = 3072 * MB  # the reading worker's address space
    cpu_seconds: int = 120
    wall_seconds: int = 180

    @classmethod
    def from_environment(cls) -> UploadLimits:
        """Limits from ATLAS_UPLOAD_MAX_MB, ATLAS_UNPACK_MAX_MB, ATLAS_UPLOAD_MEMORY_MB,
        ATLAS_UPLOAD_CPU_S and ATLAS_UPLOAD_WALL_S (defaults otherwise)."""
        defaults = cls()
        return cls(
            max_file_bytes=_setting("ATLAS_UPLOAD_MAX_MB", defaults.max_file_bytes, MB),
            max_unpacked_bytes=_setting("ATLAS_UNPACK_MAX_MB", defaults.max_unpacked_bytes, MB),
            memory_bytes=_setting("ATLAS_UPLOAD_MEMORY_MB", defaults.memory_bytes, MB),
            cpu_seconds=_setting("ATLAS_UPLOAD_CPU_S", defaults.cpu_seconds, 1),
            wall_seconds=_setting("ATLAS_UPLOAD_WALL_S", defaults.wall_seconds, 1),
        )

    def as_dict(self) -> dict[str, float]:
        return {field.name: getattr(self, field.name) for field in fields(self)}


def _setting(name: str, default: int, unit: int) -> int:
    value = os.environ.get(name)
    if value is None:
        return default
    try:
        number = float(value)
    except ValueError:
        raise ValueError(f"{name}={value!r} is not a number") from None
    if number <= 0:
        raise ValueError(f"{name} must be positive, got {value!r}")
    return int(number * unit)
