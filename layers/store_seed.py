"""The shipped data as the layer store's first version: every layer from data/shapefiles, and
the illustrative history of the layers that have one (data/history)."""

from __future__ import annotations

from pathlib import Path

from geo.io import read_vector_with_report
from layers.history_seed import read_history, replay
from layers.report import history_start
from layers.spec import LayerSpec
from store import LayerSchema, SeedLayer

__all__ = ["SEED_AUTHOR", "layer_schema", "seed_layers"]

SEED_AUTHOR = "data/shapefiles"


def layer_schema(spec: LayerSpec) -> LayerSchema:
    """What the store keeps of a layer: the spec's fields with their kinds."""
    return LayerSchema(
        key=spec.key,
        id_field=spec.id_field,
        geometry=spec.geometry,
        fields=tuple((field.name, field.kind) for field in spec.fields),
    )


def seed_layers(specs: tuple[LayerSpec, ...], data_dir: Path) -> list[SeedLayer]:
    """Every layer of `specs` read from `data_dir` (EPSG:4326), with its shipped history."""
    seeds = []
    for spec in specs:
        frame, report = read_vector_with_report(data_dir / spec.source)
        schema = layer_schema(spec)
        events = replay(frame, read_history(spec.key), spec.id_field, dict(schema.fields))
        seeds.append(SeedLayer(schema, frame, report.crs_source, history_start(), tuple(events)))
    return seeds
