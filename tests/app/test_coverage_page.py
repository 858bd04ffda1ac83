"""The coverage page (覆盖核查) in AppTest: presets, custom rules, gap counts, language switch."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from fieldwork.coverage import Rule, evaluate, gap_list, get_target_set
from layers.report import published_figure

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def _open() -> AppTest:
    app = AppTest.from_file(APP, default_timeout=120).run()  # pages registered, then found by path
    app.switch_page("views/coverage/page.py").run()
    assert not app.exception, app.exception
    return app


def _metrics(app: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in app.metric}


def test_the_pairing_preset_covers_every_registered_household() -> None:
    app = _open()
    app.selectbox(key="coverage:preset:zh").set_value("pairing_all_households").run()
    assert not app.exception
    households = f"{published_figure('pairing_households'):,}"
    assert _metrics(app) == {
        "核查对象": households,
        "已覆盖": households,
        "覆盖率": "100.0%",
        "距目标还差": "0",
    }
    table = app.dataframe[0].value
    assert len(table) == 4 and table["达标"].all()  # the four rural townships
    assert any("全部覆盖" in element.value for element in app.success)


def test_the_demonstration_preset_counts_five_in_each_street() -> None:
    app = _open()
    app.selectbox(key="coverage:preset:zh").set_value("demo_per_street").run()
    assert _metrics(app)["核查对象"] == "9" and _metrics(app)["已覆盖"] == "9"
    assert any("按数据判断" in element.value for element in app.info)  # nothing to import


def test_a_custom_rule_shows_the_same_figures_as_the_library() -> None:
    app = _open()
    app.selectbox(key="coverage:rule:villages:zh").set_value("near_site").run()
    app.number_input(key="coverage:metres:zh").set_value(1500).run()
    assert not app.exception
    rule = Rule("near_site", metres=1500)
    evaluated = evaluate(get_target_set("villages"), rule)
    gaps = gap_list(evaluated, rule, "zh")
    assert _metrics(app)["已覆盖"] == str(int(evaluated["covered"].sum()))
    assert f"未覆盖清单（{len(gaps)} 个）" in [header.value for header in app.subheader]
    gap_table = app.dataframe[1].value
    assert list(gap_table["编号"]) == list(gaps["uid"])


def test_the_language_switch_keeps_the_choice() -> None:
    app = _open()
    app.selectbox(key="coverage:preset:zh").set_value("demo_per_street").run()
    app.sidebar.radio[0].set_value("en").run()
    assert not app.exception
    assert app.title[0].value == "Coverage check"
    assert _metrics(app)["Targets"] == "9"
    assert app.selectbox(key="coverage:preset:en").value == "demo_per_street"


def test_the_employment_preset_counts_every_capable_person_employed() -> None:
    app = _open()
    app.selectbox(key="coverage:preset:zh").set_value("employed_all_workers").run()
    assert not app.exception
    people = f"{published_figure('jobs_capable_poor'):,}"
    assert _metrics(app) == {
        "核查对象": people,
        "已覆盖": people,
        "覆盖率": "100.0%",
        "距目标还差": "0",
    }
    assert "已就业（任一渠道）" in " ".join(element.value for element in app.markdown)
    assert app.dataframe[0].value["达标"].all()
    assert any("全部覆盖" in element.value for element in app.success)


def test_people_in_gap_lists_are_synthetic_ids_with_village_and_township() -> None:
    app = _open()
    app.selectbox(key="coverage:set:zh").set_value("workers").run()
    app.selectbox(key="coverage:rule:workers:zh").set_value("in_district").run()
    assert not app.exception
    assert _metrics(app)["已覆盖"] == "1,304"  # the channels the data places in the district
    assert "未覆盖清单（2530 个）" in [header.value for header in app.subheader]
    gaps = app.dataframe[1].value
    assert list(gaps.columns) == [
        "乡镇街道",
        "村/社区",
        "目标",
        "编号",
        "经度",
        "纬度",
        "未覆盖原因",
    ]
    assert (
        gaps["编号"].str.fullmatch(r"worker-\d{5}").all() and (gaps["目标"] == gaps["编号"]).all()
    )
    page = " ".join(str(element.value) for element in (*app.markdown, *app.caption, *app.info))
    assert (
        "SHT-" not in page
        and not gaps.astype(str).apply(lambda c: c.str.contains("SHT-")).any().any()
    )
    assert any("编号" in element.value for element in app.caption)  # how a check-in names a person


def test_employment_confirmed_by_a_visit_takes_the_days() -> None:
    app = _open()
    app.selectbox(key="coverage:set:zh").set_value("workers").run()
    app.selectbox(key="coverage:rule:workers:zh").set_value("confirmed").run()
    app.number_input(key="coverage:days:zh").set_value(60).run()
    assert not app.exception
    assert _metrics(app)["核查对象"] == "3,834"
    reasons = app.dataframe[1].value["未覆盖原因"]
    assert (
        reasons.str.contains("要求 60 天内").all()
        and reasons.str.contains("核实就业|就业从未").all()
    )
