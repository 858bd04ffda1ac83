"""UI strings of the layer store's pages (publish, versions, edits, change log), zh and en."""

from __future__ import annotations

__all__ = ["STORE_TEXT"]

STORE_TEXT = {
    "data_use": ("这个文件用于", "Use this file to"),
    "data_use_add": ("加入本次会话的地图（只有你看得到）", "add to my maps (this session only)"),
    "data_use_publish": (
        "发布为图层的新版本（所有人看到）",
        "publish as a new version of an atlas layer (everyone sees it)",
    ),
    "pub_not_allowed": (
        "只有数据管理员可以发布新版本。",
        "Only data administrators may publish new versions.",
    ),
    "pub_layer": ("发布到哪个图层", "Layer to publish to"),
    "pub_layer_placeholder": ("选择图层", "Choose a layer"),
    "pub_refused": (
        "{name} 不能发布为这个图层的新版本，什么也没有改变：",
        "{name} cannot be published as a new version of this layer; nothing was changed:",
    ),
    "pub_warnings": ("发布前请检查 {name}：", "Check {name} before publishing:"),
    "pub_problem_missing_fields": ("缺少字段：{fields}", "fields missing: {fields}"),
    "pub_problem_crs_guessed": (
        "坐标系是猜测的（{crs}）：请在上方明确选择文件的坐标系再发布",
        "the coordinate system was guessed ({crs}): choose the file's coordinate system above before publishing",
    ),
    "pub_problem_empty_geometry": (
        "{count} 个要素没有几何（第 {rows} 个）",
        "{count} features have no geometry (features {rows})",
    ),
    "pub_problem_wrong_geometry": (
        "这个图层只收{expected}，文件里有 {count} 个 {found}（第 {rows} 个）",
        "this layer takes {expected} only; the file has {count} of {found} (features {rows})",
    ),
    "pub_problem_empty_ids": (
        "{count} 个要素没有编号（第 {rows} 个）",
        "{count} features have no ID (features {rows})",
    ),
    "pub_problem_duplicate_ids": (
        "{count} 个编号重复：{ids}",
        "{count} IDs are used more than once: {ids}",
    ),
    "pub_problem_not_integer": (
        "「{field}」应为整数，{count} 个值不是（第 {rows} 个：{values}）",
        "'{field}' must be whole numbers; {count} values are not (features {rows}: {values})",
    ),
    "pub_problem_not_number": (
        "「{field}」应为数字，{count} 个值不是（第 {rows} 个：{values}）",
        "'{field}' must be numbers; {count} values are not (features {rows}: {values})",
    ),
    "pub_problem_unit_suspect": (
        "「{field}」的典型值是现在的 {ratio} 倍：单位是否不同？",
        "typical values of '{field}' are {ratio} times today's: is the unit different?",
    ),
    "pub_problem_extra_fields": (
        "图层没有这些字段，发布时不保存：{fields}",
        "the layer has no such fields; they are not published: {fields}",
    ),
    "pub_nothing": (
        "这个文件与「{layer}」现在的内容相同，没有要发布的变化。",
        "This file holds exactly what '{layer}' holds now: nothing to publish.",
    ),
    "pub_comparing": ("正在与现有图层比较…", "Comparing with the layer as it is…"),
    "pub_preview": ("发布前预览：会改变什么", "Before publishing: what would change"),
    "pub_added": ("新增要素", "Features added"),
    "pub_changed": ("修改要素", "Features changed"),
    "pub_retired": ("退出要素", "Features retired"),
    "pub_totals": ("对主要合计的影响", "Effect on the key totals"),
    "pub_changes": ("逐项变化（原值 → 新值）", "Every change (old → new)"),
    "pub_changes_cut": ("只列出前 {count} 行。", "Only the first {count} rows are listed."),
    "pub_comment": ("说明（必填：为什么改）", "Comment (required: why it changes)"),
    "pub_comment_needed": ("请填写说明再发布。", "Write a comment before publishing."),
    "pub_effective": ("生效日期", "Holds from"),
    "pub_effective_help": (
        "变化从哪一天起成立；不能晚于今天，也不能早于图层上一次变化的日期。",
        "The day the change holds from: not after today, not before the layer's last change.",
    ),
    "pub_button": ("发布为版本 {version}", "Publish as version {version}"),
    "pub_done": (
        "已发布「{layer}」版本 {version}：新增 {added}、修改 {changed}、退出 {retired} 个要素。",
        "Published '{layer}' version {version}: {added} added, {changed} changed, {retired} retired.",
    ),
    "pub_conflict": (
        "「{layer}」在你预览之后已被别人改为版本 {head}（你预览的是版本 {expected}），什么也没有发布。请重新检查预览。",
        "'{layer}' was changed to version {head} by someone else after your preview (of version {expected}); nothing was published. Check the preview again.",
    ),
    "date_future": (
        "日期 {date} 在今天（{today}）之后，不能使用。",
        "The date {date} is after today ({today}).",
    ),
    "date_before_last": (
        "日期 {date} 早于上一次变化的日期（{last}）：历史要按日期顺序记录。",
        "The date {date} is before the last change ({last}): the history is kept in date order.",
    ),
    "store_failed": (
        "保存失败，什么也没有改变。请稍后再试，若仍失败请告诉管理员。",
        "Saving failed and nothing was changed. Try again later, and tell the administrator if it fails again.",
    ),
    "edit_conflict": (
        "这个要素在你打开之后已被别人修改，你的修改没有保存。",
        "Someone changed this feature after you opened it; your change was not saved.",
    ),
    "edit_your_name": ("你的姓名（记入变更记录）", "Your name (recorded with your changes)"),
    "edit_your_name_help": (
        "这台电脑没有登录，变更记录用这个名字记下是谁改的；本次会话只需填一次。",
        "This computer has no sign-in: the change log records who made a change under this name. Asked once per session.",
    ),
    "edit_name_first": ("请先填写你的姓名。", "Give your name first."),
    "ver_title": ("图层版本与回退", "Layer versions and rollback"),
    "ver_layer": ("图层", "Layer"),
    "ver_caption": (
        "每次发布、编辑或回退都是一个新版本，旧版本永远保留。时间为北京时间；变化列为 新增 / 修改 / 退出 的要素数。",
        "Every publish, edit or rollback is a new version; earlier versions are kept for good. Times are Beijing time; the counts are features added / changed / retired.",
    ),
    "ver_number": ("版本", "Version"),
    "ver_kind": ("类型", "Kind"),
    "ver_author": ("操作人", "By"),
    "ver_recorded": ("记录时间", "Recorded"),
    "ver_effective": ("生效日期", "Holds from"),
    "ver_counts": ("新增 / 修改 / 退出", "Added / changed / retired"),
    "ver_comment": ("说明", "Comment"),
    "ver_rollback_to": ("回退到", "Roll back to"),
    "ver_option": ("版本 {number} 时的状况", "the layer as version {number} left it"),
    "ver_confirm": (
        "我明白：回退会写成新的版本 {head}，生效日期为今天，之间的变化仍保留在历史中",
        "I understand: the rollback is written as new version {head}, holding from today; the changes in between stay in the history",
    ),
    "ver_confirm_needed": ("请先勾选确认。", "Tick the confirmation first."),
    "ver_rollback": ("回退", "Roll back"),
    "ver_done": (
        "已把「{layer}」回退到版本 {target} 时的状况，记为版本 {version}。",
        "'{layer}' is back as version {target} left it, written as version {version}.",
    ),
    "hist_title": ("变更记录", "Change log"),
    "hist_intro": (
        "所有图层的每一次变化，按生效日期从新到旧，每个修改的字段一行；时间为北京时间。操作人为 data/shapefiles 的是首次载入的示例数据及其示意历史，记录时间是载入的时间。内部字段（联系人、洽谈备注、户编号等）只记字段名，不显示内容。",
        "Every change of every layer, latest first by the date it holds from, one row per changed field; times are Beijing time. Rows by data/shapefiles are the first load of the sample data and its illustrative history, recorded when it was loaded. Internal fields (contacts, negotiation notes, household ids…) are named but their values are not shown.",
    ),
    "hist_layers": ("图层", "Layers"),
    "hist_all_layers": ("全部图层", "All layers"),
    "hist_person": ("操作人", "Person"),
    "hist_everyone": ("所有人", "Everyone"),
    "hist_since": ("生效日期自", "Holds from, on or after"),
    "hist_until": ("生效日期至", "Holds from, on or before"),
    "hist_township": ("乡镇街道", "Township"),
    "hist_search": ("要素编号或名称包含", "Feature ID or name contains"),
    "hist_dates_reversed": (
        "开始日期晚于结束日期：没有符合的变更。",
        "The first date is after the last: no change matches.",
    ),
    "hist_count": (
        "符合条件的变更：{changes} 次（{rows} 行）。",
        "{changes} changes match ({rows} rows).",
    ),
    "hist_file": ("变更记录", "change-log"),
    "hist_feature": ("本要素的历史（{count} 次变更）", "This feature's history ({count} changes)"),
    "edit_feature": ("编辑这个要素", "Edit this feature"),
    "edit_add": ("新增要素", "Add a feature"),
    "edit_add_button": ("新增", "Add"),
    "edit_not_in_past": (
        "正在查看过去的日期：回到现在才能编辑。",
        "You are viewing a past date: go back to now to edit.",
    ),
    "edit_gone": (
        "这个要素已经退出，不能编辑。",
        "This feature has been retired and cannot be edited.",
    ),
    "edit_opened": (
        "这个要素现在的状态来自图层版本 {version}，自 {date} 起生效。保存时若别人已改过，会让你对比后选择。",
        "This feature's present state comes from layer version {version} and holds from {date}. If someone "
        "saves first, you will compare and choose.",
    ),
    "edit_internal": ("（内部）", " (internal)"),
    "edit_township_located": (
        "乡镇街道按要素所在位置自动确定，保存时更新。",
        "The township follows where the feature lies; it is set when you save.",
    ),
    "edit_shape": ("位置与形状", "Position and shape"),
    "edit_shape_keep": ("保持不变", "keep as it is"),
    "edit_shape_map": ("在地图上画或修改", "draw or change on the map"),
    "edit_shape_typed": ("输入坐标", "type coordinates"),
    "edit_system": ("坐标系", "Coordinate system"),
    "edit_system_wgs84": ("WGS-84 经纬度（GPS、天地图）", "WGS-84 lon/lat (GPS, Tianditu)"),
    "edit_system_gcj02": ("GCJ-02 经纬度（高德、腾讯地图）", "GCJ-02 lon/lat (AMap, Tencent)"),
    "edit_system_gk120": (
        "CGCS2000 高斯-克吕格 3° 中央经线 120°E（米，无带号）",
        "CGCS2000 Gauss-Krüger 3° CM 120°E (metres, no zone)",
    ),
    "edit_system_gk40": (
        "CGCS2000 高斯-克吕格 3° 第 40 带（米，带号在前）",
        "CGCS2000 Gauss-Krüger 3° zone 40 (metres, zone first)",
    ),
    "edit_typed": (
        "坐标（每行一对：经度 纬度，或 X Y）",
        "Coordinates (one pair per line: lon lat, or X Y)",
    ),
    "edit_typed_help_point": ("一行，例如 120.45, 41.55", "One line, e.g. 120.45, 41.55"),
    "edit_typed_help_line": ("至少两行，沿线依次", "At least two lines, in order along the line"),
    "edit_typed_help_polygon": (
        "至少三行，沿边界依次（自动闭合）",
        "At least three lines, in order around the edge (closed for you)",
    ),
    "edit_coord_system": ("未知的坐标系。", "Unknown coordinate system."),
    "edit_coord_count": (
        "坐标对数不对：需要 {needed} 对或以上（点只要 1 对），现在是 {count} 对。",
        "Wrong number of pairs: {needed} or more needed (1 for a point), {count} given.",
    ),
    "edit_coord_too_many": (
        "最多 {limit} 对坐标，现在是 {count} 对。",
        "At most {limit} pairs, {count} given.",
    ),
    "edit_coord_not_numbers": (
        "第 {line} 行不是两个数字：{text}",
        "Line {line} is not two numbers: {text}",
    ),
    "edit_coord_far": (
        "第 {lines} 行的位置离双塔区很远：坐标系选错了，或经纬度写反了？",
        "Lines {lines} are far from Shuangta: wrong coordinate system, or x and y swapped?",
    ),
    "edit_coord_invalid": (
        "这些坐标围成的面自相交或无效（{reason}）。",
        "These coordinates make an invalid polygon ({reason}).",
    ),
    "edit_map_help_edit": (
        "用地图左侧的编辑按钮拖动点或顶点，然后点「保存」；也可以重新画一个。",
        "Use the edit button on the map's left to drag the point or vertices, then press Save; or draw a new one.",
    ),
    "edit_map_help_draw": (
        "用地图左侧的按钮画出要素。",
        "Draw the feature with the button on the map's left.",
    ),
    "edit_drawn_refused": (
        "画出的形状不能使用（超出范围、顶点太多或自相交）。",
        "The drawn shape cannot be used (out of range, too many vertices, or crossing itself).",
    ),
    "edit_shape_needed": ("请先给出位置或形状。", "Give the position or shape first."),
    "edit_effective_help": (
        "变化从哪一天起成立（例如签约那天）；不能晚于今天，也不能早于这个要素上一次变化。",
        "The day the change holds from (the day of signing, say): not after today, not before the feature's last change.",
    ),
    "edit_save": ("保存修改", "Save changes"),
    "edit_retire": (
        "让要素退出（从生效日期起不再显示，历史保留）",
        "Retire the feature (off the map from that date; its history stays)",
    ),
    "edit_saved": (
        "已保存为版本 {version}，自 {date} 起生效。",
        "Saved as version {version}, holding from {date}.",
    ),
    "edit_retired": (
        "要素已退出（版本 {version}，自 {date} 起）。",
        "The feature is retired (version {version}, from {date}).",
    ),
    "edit_added": (
        "已新增要素 {uid}（版本 {version}）。",
        "Feature {uid} added (version {version}).",
    ),
    "edit_unchanged": ("没有任何改动，没有保存。", "Nothing was changed, so nothing was saved."),
    "edit_col_field": ("字段", "Field"),
    "edit_col_opened": ("你打开时", "When you opened it"),
    "edit_col_theirs": ("现在（别人保存的）", "Now (saved by someone else)"),
    "edit_col_mine": ("你的修改", "Your change"),
    "edit_theirs_by": (
        "别人保存的是版本 {version}（自 {date} 起）。",
        "Theirs is version {version} (holding from {date}).",
    ),
    "edit_keep_theirs": (
        "放弃我的修改，打开现在的版本",
        "Drop my change, open the current version",
    ),
    "edit_save_mine": ("仍用我的修改覆盖", "Save mine over theirs"),
    "edit_id_needed": ("请填写要素编号。", "Give the feature an ID."),
    "edit_id_taken": ("编号 {uid} 已被使用，请换一个。", "The ID {uid} is taken; choose another."),
    "edit_values_refused": ("这些值不能保存：{problem}", "These values cannot be saved: {problem}"),
    "panel_absent": (
        "所选要素在所看的日期不在图上（那时还没有，或已退出）。",
        "The chosen feature is not on the map on the date viewed (not there yet, or retired).",
    ),
}
