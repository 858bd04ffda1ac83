"""Presentation helpers of the atlas: UI strings and folium map builders (no Streamlit)."""
