"""Spatial core of the atlas: IO, CRS, Chinese map offsets, geometry and statistics.

A plain library: nothing here imports Streamlit, folium or any other package of the atlas.
"""
