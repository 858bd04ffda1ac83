"""Printable documents: A4 set-up and the embedded CJK font, for site sheets and checklists.

Used by `share` (investors' hand-outs) and `fieldwork` (gap checklists) alike; imports none of
the project's packages.
"""
