"""The 三区三线 rules kept as data (data/rules/sanqu_sanxian.yaml), validated on load: each
problem is named with the file in one DataError."""

from __future__ import annotations

import math
import string
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from geo.errors import DataError
from layers import REGISTRY

__all__ = [
    "CONDITIONS",
    "PLACEHOLDERS",
    "RULES_PATH",
    "Category",
    "LayerMapping",
    "Rule",
    "Rules",
    "read_rules",
]

RULES_PATH = Path(__file__).resolve().parents[1] / "data" / "rules" / "sanqu_sanxian.yaml"
CONDITIONS = ("within", "no_overlap")
PLACEHOLDERS = (
    "zone_zh",
    "zone_en",
    "site_mu",
    "area_mu",
    "share_pct",
    "outside_mu",
    "min_share_pct",
    "tolerance_mu",
)
_TEXT_KINDS = ("pass", "fail", "short")
_LANGS = ("zh", "en")


@dataclass(frozen=True)
class Rule:
    """One condition a category's sites must meet on one zone layer, with its texts."""

    id: str
    zone: str
    condition: str
    texts: Mapping[str, Mapping[str, str]]  # kind (pass, fail, short) → lang → template
    min_share: float = 1.0  # within: the least share of the site inside the zone
    tolerance_mu: float = 0.0  # no_overlap: the most 亩 inside the zone still passing

    def text(self, kind: str, lang: str, **figures: object) -> str:
        """The rule's `kind` text ('pass', 'fail', 'short') in `lang`, figures filled in."""
        return self.texts[kind][lang].format(**figures)


@dataclass(frozen=True)
class Category:
    """A kind of project (工业, 商住, …) and the rules its sites must meet."""

    key: str
    title_zh: str
    title_en: str
    rules: tuple[Rule, ...]


@dataclass(frozen=True)
class LayerMapping:
    """How a layer's features get their category: a field's value, else the default."""

    layer: str
    field: str
    values: Mapping[str, str]
    default: str


@dataclass(frozen=True)
class Rules:
    """The whole rule file: zone layers in order, categories and layer mappings."""

    source: str
    zones: tuple[str, ...]
    categories: Mapping[str, Category]
    layers: Mapping[str, LayerMapping]

    def category(self, key: str) -> Category:
        """The category `key`; KeyError naming the known ones otherwise."""
        if key not in self.categories:
            raise KeyError(f"no category '{key}'; known: {', '.join(self.categories)}")
        return self.categories[key]


