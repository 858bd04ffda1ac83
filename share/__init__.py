"""Things a promoter hands to an investor: standalone maps and PDF site sheets.

No Streamlit; imports `maps`, `layers`, `geo` and `documents` only.
"""
