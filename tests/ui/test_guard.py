"""A page that fails shows a plain message in the reader's language, never the exception."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _failing_page(lang: str) -> None:
    from ui.guard import run_page

    class Page:
        url_path = "broken"

        def run(self) -> None:
            raise RuntimeError("/srv/secret/path.py exploded")

    run_page(Page(), lang)


def _stopping_page() -> None:
    import streamlit as st

    from ui.guard import run_page

    class Page:
        url_path = "stops"

        def run(self) -> None:
            st.write("before")
            st.stop()

    run_page(Page(), "zh")
    st.write("after the page")  # st.stop() ends the run: never drawn


def test_an_unexpected_error_is_a_plain_message_in_chinese_and_english() -> None:
    for lang, words in (("zh", "意外错误"), ("en", "Something went wrong")):
        app = AppTest.from_function(_failing_page, args=(lang,)).run()
        assert not app.exception
        assert len(app.error) == 1 and words in app.error[0].value
        shown = " ".join(str(e.value) for e in app.error)
        assert "/srv/secret" not in shown and "RuntimeError" not in shown


def test_stop_still_stops_the_page() -> None:
    app = AppTest.from_function(_stopping_page).run()
    texts = [m.value for m in app.markdown]
    assert "before" in texts and "after the page" not in texts and not app.error
