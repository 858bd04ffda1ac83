"""The Streamlit machinery every page shares: page engine, panel, sidebar, sign-in, uploads.

May import every package of the atlas except `views`; maps are built by `maps`, not here.
"""
