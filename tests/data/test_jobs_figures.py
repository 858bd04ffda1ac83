"""Each published jobs figure of the report (就业扶贫), recomputed from the shipped shapefiles.

The expected numbers are the report's (../shared/DOMAIN.md, data/sources/figures.csv), written
out on purpose; the channels the report does not break down are 'other', never a named split.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from layers import load_layer, viewing
from layers.report import published_figure, report_date


@pytest.fixture(autouse=True, params=["now", "report date"])
def _seen_as(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every figure holds in the store as it is and as of the report's date."""
    with viewing(None if request.param == "now" else report_date()):
        yield


OTHER = "其他（未细分）"
EXAMPLE = (
    "长宝营子村的侯国义是建档立卡贫困户，今年4月，在区扶贫办的协调下，"
    "侯国义在朝阳凌凌水泥有限公司实现就业，月薪2800元。"
)


@pytest.fixture(scope="module")
def workers():
    return load_layer("workers")


def _channel(workers, channel: str) -> int:
    return int((workers["channel"] == channel).sum())


def test_3834_capable_poor_people_all_employed_rate_100_percent(workers) -> None:
    assert len(workers) == 3834
    assert (workers["employed"] == "是").sum() == 3834
    assert 100 * (workers["employed"] == "是").mean() == 100
    assert published_figure("jobs_employment_rate") == 100


def test_every_employed_person_earns_at_least_6000_yuan_a_year(workers) -> None:
    assert workers["income"].min() >= 6000
    assert published_figure("jobs_min_income") == 6000


def test_293_placed_with_enterprises_summed_over_the_employers(workers) -> None:
    employers = load_layer("employers")
    assert employers["placed"].sum() == 293
    assert _channel(workers, "企业安置") == 293
    placed = workers.loc[workers["channel"] == "企业安置", "employer"].value_counts()
    assert placed.to_dict() == dict(zip(employers["name"], employers["placed"], strict=True))


def test_the_report_names_jinda_lingling_and_kangpu() -> None:
    employers = load_layer("employers")
    named = set(employers.loc[employers["source"] == "报道点名", "name"])
    assert named == {"朝阳金达铝业", "朝阳凌凌水泥", "朝阳康普影像"}
    others = employers[employers["source"] != "报道点名"]
    assert (others["source"] == "示例").all() and others["name"].str.contains("示例").all()


def test_189_work_outside_the_city_as_a_count_not_a_site(workers) -> None:
    outside = workers[workers["channel"] == "市外务工"]
    assert len(outside) == 189
    assert (outside["workplace"] == "市外").all()
    assert (workers["workplace"] == "市外").sum() == 189
    assert outside["employer"].isna().all()  # no fake employer site for them


def test_40_graduates_in_public_institutions(workers) -> None:
    assert _channel(workers, "事业编制") == 40


def test_690_public_welfare_posts_by_village(workers) -> None:
    posts = load_layer("welfare_posts")
    assert posts["posts"].sum() == 690
    assert _channel(workers, "公益性岗位") == 690
    held = workers.loc[workers["channel"] == "公益性岗位"]
    assert (held["post_vil"] == held["village"]).all()
    by_village = held["post_vil"].value_counts().to_dict()
    assert by_village == dict(zip(posts["village"], posts["posts"], strict=True))


def test_60_odd_home_based_jobs_through_garment_and_broom_workshops(workers) -> None:
    workshops = load_layer("workshops")
    assert published_figure("jobs_workshop_min") == 60  # "60余": the lower bound is stored
    assert workshops["jobs"].sum() > 60
    assert _channel(workers, "扶贫车间") == workshops["jobs"].sum()
    assert set(workshops["kind"]) == {"服装加工", "扫帚编织"}
    linked = workers.loc[workers["channel"] == "扶贫车间", "workshop"].value_counts()
    assert linked.to_dict() == dict(zip(workshops["name"], workshops["jobs"], strict=True))


def test_218_in_mutual_aid_employment(workers) -> None:
    assert _channel(workers, "互助就业") == 218


def test_the_rest_is_other_not_broken_down(workers) -> None:
    named = 293 + 189 + 40 + 690 + int(load_layer("workshops")["jobs"].sum()) + 218
    assert _channel(workers, OTHER) == 3834 - named
    assert set(workers["channel"]) == {
        "企业安置",
        "市外务工",
        "事业编制",
        "公益性岗位",
        "扶贫车间",
        "互助就业",
        OTHER,
    }
    assert (workers.loc[workers["channel"] == OTHER, "workplace"] == "未细分").all()


def test_2248_people_trained(workers) -> None:
    assert (workers["trained"] == "是").sum() == 2248


def test_the_lingling_example_2800_yuan_a_month_from_april_as_the_report_tells_it() -> None:
    employers = load_layer("employers").set_index("name")
    assert employers.loc["朝阳凌凌水泥", "wage_mon"] == 2800
    assert employers.loc["朝阳凌凌水泥", "example"] == EXAMPLE
    assert "今年4月" in EXAMPLE and published_figure("jobs_example_month") == 4
    assert published_figure("jobs_example_wage") == 2800
    others = employers.drop(index="朝阳凌凌水泥")
    assert others["wage_mon"].isna().all()  # no wage invented where the report gives none
    assert others["example"].isna().all()


def test_the_example_appears_only_as_the_report_tells_it(workers) -> None:
    assert not workers.astype(str).apply(lambda column: column.str.contains("侯国义")).any().any()
    from_changbao = workers[(workers["village"] == "长宝营子村")]
    assert (from_changbao["employer"] == "朝阳凌凌水泥").any()  # someone like him is counted


def test_101_poor_people_and_2116_under_5000_yuan_reached_the_exit_standard() -> None:
    exits = load_layer("exit_std")
    assert exits["poor_ok"].sum() == 101
    assert exits["lowinc_ok"].sum() == 2116
    assert published_figure("exit_low_income_ceiling") == 5000


def test_workers_have_synthetic_ids_of_registered_households(workers) -> None:
    assert workers["wk_id"].is_unique
    assert workers["wk_id"].str.fullmatch(r"SHT-WK-\d{5}").all()
    households = load_layer("households").set_index("hh_id")
    assert workers["hh_id"].isin(households.index).all()
    assert (households.loc[workers["hh_id"], "village"].to_numpy() == workers["village"]).all()


def test_the_park_factory_is_not_counted_among_the_293() -> None:
    factory = load_layer("park_sites")
    assert "圣洪工贸" not in set(load_layer("employers")["name"])
    assert factory.loc[factory["kind"] == "扶贫工厂", "jobs"].sum() == 260
