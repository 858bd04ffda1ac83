"""Streamlit pages of the atlas; each declares its spec and renders it when run as a page.

Pages may import every package of the atlas; nothing but pages (and tests) imports them.
"""
