"""The map engine: folium/Leaflet maps, compact and canvas layers, basemaps, local assets.

No Streamlit here: pages (ui/, views/), hand-outs (share/) and benchmarks all build maps
with it.  It imports only the project's `layers` and `geo`.
"""
