"""Each published figure of the report, recomputed from a fresh layer store (seeded from the
shipped shapefiles and their history), as it is now and as it stood on the report's date.

The expected numbers are the report's (see ../shared/DOMAIN.md and data/sources/figures.csv),
written out here on purpose: a change to the fact tables that breaks a figure must fail.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from geo.stats import feature_measures, summarise
from layers import load_layer, viewing
from layers.report import report_date


@pytest.fixture(autouse=True, params=["now", "report date"])
def _seen_as(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every figure holds in the store as it is and as of the report's date."""
    with viewing(None if request.param == "now" else report_date()):
        yield


STREETS = (
    "双塔街道",
    "前进街道",
    "凌河街道",
    "光明街道",
    "凌凤街道",
    "龙山街道",
    "站南街道",
    "红旗街道",
    "燕北街道",
)


def _area_mu(key: str) -> float:
    return summarise(load_layer(key), "area_mu")


def test_thirteen_township_units_with_their_codes() -> None:
    townships = load_layer("townships")
    assert len(townships) == 13
    assert sorted(townships.loc[townships["kind"] == "街道", "name"]) == sorted(STREETS)
    codes = dict(zip(townships["name"], townships["code"], strict=True))
    assert codes["双塔街道"] == "211302001"
    assert codes["燕北街道"] == "211302010"
    assert codes["桃花吐镇"] == "211302100"
    assert codes["他拉皋镇"] == "211302101"
    assert codes["孙家湾镇"] == "211302102"
    assert codes["长宝营子乡"] == "211302205"


def test_district_outline_measures_about_481_square_kilometres() -> None:
    assert _area_mu("district") / 1500 == pytest.approx(480.9, abs=0.5)


def test_townships_partition_the_district_exactly() -> None:
    assert _area_mu("townships") == pytest.approx(_area_mu("district"), rel=1e-6)


def test_changbaoyingzi_is_about_68_square_kilometres() -> None:
    townships = load_layer("townships")
    changbao = townships[townships["name"] == "长宝营子乡"]
    assert summarise(changbao, "area_mu") / 1500 == pytest.approx(68, abs=3)


def test_named_villages_are_in_their_townships() -> None:
    villages = load_layer("villages")
    town_of = dict(zip(villages["name"], villages["town"], strict=True))
    assert town_of["房中村"] == "孙家湾镇"
    assert town_of["李杖子村"] == "孙家湾镇"
    assert town_of["王杖子村"] == "他拉皋镇"
    for name in ("长宝营子村", "海里营子村", "骆驼山子村", "嘎岔村", "平房子村", "二道湾子村"):
        assert town_of[name] == "长宝营子乡"


def test_changbaoyingzi_had_two_provincial_and_three_city_poor_villages() -> None:
    villages = load_layer("villages")
    local = villages[villages["town"] == "长宝营子乡"]["poor_level"].value_counts()
    assert local["省级贫困村"] == 2
    assert local["市级贫困村"] == 3


def test_pairing_covers_4146_households_with_165_projects() -> None:
    households = load_layer("households")
    assert len(households) == 4146
    assert households["aid_proj"].nunique() == 165
    assert (households["aid_proj"] != "").all()  # pairing coverage 100%


def test_a_pairing_project_serves_households_in_one_or_two_townships() -> None:
    households = load_layer("households")
    townships_per_project = households.groupby("aid_proj")["town_code"].nunique()
    assert townships_per_project.between(1, 2).all()
    assert (townships_per_project == 2).any()
    per_township = households.groupby("town_code")["aid_proj"].nunique()
    assert (per_township < 165).all()
    # A project reaching two townships is counted in both: the townships add up to more.
    assert per_township.sum() == 165 + (townships_per_project == 2).sum()


def test_3551_households_run_courtyard_projects_the_rest_entrusted() -> None:
    modes = load_layer("households")["mode"]
    assert modes.isin(["庭院养殖", "庭院种植"]).sum() == 3551
    assert modes.isin(["委托养殖", "委托种植"]).sum() == 4146 - 3551


def test_pairing_gain_averages_800_yuan_per_household() -> None:
    assert load_layer("households")["gain_yuan"].mean() == 800


def test_changbaoyingzi_has_396_registered_households() -> None:
    households = load_layer("households")
    assert (households["town"] == "长宝营子乡").sum() == 396


def test_household_ids_are_synthetic_and_unique() -> None:
    households = load_layer("households")
    assert households["hh_id"].is_unique
    assert households["hh_id"].str.fullmatch(r"SHT-HH-\d{5}").all()


def test_4394_household_projects_of_at_least_800_yuan_per_person() -> None:
    projects = load_layer("household_projects")
    assert len(projects) == 4394
    assert (projects["gain_pp"] >= 800).all()
    assert set(projects["hh_id"]) == set(load_layer("households")["hh_id"])


def test_53_industry_projects_returning_at_least_10_percent() -> None:
    projects = load_layer("industry_projects")
    assert len(projects) == 53
    assert (projects["return_pct"] >= 10).all()
    assert set(projects["level"]) == {"区级", "乡级", "村级"}


