"""Who may edit what when people sign in: a planner every layer, a promoter the enclave projects
only (recorded under their account, no name asked), a field team nothing; and on a promoter's
server nobody, whatever their role."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from layers import STORE_ENV, layer_store, load_layer
from scripts.users import add_user
from ui.audience import AUDIENCE_ENV
from ui.panel import Selection
from ui.signin import COOKIE_KEY_ENV, USERS_FILE_ENV

APP = str(Path(__file__).resolve().parents[2] / "app.py")
EDIT_FORM = "编辑这个要素"
USERS = {"wang": "planner", "zhao": "promoter", "li": "field"}


@pytest.fixture
def signed_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    users = tmp_path / "users.yaml"
    for username, role in USERS.items():
        townships = ("211302205",) if role == "field" else ()
        add_user(
            users,
            username,
            role=role,
            name=username,
            password=f"{username}-pw-2026",
            townships=townships,
        )
    monkeypatch.setenv(USERS_FILE_ENV, str(users))
    monkeypatch.setenv(COOKIE_KEY_ENV, "k" * 64)
    monkeypatch.setenv(STORE_ENV, str(tmp_path / "atlas.gpkg"))
    layer_store()
    return tmp_path


def _signed_in(username: str) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=120).run()
    app.text_input[0].set_value(username)
    app.text_input[1].set_value(f"{username}-pw-2026")
    app.button[0].click().run()
    assert not app.exception, app.exception
    return app


def _chosen(app: AppTest, page: str, key: str, layer: str) -> AppTest:
    app.switch_page(f"views/{page}.py").run()
    uid = str(load_layer(layer)[_id_field(layer)].iloc[0])
    app.session_state[f"{key}:selection"] = Selection(layer, uid)
    app.run()
    assert not app.exception, app.exception
    return app


def _id_field(layer: str) -> str:
    from layers import get_layer

    return get_layer(layer).id_field


def _edit_forms(app: AppTest) -> list[str]:
    return [e.label for e in app.expander if e.label == EDIT_FORM]


def test_a_planner_edits_every_layer(signed_store: Path) -> None:
    app = _signed_in("wang")
    assert _edit_forms(_chosen(app, "enclave", "enclave", "enclave_projects"))
    assert _edit_forms(_chosen(app, "renovation", "renovation", "closed_communities"))
    assert not [
        t for t in app.text_input if t.label.startswith("你的姓名")
    ]  # the account is the name


def test_a_promoter_edits_enclave_projects_under_their_account(signed_store: Path) -> None:
    app = _chosen(_signed_in("zhao"), "enclave", "enclave", "enclave_projects")
    assert _edit_forms(app)
    uid = str(load_layer("enclave_projects").query("status == '洽谈'")["uid"].iloc[0])
    app.session_state["enclave:selection"] = Selection("enclave_projects", uid)
    app.run()
    app.selectbox(key=f"enclave:edit:enclave_projects:{uid}:1:field:status").set_value("签约")
    next(t for t in app.text_input if t.label.startswith("说明")).input("签约")
    next(b for b in app.button if b.label == "保存修改").click().run()
    change = layer_store().changes(layer="enclave_projects", uid=uid).iloc[0]
    assert change["author"] == "zhao"


def test_a_field_team_edits_nothing(signed_store: Path) -> None:
    app = _signed_in("li")
    app.switch_page("views/coverage/page.py").run()
    assert not app.exception, app.exception
    assert not _edit_forms(app)
    assert not [b for b in app.button if b.label in ("保存修改", "新增")]


def test_a_promoter_server_lets_nobody_edit(signed_store: Path, monkeypatch) -> None:
    monkeypatch.setenv(AUDIENCE_ENV, "promoter")
    app = _chosen(_signed_in("wang"), "enclave", "enclave", "enclave_projects")
    assert not _edit_forms(app)
    assert not [b for b in app.button if b.label in ("保存修改", "新增")]
