"""Employment coverage of registered poor people able to work: the rules read the workers layer.

'employed', 'in_district' and 'trained' read a person's own row (1 covered, 0 not); 'confirmed'
counts a field visit to the person whose note says employment was confirmed (a check-in note
such as 就业已核实 or "employment confirmed"), within the last N days.
"""

from __future__ import annotations

import math
from datetime import datetime

import pandas as pd

__all__ = [
    "CONFIRM_WORDS",
    "EMPLOYMENT_FIELDS",
    "EMPLOYMENT_RULES",
    "confirms_employment",
    "days_since_confirmation",
    "employment_reason",
    "holds",
]

YES = "是"
IN_DISTRICT = "区内"
# Rule kind → (field of the workers layer, the value that covers).
_FIELD_RULES = {
    "employed": ("employed", YES),
    "in_district": ("workplace", IN_DISTRICT),
    "trained": ("trained", YES),
}
EMPLOYMENT_RULES = (*_FIELD_RULES, "confirmed")
EMPLOYMENT_FIELDS = tuple(field for field, _ in _FIELD_RULES.values())
# A visit's note holding one of these confirms the person's employment.
CONFIRM_WORDS = ("就业已核实", "就业已确认", "employment confirmed")


def holds(targets: pd.DataFrame, kind: str) -> pd.Series:
    """1 where the target's own row satisfies the rule `kind`, else 0."""
    field, value = _FIELD_RULES[kind]
    return (targets[field].fillna("").astype(str).str.strip() == value).astype(int)


def confirms_employment(note: object) -> bool:
    """Whether a visit's note records that the person's employment was confirmed."""
    text = "" if note is None or (not isinstance(note, str) and pd.isna(note)) else str(note)
    return any(word in text.lower() for word in CONFIRM_WORDS)


def days_since_confirmation(
    targets: pd.DataFrame, layer: str, visits: pd.DataFrame | None, now: datetime | None
) -> pd.Series:
    """Days since each target's last visit confirming employment (NaN: never confirmed)."""
    if visits is None:
        raise ValueError("the 'confirmed' rule needs the recorded visits")
    if now is None or now.tzinfo is None:
        raise ValueError("the 'confirmed' rule needs the current time, timezone-aware")
    confirming = visits["note"].map(confirms_employment).astype(bool)
    mine = visits[(visits["target_layer"] == layer) & confirming]
    last = mine.groupby("target_uid")["visited_at"].max()
    last_visit = pd.Series(
        pd.to_datetime(last.reindex(targets["uid"]).to_numpy(), utc=True), index=targets.index
    )
    return (pd.Timestamp(now) - last_visit).dt.total_seconds() / 86_400


_REASONS = {
    "employed": ("未就业", "not employed"),
    "in_district": (
        "未在区内就业（市外或未细分）",
        "not employed in the district (outside or not broken down)",
    ),
    "trained": ("未接受培训", "not trained"),
}


def employment_reason(kind: str, measure: float, days: int, lang: str) -> str:
    """Why a person is not covered by the employment rule `kind`."""
    en = lang == "en"
    if kind in _REASONS:
        zh, english = _REASONS[kind]
        return english if en else zh
    if pd.isna(measure):
        if en:
            return f"employment never confirmed by a visit (rule: {days} days)"
        return f"就业从未经走访核实（要求 {days} 天内）"
    ago = math.floor(measure)
    if en:
        return f"employment last confirmed {ago} days ago (rule: {days} days)"
    return f"上次核实就业在 {ago} 天前（要求 {days} 天内）"
