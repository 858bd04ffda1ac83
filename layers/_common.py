"""Field definitions shared by several layer specs (one definition, many layers)."""

from __future__ import annotations

from layers.spec import Field

__all__ = [
    "HH_ID",
    "NAME",
    "NAME_EN",
    "TOWN",
    "TOWN_CODE",
    "UID",
    "VILLAGE",
    "WK_ID",
    "area_mu_field",
]

UID = Field("uid", "要素编号", "Feature ID")
NAME = Field("name", "名称", "Name")
NAME_EN = Field("name_en", "英文名称", "English name")
TOWN_CODE = Field("town_code", "乡镇街道代码", "Township code")
TOWN = Field("town", "乡镇街道", "Township")
VILLAGE = Field("village", "村", "Village")
# Synthetic registered-household id: internal, never sent to promoter or public views.
HH_ID = Field("hh_id", "建档立卡户编号", "Registered household ID", public=False)
# Synthetic id of a registered poor person able to work: internal like HH_ID, never a name.
WK_ID = Field("wk_id", "贫困劳动力编号", "Registered worker ID", public=False)


def area_mu_field(label_zh: str = "面积", label_en: str = "Area") -> Field:
    """The stored area attribute, in 亩 (checked against the geometry by the tests)."""
    return Field("area_mu", label_zh, label_en, kind="float", unit_zh="亩", unit_en="mu")
