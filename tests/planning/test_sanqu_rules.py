"""The 三区三线 rules file: the shipped one loads, and each kind of mistake in it is refused with
the file and the problem named."""

from __future__ import annotations

import copy
import os
from pathlib import Path

import pytest
import yaml

from geo.errors import DataError
from planning.conformity import RULES_PATH, category_of, load_rules


@pytest.fixture(scope="module")
def shipped() -> dict:
    return yaml.safe_load(RULES_PATH.read_text(encoding="utf-8"))


def _write(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_the_shipped_rules_load() -> None:
    rules = load_rules()
    assert rules.zones == ("urban_boundary", "basic_farmland", "eco_redline")
    assert set(rules.categories) == {"工业", "商住", "文旅", "农业"}
    industrial = rules.category("工业")
    assert [r.id for r in industrial.rules] == [
        "inside_urban_boundary",
        "no_basic_farmland",
        "no_eco_redline",
    ]
    assert industrial.rules[0].min_share == 0.999 and industrial.rules[1].tolerance_mu == 0.01
    assert [r.zone for r in rules.category("农业").rules] == ["eco_redline"]


def _first_rule(data: dict) -> dict:
    return data["categories"]["工业"]["rules"][0]


def _set(path: list, value: object):
    def change(data: dict) -> None:
        target = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return change


def _drop_text(data: dict) -> None:
    rule = _first_rule(data)
    rule["texts"] = copy.deepcopy(rule["texts"])
    del rule["texts"]["fail"]["en"]


def _bad_placeholder(data: dict) -> None:
    rule = _first_rule(data)
    rule["texts"] = copy.deepcopy(rule["texts"])
    rule["texts"]["pass"]["zh"] = "位于边界内 {share_percent}"


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (_set(["zones", 1], "farmland"), "zone 'farmland' is not a layer of the atlas"),
        (_set(["zones", 1], "river"), "zone 'river' is not a polygon layer"),
        (
            _set(["categories", "工业", "rules", 0, "condition"], "inside"),
            "unknown condition 'inside'",
        ),
        (
            _set(["categories", "工业", "rules", 0, "zone"], "townships"),
            "zone 'townships' is not one of the zones",
        ),
        (_drop_text, "missing text fail.en"),
        (_bad_placeholder, "unknown placeholders ['share_percent']"),
        (
            _set(["categories", "工业", "rules", 0, "min_share"], "99.9%"),
            "'min_share' must be a number, not '99.9%'",
        ),
        (_set(["categories", "工业", "rules", 0, "min_share"], 99.9), "'min_share' 99.9 is out"),
        (
            _set(["categories", "工业", "rules", 1, "tolerance_mu"], -1),
            "'tolerance_mu' -1 is out of range",
        ),
        (_set(["categories", "工业", "en"], ""), "category '工业' has no English name"),
        (
            _set(["layers", "enclave_projects", "map", "房地产"], "住宅"),
            "'房地产' maps to unknown category '住宅'",
        ),
        (
            _set(["layers", "enclave_projects", "field"], "sector"),
            "field 'sector' is not a field of the layer",
        ),
        (_set(["layers", "enclave_projects", "default"], None), "default 'None' is not a category"),
        (_set(["colours"], {}), "unknown keys ['colours']"),
    ],
    ids=[
        "unknown zone layer",
        "zone not polygons",
        "unknown condition",
        "rule on a zone not listed",
        "missing text",
        "unknown placeholder",
        "share not a number",
        "share out of range",
        "negative tolerance",
        "category without English",
        "unknown category in map",
        "unknown field",
        "no default",
        "unknown key",
    ],
)
def test_a_mistake_is_refused_naming_the_file_and_the_problem(
    tmp_path: Path, shipped: dict, change, problem: str
) -> None:
    data = copy.deepcopy(shipped)
    change(data)
    path = _write(tmp_path, data)
    with pytest.raises(DataError) as raised:
        load_rules(path)
    assert str(path) in str(raised.value)
    assert problem in str(raised.value)


def test_a_file_that_is_not_yaml_or_is_missing_is_refused(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("zones: [urban_boundary\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"broken\.yaml: not valid YAML"):
        load_rules(broken)
    with pytest.raises(DataError, match=r"missing\.yaml: cannot read the rules"):
        load_rules(tmp_path / "missing.yaml")


def test_a_changed_file_is_read_again(tmp_path: Path, shipped: dict) -> None:
    path = _write(tmp_path, shipped)
    assert load_rules(path).category("工业").rules[0].min_share == 0.999
    changed = copy.deepcopy(shipped)
    _first_rule(changed)["min_share"] = 0.95
    path.write_text(yaml.safe_dump(changed, allow_unicode=True), encoding="utf-8")
    os.utime(path, ns=(1, 10**18))  # a new modification time, however fast the test runs
    assert load_rules(path).category("工业").rules[0].min_share == 0.95


@pytest.mark.parametrize(
    ("industry", "category"),
    [
        ("高端装备", "工业"),
        ("新材料", "工业"),
        ("电子信息", "工业"),
        ("现代物流", "工业"),
        ("农产品加工", "工业"),
        ("房地产", "商住"),
        ("商贸综合体", "商住"),
        ("文旅康养", "文旅"),
        ("航空航天", "工业"),  # not in the map: the default
    ],
)
def test_enclave_industries_map_to_categories(industry: str, category: str) -> None:
    assert category_of("enclave_projects", {"industry": industry}) == category


def test_a_layer_without_a_mapping_names_the_rules_file() -> None:
    with pytest.raises(KeyError, match="no category mapping for layer 'orchards'"):
        category_of("orchards", {"name": "燕阳山果园1区"})
