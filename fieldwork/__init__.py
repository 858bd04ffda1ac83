"""Field teams' work: coverage of targets, check-ins from the field, and the visits they record.

No Streamlit; imports `geo`, `layers` and `documents` only.
"""
