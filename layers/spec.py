"""The declarative layer spec: fields, style, tooltip and key totals of one thematic layer."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = [
    "GEOMETRY_KINDS",
    "TOTAL_OPS",
    "CardRow",
    "Category",
    "Field",
    "LayerSpec",
    "LayerSpecError",
    "RelatedCount",
    "Style",
    "Total",
]

GEOMETRY_KINDS = ("point", "line", "polygon")
FIELD_KINDS = ("text", "int", "float", "bool")
NUMERIC_KINDS = ("int", "float")
# count: features; sum: a numeric field; distinct: distinct values of a field;
# count_where: features whose field equals `equals`; share_where: their share of all features (%);
# area_mu / area_km2 / length_km: measured geometry.
TOTAL_OPS = (
    "count",
    "sum",
    "distinct",
    "count_where",
    "share_where",
    "area_mu",
    "area_km2",
    "length_km",
)
_KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
_COLOR_PATTERN = re.compile(r"^#[0-9a-fA-F]{6}$")
_DBF_NAME_LIMIT = 10


class LayerSpecError(ValueError):
    """A layer spec that contradicts itself; the message lists every problem."""


@dataclass(frozen=True)
class Field:
    """One attribute column: its DBF name, bilingual label and unit, and audience."""

    name: str
    label_zh: str
    label_en: str
    kind: str = "text"
    unit_zh: str = ""
    unit_en: str = ""
    public: bool = True
    english: str | None = None  # the field holding this text field's values in English

    def label(self, lang: str) -> str:
        """Label in 'zh' or 'en', with the unit in brackets when there is one."""
        label, unit = (
            (self.label_en, self.unit_en) if lang == "en" else (self.label_zh, self.unit_zh)
        )
        return f"{label} ({unit})" if unit else label


@dataclass(frozen=True)
class Category:
    """One value of a categorical style: stored value, English label and colour."""

    value: str
    label_en: str
    color: str

    def label(self, lang: str) -> str:
        return self.label_en if lang == "en" else self.value


@dataclass(frozen=True)
class Style:
    """How a layer is drawn: one colour, or colours by the categories of one field."""

    color: str
    fill_opacity: float = 0.35
    weight: float = 2.0
    radius: float = 5.0
    by_field: str | None = None
    categories: tuple[Category, ...] = ()

    def color_for(self, value: object) -> str:
        """Colour of a feature whose styled field holds `value`."""
        for category in self.categories:
            if category.value == value:
                return category.color
        return self.color


@dataclass(frozen=True)
class Total:
    """A key figure of the layer, computed from its data (never typed in)."""

    key: str
    label_zh: str
    label_en: str
    op: str
    field: str | None = None
    equals: str | None = None
    unit_zh: str = ""
    unit_en: str = ""
    scale: float = 1.0  # the computed value is divided by this (万元 → 亿元: 10000)

    def label(self, lang: str) -> str:
        label, unit = (
            (self.label_en, self.unit_en) if lang == "en" else (self.label_zh, self.unit_zh)
        )
        return f"{label} ({unit})" if unit else label

    def unit(self, lang: str) -> str:
        return self.unit_en if lang == "en" else self.unit_zh


@dataclass(frozen=True)
class RelatedCount:
    """Features of another layer that name this feature (e.g. households of a village)."""

    layer: str
    field: str
    label_zh: str
    label_en: str
    unit_zh: str = ""
    unit_en: str = ""

    def label(self, lang: str) -> str:
        label, unit = (
            (self.label_en, self.unit_en) if lang == "en" else (self.label_zh, self.unit_zh)
        )
        return f"{label} ({unit})" if unit else label


@dataclass(frozen=True)
class CardRow:
    """One row of a feature's public card (the presentation's site card): a public field,
    shown in its own unit or rescaled into another (万元 → 亿元: scale 10000)."""

    field: str
    unit_zh: str | None = None  # None: the field's own unit
    unit_en: str | None = None
    scale: float = 1.0
    scale_en: float | None = None  # None: `scale` (English may count in another unit)

    def unit_and_scale(self, field: Field, lang: str) -> tuple[str, float]:
        """The unit the card shows `field` in, in `lang`, and what to divide its values by."""
        if lang == "en":
            unit = field.unit_en if self.unit_en is None else self.unit_en
            return unit, self.scale if self.scale_en is None else self.scale_en
        return (field.unit_zh if self.unit_zh is None else self.unit_zh), self.scale


@dataclass(frozen=True)
class LayerSpec:
    """One thematic layer, validated when built: every problem is named in one error."""

    key: str
    title_zh: str
    title_en: str
    source: str
    geometry: str
    id_field: str
    name_field: str
    fields: tuple[Field, ...]
    style: Style
    tooltip: tuple[str, ...] = ()
    totals: tuple[Total, ...] = ()
    township_field: str | None = None  # field naming the township, by code or by name
    densities: tuple[str, ...] = ()  # numeric fields also shown per 亩 of the feature's area
    related: tuple[RelatedCount, ...] = ()
    card: tuple[CardRow, ...] = ()  # what a public card of one feature shows, in this order
    illustrative: bool = True
    description_zh: str = ""
    description_en: str = ""
    _by_name: dict[str, Field] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_name", {f.name: f for f in self.fields})
        problems = self._problems()
        if problems:
            raise LayerSpecError(f"layer spec '{self.key}': " + "; ".join(problems))

    def title(self, lang: str) -> str:
        return self.title_en if lang == "en" else self.title_zh

    def field(self, name: str) -> Field:
        """The field called `name`; KeyError naming the layer if there is none."""
        try:
            return self._by_name[name]
        except KeyError:
            raise KeyError(f"layer '{self.key}' has no field '{name}'") from None

    @property
    def public_fields(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.public)

    @property
    def internal_fields(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if not f.public)

    def _problems(self) -> list[str]:
        problems: list[str] = []
        if not _KEY_PATTERN.match(self.key):
            problems.append("key must be lower-case letters, digits and underscores")
        if not self.title_zh or not self.title_en:
            problems.append("titles in Chinese and English are both required")
        if self.geometry not in GEOMETRY_KINDS:
            problems.append(f"geometry '{self.geometry}' is not one of {GEOMETRY_KINDS}")
        if not self.source.endswith(".shp"):
            problems.append(f"source '{self.source}' must name a .shp file")
        problems += self._field_problems()
        problems += self._reference_problems()
        problems += self._style_problems()
        problems += self._total_problems()
        problems += self._density_problems()
        return problems

    def _density_problems(self) -> list[str]:
        problems = []
        if self.densities and self.geometry != "polygon":
            problems.append(f"densities per 亩 need polygons, not a {self.geometry} layer")
        for name in self.densities:
            if name not in self._by_name or self._by_name[name].kind not in NUMERIC_KINDS:
                problems.append(f"density field '{name}' is not a numeric field")
            elif not self._by_name[name].public:
                problems.append(f"density field '{name}' is internal")
        return problems

    def _field_problems(self) -> list[str]:
        problems = []
        names = [f.name for f in self.fields]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            problems.append(f"duplicate fields {duplicates}")
        for f in self.fields:
            if len(f.name) > _DBF_NAME_LIMIT:
                problems.append(
                    f"field '{f.name}' is longer than {_DBF_NAME_LIMIT} characters (DBF limit)"
                )
            if f.kind not in FIELD_KINDS:
                problems.append(f"field '{f.name}' has kind '{f.kind}', not one of {FIELD_KINDS}")
            if not f.label_zh or not f.label_en:
                problems.append(f"field '{f.name}' needs labels in Chinese and English")
            if bool(f.unit_zh) != bool(f.unit_en):
                problems.append(f"field '{f.name}' has a unit in one language only")
        return problems

    def _reference_problems(self) -> list[str]:
        problems = []
        for role, name in (("id_field", self.id_field), ("name_field", self.name_field)):
            if name not in self._by_name:
                problems.append(f"{role} '{name}' is not a field")
            elif not self._by_name[name].public:
                problems.append(f"{role} '{name}' must be public")
        if self.township_field is not None and self.township_field not in self._by_name:
            problems.append(f"township_field '{self.township_field}' is not a field")
        for f in self.fields:
            if f.english is not None and f.english not in self._by_name:
                problems.append(f"field '{f.name}' names '{f.english}' as its English, not a field")

        for role, names in (("tooltip", self.tooltip), ("card", [r.field for r in self.card])):
            for name in names:
                if name not in self._by_name:
                    problems.append(f"{role} field '{name}' is not a field")
                elif not self._by_name[name].public:
                    problems.append(f"{role} field '{name}' is internal and may not be shown")
        for row in self.card:
            if (row.unit_zh is None) != (row.unit_en is None) or min(
                row.scale, row.scale_en or 1
            ) <= 0:
                problems.append(f"card field '{row.field}' needs both units or neither, scale > 0")
        return problems

    def _style_problems(self) -> list[str]:
        problems = []
        colors = [self.style.color, *(c.color for c in self.style.categories)]
        problems += [f"colour '{c}' is not #rrggbb" for c in colors if not _COLOR_PATTERN.match(c)]
        if self.style.by_field is not None:
            if self.style.by_field not in self._by_name:
                problems.append(f"style field '{self.style.by_field}' is not a field")
            elif not self._by_name[self.style.by_field].public:
                problems.append(f"style field '{self.style.by_field}' is internal")
            if not self.style.categories:
                problems.append("a style by field needs categories")
        elif self.style.categories:
            problems.append("style categories given without a style field")
        return problems

    def _total_problems(self) -> list[str]:
        problems = []
        for total in self.totals:
            if total.op not in TOTAL_OPS:
                problems.append(f"total '{total.key}' has op '{total.op}', not one of {TOTAL_OPS}")
                continue
            needs_field = total.op in ("sum", "distinct", "count_where", "share_where")
            if needs_field and total.field not in self._by_name:
                problems.append(
                    f"total '{total.key}' names field '{total.field}', which is not a field"
                )
            numeric = (
                total.field in self._by_name and self._by_name[total.field].kind in NUMERIC_KINDS
            )
            if total.op == "sum" and total.field in self._by_name and not numeric:
                problems.append(f"total '{total.key}' sums non-numeric field '{total.field}'")
            if total.op in ("count_where", "share_where") and total.equals is None:
                problems.append(f"total '{total.key}' needs a value to count ('equals')")
            if total.op in ("area_mu", "area_km2") and self.geometry != "polygon":
                problems.append(f"total '{total.key}' measures area of a {self.geometry} layer")
            if total.op == "length_km" and self.geometry != "line":
                problems.append(f"total '{total.key}' measures length of a {self.geometry} layer")
        return problems
