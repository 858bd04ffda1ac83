"""数据管理 Data: planners bring their own files and layer them with the atlas."""

from ui.data_page import render_data_page

if __name__ == "__main__":  # run as a Streamlit page, not when imported by tests
    render_data_page()
