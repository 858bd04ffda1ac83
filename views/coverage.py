"""覆盖核查 Coverage check: for field teams (驻村工作队, 网格员)."""

from ui.coverage_page import render_coverage_page

if __name__ == "__main__":  # run as a Streamlit page, not when imported by tests
    render_coverage_page()
