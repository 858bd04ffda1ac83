"""A file offered as a new version of an atlas layer, checked against the layer's spec: the
fields it must hold and their kinds, the geometry kind, unique ids, a CRS that was not
guessed, and values that look like the layer's units. Problems are codes with values; the
pages word them in the reader's language."""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd

from layers.spec import LayerSpec

__all__ = ["Problem", "SpecCheck", "check_against_spec"]

# Geometry types a layer of each kind accepts (single and multi-part).
_ACCEPTED = {
    "point": ("Point",),
    "line": ("LineString", "MultiLineString"),
    "polygon": ("Polygon", "MultiPolygon"),
}
_SHOWN = 5  # rows or values named in one problem
# A numeric field whose typical value is this many times larger or smaller than the layer's
# now was probably given in another unit (元 for 万元, 亿元 for 万元, 平方米 for 亩 …).
_UNIT_FACTOR = 50.0


@dataclass(frozen=True)
class Problem:
    """One finding: `code` names it, `values` fill its sentence (rows are 1-based)."""

    code: str
    values: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class SpecCheck:
    """The file's features conformed to the layer (None when refused), what refuses it, and
    what the publisher should look at before publishing."""

    frame: gpd.GeoDataFrame | None
    errors: tuple[Problem, ...]
    warnings: tuple[Problem, ...]


def check_against_spec(
    spec: LayerSpec, frame: gpd.GeoDataFrame, current: gpd.GeoDataFrame, *, crs_guessed: bool
) -> SpecCheck:
    """`frame` (EPSG:4326, as read from an upload) checked against `spec`; `current` is the
    layer as stored now (for the units check)."""
    errors: list[Problem] = []
    warnings: list[Problem] = []
    names = [f.name for f in spec.fields]
    missing = [name for name in names if name not in frame.columns]
    if missing:
        errors.append(Problem("missing_fields", {"fields": missing}))
    if crs_guessed:
        errors.append(Problem("crs_guessed", {"crs": str(frame.crs)}))
    errors += _geometry_problems(spec, frame)
    if spec.id_field in frame.columns:
        errors += _id_problems(frame[spec.id_field])
    conformed = {}
    for spec_field in spec.fields:
        if spec_field.name not in frame.columns:
            continue
        values, problem = _of_kind(frame[spec_field.name], spec_field.kind, spec_field.name)
        if problem is not None:
            errors.append(problem)
        conformed[spec_field.name] = values
        if problem is None and spec_field.kind in ("int", "float"):
            warnings += _unit_warnings(spec_field.name, values, current.get(spec_field.name))
    extra = [c for c in frame.columns if c not in names and c != frame.geometry.name]
    if extra:
        warnings.append(Problem("extra_fields", {"fields": extra}))
    if errors:
        return SpecCheck(None, tuple(errors), tuple(warnings))
    result = gpd.GeoDataFrame(conformed, geometry=frame.geometry.values, crs=frame.crs)
    return SpecCheck(result.reset_index(drop=True), (), tuple(warnings))


def _rows(mask: np.ndarray) -> list[int]:
    return [int(i) + 1 for i in np.flatnonzero(mask)[:_SHOWN]]


def _geometry_problems(spec: LayerSpec, frame: gpd.GeoDataFrame) -> list[Problem]:
    kinds = frame.geometry.geom_type
    empty = (frame.geometry.isna() | frame.geometry.is_empty).to_numpy()
    problems = []
    if empty.any():
        problems.append(
            Problem("empty_geometry", {"count": int(empty.sum()), "rows": _rows(empty)})
        )
    wrong = (~kinds.isin(_ACCEPTED[spec.geometry])).to_numpy() & ~empty
    if wrong.any():
        found = sorted(set(kinds[wrong]))
        problems.append(
            Problem(
                "wrong_geometry",
                {
                    "expected": spec.geometry,
                    "found": found,
                    "count": int(wrong.sum()),
                    "rows": _rows(wrong),
                },
            )
        )
    return problems


def _id_problems(ids: pd.Series) -> list[Problem]:
    text = ids.astype("string").str.strip()
    blank = (text.isna() | (text == "")).to_numpy()
    problems = []
    if blank.any():
        problems.append(Problem("empty_ids", {"count": int(blank.sum()), "rows": _rows(blank)}))
    repeated = text[~blank & text.duplicated(keep=False).to_numpy()]
    if len(repeated):
        shown = list(dict.fromkeys(repeated))[:_SHOWN]
        problems.append(Problem("duplicate_ids", {"count": repeated.nunique(), "ids": shown}))
    return problems


def _of_kind(values: pd.Series, kind: str, name: str) -> tuple[pd.Series, Problem | None]:
    """The values converted to the field's kind, or the rows that cannot be."""
    if kind == "text":
        return values.astype("string").astype(object).where(values.notna(), None), None
    numbers = pd.to_numeric(values, errors="coerce")
    bad = (numbers.isna() & values.notna() & (values.astype("string").str.strip() != "")).to_numpy()
    if kind == "int":
        fractional = (numbers.notna() & (numbers != numbers.round())).to_numpy()
        bad = bad | fractional
    if bad.any():
        examples = [str(v)[:40] for v in values[bad].head(_SHOWN)]
        code = "not_integer" if kind == "int" else "not_number"
        return values, Problem(
            code, {"field": name, "count": int(bad.sum()), "rows": _rows(bad), "values": examples}
        )
    if kind == "int":
        return (numbers.astype("Int64") if numbers.isna().any() else numbers.astype("int64")), None
    return numbers.astype("float64"), None


def _unit_warnings(name: str, values: pd.Series, current: pd.Series | None) -> list[Problem]:
    if current is None:
        return []
    new_typical = values.abs()[values.abs() > 0].median()
    old_typical = current.abs()[current.abs() > 0].median()
    if pd.isna(new_typical) or pd.isna(old_typical):
        return []
    ratio = float(new_typical / old_typical)
    if 1 / _UNIT_FACTOR <= ratio <= _UNIT_FACTOR:
        return []
    return [Problem("unit_suspect", {"field": name, "ratio": ratio})]
