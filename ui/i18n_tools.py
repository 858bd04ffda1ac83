"""UI strings of the planner's tools (drawn areas, measuring, distance bands, 三区三线, printing)."""

from __future__ import annotations

__all__ = ["TOOLS_TEXT"]

TOOLS_TEXT = {
    "study_title": ("圈选范围 · {label}", "Study area · {label}"),
    "study_drawn": ("地图上画的范围", "the area drawn on the map"),
    "study_measures": (
        "面积 {mu} 亩（{ha} 公顷，{km2} 平方千米），周长 {perimeter} 千米。",
        "Area {mu} mu ({ha} ha, {km2} km²), perimeter {perimeter} km.",
    ),
    "study_rule": (
        "统计范围内的要素：点在范围内、面的代表点在范围内、线有一段在范围内即计入；面积和长度只计范围内部分。在 CGCS2000 高斯-克吕格投影（EPSG:4549）中计算。",
        "Features counted inside the area: a point inside, a polygon whose representative point is inside, a line with a stretch inside; areas and lengths only for the parts inside. Computed in CGCS2000 Gauss-Krüger (EPSG:4549).",
    ),
    "study_empty": (
        "范围内没有本页图层的要素。",
        "No feature of this page's layers lies inside the area.",
    ),
    "study_refused": ("这个图形不能统计：{reason}", "This shape cannot be counted: {reason}"),
    "study_close": ("关闭圈选统计", "Close the study area's figures"),
    "study_back": ("显示圈选统计", "Show the study area's figures"),
    "study_shape": ("下载范围 GeoJSON", "Download the area (GeoJSON)"),
    "study_hint": (
        "用地图左上角的工具画多边形、矩形或圆，即可统计范围内的各类项目；画线可量距离。",
        "Draw a polygon, rectangle or circle with the tools at the map's top left to count what lies inside; draw a line to measure a distance.",
    ),
    "measure_title": ("量测", "Measurement"),
    "measure_line": (
        "所画折线长 {km} 千米（{m} 米）。",
        "The line drawn is {km} km ({m} m) long.",
    ),
    "measure_note": (
        "在 CGCS2000 高斯-克吕格投影（EPSG:4549）中量测，不按网页地图的球面计算。",
        "Measured in CGCS2000 Gauss-Krüger (EPSG:4549), not on the web map's sphere.",
    ),
    "tools_title": ("规划工具", "Planner tools"),
    "tools_intro": (
        "在地图上画范围可直接统计；这里还可按乡镇、村或要素周边统计，算距离分级，做三区三线审查，或打印地图。",
        "Draw on the map to count what lies inside; here you can also count by township, village or a feature's surroundings, compute distance bands, check against the 三区三线 zones, or print the map.",
    ),
    "tool_area": ("统计范围", "Study area"),
    "tool_bands": ("距离分级", "Distance bands"),
    "tool_conformity": ("三区三线审查", "三区三线 check"),
    "tool_print": ("出图", "Print"),
    "area_source": ("范围", "Area"),
    "area_township": ("乡镇街道", "A township"),
    "area_village": ("行政村及周边", "A village and its surroundings"),
    "area_feature": ("当前选中的要素及周边", "The selected feature and its surroundings"),
    "area_buffer": ("周边距离（米）", "Surroundings (metres)"),
    "area_go": ("统计此范围", "Count this area"),
    "area_no_selection": (
        "请先在地图上点选一个要素（项目、园区、地标或上传的要素）。",
        "First click a feature on the map (a project, the park, a landmark or an uploaded feature).",
    ),
    "area_selected": ("选中的要素：{name}", "Selected feature: {name}"),
    "area_done": ("已在右侧统计面板显示。", "Shown in the panel beside the map."),
    "print_intro": (
        "按地图当前的视图、打开的图层、筛选条件和上传的图层出图，带标题、图例、比例尺、指北针、位置图、数据日期和来源。",
        "Prints the map as it is shown now: its view, the layers switched on, the filters and any uploaded layer, with title, legend, scale bar, north arrow, locator, data date and source.",
    ),
    "print_title": ("图名", "Title"),
    "print_paper": ("纸张", "Paper"),
    "print_orientation": ("方向", "Orientation"),
    "print_landscape": ("横向", "Landscape"),
    "print_portrait": ("纵向", "Portrait"),
    "print_format": ("格式", "Format"),
    "print_pdf": ("PDF（矢量）", "PDF (vector)"),
    "print_png": ("PNG（300 dpi）", "PNG (300 dpi)"),
    "print_make": ("生成地图", "Make the map"),
    "print_making": ("正在出图……", "Making the map…"),
    "print_download": ("下载 {fmt}", "Download {fmt}"),
    "atlas_title": ("乡镇图集", "Township atlas"),
    "atlas_intro": (
        "每个乡镇街道一页：本页图层的地图和各类项目汇总表，合成一个 PDF。",
        "One page per township, with this page's layers on its map and its roll-up table, in one PDF.",
    ),
    "atlas_make": ("生成乡镇图集", "Make the township atlas"),
    "atlas_download": ("下载乡镇图集 PDF", "Download the township atlas (PDF)"),
    "atlas_file": ("{page}-乡镇图集", "{page}-township-atlas"),
    "bands_intro": (
        "每个目标（村、农户、小区）到最近服务设施的直线距离，按距离分级显示在地图上并按乡镇街道汇总。",
        "The straight-line distance from each target (village, household, community) to its nearest service, in bands on a map and per township.",
    ),
    "bands_targets": ("目标", "Targets"),
    "bands_services": ("服务设施", "Services"),
    "bands_seats": ("乡镇街道驻地", "Township seats"),
    "bands_edges": ("分级界限（公里，逗号分隔）", "Band edges (km, comma-separated)"),
    "bands_go": ("计算距离分级", "Compute the bands"),
    "bands_bad_edges": (
        "分级界限“{typed}”无法使用：请输入 1 到 5 个递增的正数（公里，不超过 100），如 1, 3, 5。",
        "The band edges “{typed}” cannot be used: give 1 to 5 increasing positive numbers (km, at most 100), e.g. 1, 3, 5.",
    ),
    "bands_heading": (
        "**{targets}** 到最近的 **{services}**",
        "**{targets}** to the nearest **{services}**",
    ),
    "bands_rule": (
        "距离从目标的代表点量到最近设施的最近点，在 CGCS2000 高斯-克吕格投影（EPSG:4549）中计算；恰在界限上的归入较远一级。最后一列是“{first}”的占比。",
        "Distances run from each target's representative point to the nearest point of the nearest service, in CGCS2000 Gauss-Krüger (EPSG:4549); one exactly on an edge falls in the farther band. The last column is the share within “{first}”.",
    ),
    "bands_file": ("{targets}到{services}的距离分级", "{targets} to {services} distance bands"),
    "bands_part_township": ("按乡镇", "by township"),
    "bands_part_targets": ("逐个目标", "each target"),
    "bands_download_township": ("乡镇汇总 {fmt}", "Per township {fmt}"),
    "bands_download_targets": ("逐个目标 {fmt}", "Each target {fmt}"),
    "bands_col_township": ("乡镇街道", "Township"),
    "bands_col_service": ("最近的设施", "Nearest service"),
    "bands_col_km": ("距离（公里）", "Distance (km)"),
    "bands_col_band": ("距离分级", "Band"),
}
