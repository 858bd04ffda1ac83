"""Basemaps: none by default (always works), OSM, Tianditu, AMap (GCJ-02) and an intranet XYZ server."""

from __future__ import annotations

import os
from dataclasses import dataclass

import folium

from geo.offsets import GCJ02, WGS84

__all__ = ["BASEMAPS", "Basemap", "add_basemap", "basemap_url"]

TIANDITU_TOKEN_ENV = "TIANDITU_TOKEN"
CUSTOM_XYZ_ENV = "ATLAS_XYZ_URL"


@dataclass(frozen=True)
class Basemap:
    """A tile source; `datum` says which coordinates its tiles are drawn in."""

    key: str
    label_zh: str
    label_en: str
    url: str  # with {token} / {custom} placeholders filled from the environment
    attribution: str
    datum: str = WGS84
    subdomains: str = ""
    max_zoom: int = 18

    def label(self, lang: str) -> str:
        return self.label_en if lang == "en" else self.label_zh


BASEMAPS: dict[str, Basemap] = {
    basemap.key: basemap
    for basemap in (
        Basemap("none", "无底图", "No basemap", "", ""),
        Basemap(
            "osm",
            "OpenStreetMap",
            "OpenStreetMap",
            "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
            "&copy; OpenStreetMap contributors",
            max_zoom=19,
        ),
        Basemap(
            "tianditu_vec",
            "天地图矢量",
            "Tianditu vector",
            "https://t{s}.tianditu.gov.cn/DataServer?T=vec_w&x={x}&y={y}&l={z}&tk={token}",
            "&copy; 天地图",
            subdomains="01234567",
        ),
        Basemap(
            "tianditu_img",
            "天地图影像",
            "Tianditu imagery",
            "https://t{s}.tianditu.gov.cn/DataServer?T=img_w&x={x}&y={y}&l={z}&tk={token}",
            "&copy; 天地图",
            subdomains="01234567",
        ),
        Basemap(
            "amap",
            "高德地图（GCJ-02）",
            "AMap (GCJ-02)",
            "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}",
            "&copy; 高德地图",
            datum=GCJ02,
            subdomains="1234",
        ),
        Basemap(
            "custom", "自定义 XYZ（内网）", "Custom XYZ (intranet)", "{custom}", "", max_zoom=20
        ),
    )
}


def basemap_url(
    basemap: Basemap, *, token: str | None = None, custom_url: str | None = None
) -> str | None:
    """The tile URL with its token or custom address filled in; None when it cannot be used."""
    if basemap.key == "none":
        return None
    if "{token}" in basemap.url:
        token = token or os.environ.get(TIANDITU_TOKEN_ENV, "")
        return basemap.url.replace("{token}", token) if token else None
    if basemap.url == "{custom}":
        custom_url = custom_url or os.environ.get(CUSTOM_XYZ_ENV, "")
        return custom_url if _looks_like_xyz(custom_url) else None
    return basemap.url


def add_basemap(fmap: folium.Map, basemap: Basemap, url: str | None) -> folium.Map:
    """Add the tile layer (if any) under every other layer."""
    if url is None:
        return fmap
    folium.TileLayer(
        tiles=url,
        attr=basemap.attribution or basemap.label_en,
        name=basemap.label_zh,
        subdomains=basemap.subdomains or "abc",
        max_zoom=basemap.max_zoom,
        overlay=False,
        control=False,
    ).add_to(fmap)
    return fmap


def _looks_like_xyz(url: str) -> bool:
    return url.startswith(("http://", "https://", "/")) and all(
        part in url for part in ("{x}", "{y}", "{z}")
    )