def test_changbaoyingzi_has_3_township_projects_and_5_village_bases() -> None:
    projects = load_layer("industry_projects")
    local = projects[projects["town"] == "长宝营子乡"]["level"].value_counts()
    assert local["乡级"] == 3
    assert local["村级"] == 5


def test_industrial_park_is_3255_mu_and_2640_wan_yuan() -> None:
    park = load_layer("industrial_park")
    assert len(park) == 1
    assert _area_mu("industrial_park") == pytest.approx(3255, rel=1e-6)
    assert park["invest_wan"].sum() == 2640


def test_orchards_total_3150_mu_and_108000_trees_inside_the_park() -> None:
    orchards = load_layer("orchards")
    assert _area_mu("orchards") == pytest.approx(3150, rel=1e-6)
    assert orchards["trees"].sum() == 108_000
    park = load_layer("industrial_park").geometry.iloc[0].buffer(1e-6)
    assert orchards.geometry.within(park).all()


def test_factory_has_260_jobs_paying_24000_and_18_wan_rent() -> None:
    sites = load_layer("park_sites")
    factory = sites[sites["kind"] == "扶贫工厂"].iloc[0]
    assert factory["jobs"] == 260
    assert factory["wage_yuan"] == 24_000
    assert factory["rent_yuan"] == 180_000
    assert factory["since"] == "2019-09"
    assert (sites["kind"] == "羊肚菌基地").sum() == 1


def test_greenhouse_park_is_12000_square_metres_and_700_wan() -> None:
    greenhouses = load_layer("greenhouses")
    assert feature_measures(greenhouses)["area_m2"].sum() == pytest.approx(12_000, rel=1e-6)
    assert greenhouses["invest_wan"].sum() == 700


def test_wangzhangzi_sweet_potato_fields_total_1000_mu() -> None:
    fields = load_layer("sweet_potato")
    assert _area_mu("sweet_potato") == pytest.approx(1000, rel=1e-6)
    assert set(fields["village"]) == {"王杖子村"}
    assert set(fields["town"]) == {"他拉皋镇"}


def test_aixin_base_is_110_mu_for_58_households() -> None:
    base = load_layer("aixin_base")
    assert _area_mu("aixin_base") == pytest.approx(110, rel=1e-6)
    assert base["households"].sum() == 58


@pytest.mark.parametrize(
    ("status", "count", "invest_wan"),
    [("落地开工", 9, 77_700), ("签约", 9, 74_800), ("洽谈", 51, 1_143_600)],
)
def test_enclave_stage_counts_and_investment(status: str, count: int, invest_wan: int) -> None:
    projects = load_layer("enclave_projects")
    stage = projects[projects["status"] == status]
    assert len(stage) == count
    assert stage["invest_wan"].sum() == invest_wan


def test_69_enclave_projects_plan_129_61_yi_yuan() -> None:
    projects = load_layer("enclave_projects")
    assert len(projects) == 69
    assert projects["invest_wan"].sum() / 10_000 == pytest.approx(129.61, abs=1e-9)


def test_jinhuayuan_is_5_yi_437_mu_100_jobs_150000_visitors() -> None:
    projects = load_layer("enclave_projects")
    site = projects[projects["name"] == "朝阳金华园旅游观光农业园"]
    assert len(site) == 1
    assert site["invest_wan"].iloc[0] == 50_000
    assert feature_measures(site)["area_mu"].iloc[0] == pytest.approx(437, rel=1e-6)
    assert site["jobs"].iloc[0] == 100
    assert site["visitors"].iloc[0] == 150_000


def test_night_economy_one_corridor_four_circles_one_belt_four_streets() -> None:
    lines = load_layer("night_lines")
    circles = load_layer("night_circles")
    assert list(lines.loc[lines["category"] == "一廊", "name"]) == ["朝阳大街“金廊夜色”"]
    assert (lines["category"] == "一带").sum() == 1
    assert sorted(lines.loc[lines["category"] == "四商街", "name"]) == sorted(
        ["万国码头", "南北塔慕容古街", "天马时代广场天街", "龙山商业街"]
    )
    assert sorted(circles["name"]) == sorted(["万达商圈", "新华商圈", "文化商圈", "珠江商圈"])


def test_367_closed_communities_from_1618_buildings_graded_abc() -> None:
    communities = load_layer("closed_communities")
    assert len(communities) == 367
    assert communities["buildings"].sum() == 1618
    assert set(communities["grade"]) == {"A", "B", "C"}
    assert set(communities["manager"]) == {"朝阳市环境集团"}


def test_45_demonstration_communities_exactly_5_per_street() -> None:
    communities = load_layer("closed_communities")
    demo = communities[communities["demo"] == "是"]
    assert len(demo) == 45
    assert demo["street"].value_counts().to_dict() == dict.fromkeys(STREETS, 5)


def test_renovated_floor_area_totals_207200_square_metres() -> None:
    assert load_layer("closed_communities")["reno_m2"].sum() == 207_200


def test_banan_community_is_in_guangming_street() -> None:
    communities = load_layer("closed_communities")
    assert set(communities.loc[communities["shequ"] == "坝南社区", "street"]) == {"光明街道"}
