"""Sign-in and roles in AppTest: each role gets exactly its pages, a page checks the role again
before drawing, and a field team sees only its own townships."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from fieldwork.coverage import get_target_set, load_targets
from scripts.users import add_user
from ui.signin import COOKIE_KEY_ENV, ROLES, USERS_FILE_ENV

APP = str(Path(__file__).resolve().parents[2] / "app.py")
ROOT = Path(APP).parent
CHANGBAOYINGZI = "211302205"
USERS = {
    "wang": ("planner", ()),
    "zhao": ("promoter", ()),
    "li": ("field", (CHANGBAOYINGZI,)),
    "sun": ("admin", ()),
}
PAGE_FILES = {
    "overview": "views/overview.py",
    "poverty": "views/poverty.py",
    "jobs": "views/jobs.py",
    "enclave": "views/enclave.py",
    "night": "views/night.py",
    "renovation": "views/renovation.py",
    "coverage": "views/coverage/page.py",
    "data": "views/data/page.py",
    "history": "views/history.py",
    "presentation": "views/presentation.py",
    "about": "views/about.py",
}


def _password(username: str) -> str:
    return f"{username}-secret-2026"


@pytest.fixture(scope="module")
def users_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("users") / "users.yaml"
    for username, (role, townships) in USERS.items():
        add_user(
            path,
            username,
            role=role,
            name=username,
            password=_password(username),
            townships=townships,
        )
    return path


@pytest.fixture(autouse=True)
def signin_on(users_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(USERS_FILE_ENV, str(users_file))
    monkeypatch.setenv(COOKIE_KEY_ENV, "k" * 64)


def _signed_in(username: str, password: str | None = None) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=120).run()
    app.text_input[0].set_value(username)
    app.text_input[1].set_value(password or _password(username))
    app.button[0].click().run()
    return app


def _registered_pages(app: AppTest) -> set[str]:
    """The page files the server registered for this session: AppTest refuses the others."""
    registered = set()
    for path in PAGE_FILES.values():
        try:
            app.switch_page(path)
        except ValueError as error:
            assert "Could not find a navigation page" in str(error)
            continue
        registered.add(path)
    return registered


def test_nothing_but_the_sign_in_form_before_signing_in(users_file: Path) -> None:
    app = AppTest.from_file(APP, default_timeout=120).run()
    assert not app.exception
    assert [field.label for field in app.text_input] == ["用户名", "密码"]
    assert not app.metric and not app.title  # no page ran
    wrong = _signed_in("wang", "not-the-password")
    assert any("不正确" in error.value for error in wrong.error)
    assert not wrong.metric


@pytest.mark.parametrize("username", USERS)
def test_each_role_gets_exactly_its_pages(username: str) -> None:
    app = _signed_in(username)
    assert not app.exception
    role = USERS[username][0]
    assert _registered_pages(app) == {PAGE_FILES[key] for key in ROLES[role]}
    assert f"{username} · {role}" in [caption.value for caption in app.sidebar.caption]


def test_a_page_checks_the_role_again_before_drawing(users_file: Path) -> None:
    def poverty_page_for_a_promoter() -> None:
        import streamlit as st

        from ui.page import render_map_page
        from ui.signin import User
        from views.poverty import PAGE

        st.session_state["atlas_user"] = User("zhao", "zhao", "promoter")
        render_map_page(PAGE)

    app = AppTest.from_function(poverty_page_for_a_promoter, default_timeout=120).run()
    assert [error.value for error in app.error] == ["您的角色无权打开此页面。"]
    assert not app.metric and not app.title


def test_a_field_team_sees_only_its_townships() -> None:
    app = _signed_in("li")
    assert not app.exception
    assert app.title[0].value == "覆盖核查"
    township = app.selectbox(key="coverage:township:villages:zh")
    assert township.options == ["全部", "长宝营子乡"]
    villages = load_targets(get_target_set("villages"))
    mine = int((villages["town_code"] == CHANGBAOYINGZI).sum())
    assert {metric.label: metric.value for metric in app.metric}["核查对象"] == str(mine)
    gaps = app.dataframe[1].value
    assert set(gaps["乡镇街道"]) == {"长宝营子乡"}


def _coverage_page_as(role: str) -> None:
    """The coverage page run directly (past the navigation) by a user of `role`."""
    import streamlit as st

    from ui.signin import User
    from views.coverage.page import render_coverage_page

    st.session_state["atlas_user"] = User("x", "x", role)
    st.session_state["coverage:preset"] = "employed_all_workers"  # the person rows, if drawn
    render_coverage_page()


@pytest.mark.parametrize("role", ["promoter", "admin"])
def test_only_planners_and_field_teams_reach_the_people_able_to_work(
    role: str,
) -> None:
    app = AppTest.from_function(_coverage_page_as, args=(role,), default_timeout=120).run()
    assert [error.value for error in app.error] == ["您的角色无权打开此页面。"]
    assert not app.metric and not app.dataframe and not app.title
    # The same run for a planner draws the people.
    planner = AppTest.from_function(_coverage_page_as, args=("planner",), default_timeout=120)
    metrics = {metric.label: metric.value for metric in planner.run().metric}
    assert metrics["核查对象"] == "3,834"


@pytest.mark.parametrize("audience", ["promoter", "public"])
def test_a_public_or_promoter_server_never_draws_the_coverage_page(
    audience: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(USERS_FILE_ENV)  # no sign-in: the server's audience decides
    monkeypatch.setenv("ATLAS_AUDIENCE", audience)

    def coverage_page() -> None:
        import streamlit as st

        from views.coverage.page import render_coverage_page

        st.session_state["coverage:preset"] = "employed_all_workers"
        render_coverage_page()

    app = AppTest.from_function(coverage_page, default_timeout=120).run()
    assert [error.value for error in app.error] == ["您的角色无权打开此页面。"]
    assert not app.metric and not app.dataframe
    assert "worker-" not in " ".join(str(element.value) for element in app.markdown)


def test_a_field_team_sees_only_the_people_of_its_townships() -> None:
    app = _signed_in("li")
    app.selectbox(key="coverage:set:zh").set_value("workers").run()
    app.selectbox(key="coverage:rule:workers:zh").set_value("in_district").run()
    assert not app.exception
    people = load_targets(get_target_set("workers"))
    mine = people[people["town_code"] == CHANGBAOYINGZI]
    assert {metric.label: metric.value for metric in app.metric}["核查对象"] == f"{len(mine):,}"
    gaps = app.dataframe[1].value
    assert set(gaps["乡镇街道"]) == {"长宝营子乡"} and set(gaps["编号"]) <= set(mine["uid"])


def _enclave_page_as(role: str) -> None:
    """The enclave page run directly by a user of `role` (the 三区三线 data is internal)."""
    import streamlit as st

    from ui.page import render_map_page
    from ui.signin import User
    from views.enclave import PAGE

    st.session_state["atlas_user"] = User("x", "x", role)
    render_map_page(PAGE)


def test_only_planners_see_the_constraint_zones_verdicts() -> None:
    promoter = AppTest.from_function(_enclave_page_as, args=("promoter",), default_timeout=120)
    promoter.run()
    assert not promoter.exception and promoter.title
    assert not [s for s in promoter.subheader if s.value.startswith("三区三线审查")]
    tools = promoter.segmented_control(key="enclave:tools:zh")
    assert "conformity" not in tools.options and "三区三线审查" not in str(tools.options)
    planner = AppTest.from_function(_enclave_page_as, args=("planner",), default_timeout=120)
    planner.run()
    assert [s for s in planner.subheader if s.value.startswith("三区三线审查")]
    assert "三区三线审查" in str(planner.segmented_control(key="enclave:tools:zh").options)
