"""Planning analysis on the layers, no Streamlit: areas drawn or chosen and their roll-up,
distance bands to services, and the 三区三线 conformity check."""
