"""Streamlit pages of the atlas; each declares its spec and renders it when run as a page."""
