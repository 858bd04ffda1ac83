"""Spatial core of the atlas: IO, CRS, Chinese map offsets, geometry and statistics.

A plain library: nothing here imports Streamlit or folium.
"""