def read_rules(path: Path) -> Rules:
    """The rules in `path`; DataError naming the file and every problem found."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise DataError(path, f"cannot read the rules ({error.strerror or error})") from error
    except yaml.YAMLError as error:
        raise DataError(path, f"not valid YAML ({error})") from error
    problems: list[str] = []
    rules = _parse(data, str(path), problems)
    if problems:
        raise DataError(path, "; ".join(problems))
    assert rules is not None
    return rules


def _parse(data: object, source: str, problems: list[str]) -> Rules | None:
    if not isinstance(data, dict):
        problems.append("the file must be a mapping with zones, categories and layers")
        return None
    unknown = [k for k in data if not str(k).startswith("_") and k not in _TOP_KEYS]
    if unknown:
        problems.append(f"unknown keys {unknown} (known: {', '.join(_TOP_KEYS)})")
    zones = data.get("zones")
    if not isinstance(zones, list) or not zones:
        problems.append("'zones' must list the zone layers")
        zones = []
    for zone in zones:
        if zone not in REGISTRY:
            problems.append(f"zone '{zone}' is not a layer of the atlas")
        elif REGISTRY[zone].geometry != "polygon":
            problems.append(f"zone '{zone}' is not a polygon layer")
    categories = {}
    raw_categories = data.get("categories")
    if not isinstance(raw_categories, dict) or not raw_categories:
        problems.append("'categories' must map each category to its names and rules")
        raw_categories = {}
    for key, raw in raw_categories.items():
        category = _category(str(key), raw, zones, problems)
        if category is not None:
            categories[category.key] = category
    layers = {}
    raw_layers = data.get("layers") or {}
    if not isinstance(raw_layers, dict):
        problems.append("'layers' must map layer keys to a field, a value map and a default")
        raw_layers = {}
    for key, raw in raw_layers.items():
        mapping = _mapping(str(key), raw, raw_categories, problems)
        if mapping is not None:
            layers[mapping.layer] = mapping
    return Rules(source, tuple(zones), categories, layers)


_TOP_KEYS = ("zones", "categories", "layers")


def _category(key: str, raw: object, zones: list, problems: list[str]) -> Category | None:
    where = f"category '{key}'"
    if not isinstance(raw, dict):
        problems.append(f"{where} must be a mapping with 'en' and 'rules'")
        return None
    title_en = raw.get("en")
    if not isinstance(title_en, str) or not title_en.strip():
        problems.append(f"{where} has no English name ('en')")
    raw_rules = raw.get("rules")
    if not isinstance(raw_rules, list) or not raw_rules:
        problems.append(f"{where} has no rules")
        raw_rules = []
    rules = [_rule(f"{where} rule {n}", r, zones, problems) for n, r in enumerate(raw_rules, 1)]
    ids = [r.id for r in rules if r is not None]
    if len(set(ids)) != len(ids):
        problems.append(f"{where} has two rules with the same id")
    return Category(key, key, str(title_en or ""), tuple(r for r in rules if r is not None))


def _rule(where: str, raw: object, zones: list, problems: list[str]) -> Rule | None:
    if not isinstance(raw, dict):
        problems.append(f"{where} must be a mapping")
        return None
    rule_id = raw.get("id")
    if not isinstance(rule_id, str) or not rule_id:
        problems.append(f"{where} has no id")
    else:
        where = f"{where} ('{rule_id}')"
    zone, condition = raw.get("zone"), raw.get("condition")
    if zone not in zones:
        problems.append(f"{where}: zone '{zone}' is not one of the zones {zones}")
    if condition not in CONDITIONS:
        problems.append(
            f"{where}: unknown condition '{condition}' (known: {', '.join(CONDITIONS)})"
        )
    min_share, tolerance = 1.0, 0.0
    if condition == "within":
        min_share = _number(raw, "min_share", where, problems, low=0.0, high=1.0)
    elif condition == "no_overlap":
        tolerance = _number(raw, "tolerance_mu", where, problems, low=0.0, high=math.inf)
    texts = _texts(raw.get("texts"), where, problems)
    return Rule(str(rule_id), str(zone), str(condition), texts, min_share, tolerance)


def _number(
    raw: dict, key: str, where: str, problems: list[str], *, low: float, high: float
) -> float:
    value = raw.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
        problems.append(f"{where}: '{key}' must be a number, not {value!r}")
        return 0.0
    if not low <= value <= high or (key == "min_share" and value <= 0):
        problems.append(f"{where}: '{key}' {value} is out of range")
    return float(value)


def _texts(raw: object, where: str, problems: list[str]) -> dict[str, dict[str, str]]:
    texts: dict[str, dict[str, str]] = {}
    if not isinstance(raw, dict):
        problems.append(f"{where}: 'texts' must give pass, fail and short texts in zh and en")
        return texts
    for kind in _TEXT_KINDS:
        texts[kind] = {}
        for lang in _LANGS:
            value = (raw.get(kind) or {}).get(lang) if isinstance(raw.get(kind), dict) else None
            if not isinstance(value, str) or not value.strip():
                problems.append(f"{where}: missing text {kind}.{lang}")
                continue
            unknown = _unknown_placeholders(value)
            if unknown:
                problems.append(
                    f"{where}: text {kind}.{lang} has unknown placeholders {unknown}"
                    f" (known: {', '.join(PLACEHOLDERS)})"
                )
            texts[kind][lang] = value
    return texts


def _unknown_placeholders(template: str) -> list[str]:
    try:
        names = [name for _, name, _, _ in string.Formatter().parse(template) if name is not None]
    except ValueError:
        return ["(unbalanced braces)"]
    return sorted({name for name in names if name not in PLACEHOLDERS})


def _mapping(key: str, raw: object, categories: dict, problems: list[str]) -> LayerMapping | None:
    where = f"layer '{key}'"
    if key not in REGISTRY:
        problems.append(f"{where} is not a layer of the atlas")
        return None
    if not isinstance(raw, dict):
        problems.append(f"{where} must give a field, a map and a default")
        return None
    field, values, default = raw.get("field"), raw.get("map") or {}, raw.get("default")
    if field not in {f.name for f in REGISTRY[key].fields}:
        problems.append(f"{where}: field '{field}' is not a field of the layer")
    if not isinstance(values, dict):
        problems.append(f"{where}: 'map' must map field values to categories")
        values = {}
    for value, category in values.items():
        if category not in categories:
            problems.append(f"{where}: '{value}' maps to unknown category '{category}'")
    if default not in categories:
        problems.append(f"{where}: default '{default}' is not a category")
    return LayerMapping(key, str(field), {str(k): str(v) for k, v in values.items()}, str(default))
