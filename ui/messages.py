"""Data problems explained in the reader's language: the file is named, then what is wrong.

geo raises DataError with an English problem text; here the common problems of uploaded files
get a Chinese explanation too.  Anything not listed is shown as geo wrote it.
"""

from __future__ import annotations

import re

from geo.errors import DataError, ReadNotice

__all__ = ["explain", "explain_notice", "explain_reason", "plain_markdown"]

# Problems found by the upload hardening (checked first: some would match the older ones).
_HARDENING = (
    (r"content does not match its name", "文件内容与扩展名不符，已拒绝（不会按其他格式读取）。"),
    (r"DOCTYPE or entities", "XML 文件含 DOCTYPE 或实体声明，出于安全原因已拒绝。"),
    (
        r"linked or '.*' CRS is refused",
        "文件用网址或文件路径指定坐标系，已拒绝；请写 EPSG 代码或不写坐标系。",
    ),
    (r"only EPSG codes and OGC CRS84", "坐标系名称无法接受：只接受 EPSG 代码或 OGC CRS84。"),
    (r"coordinates that are not numbers \(text", "部分要素的坐标不是数字（是文字或其他值）。"),
    (r"not finite numbers", "部分要素的坐标不是有限数字（NaN 或无穷大）。"),
    (r"nested too deeply", "GeoJSON 嵌套层数过多，已拒绝。"),
    (r"not (?:readable )?GeoJSON", "不是可读取的 GeoJSON 文件。"),
    (r"is an SQL view", "GeoPackage 图层是 SQL 视图，只读取普通表，请先导出为表。"),
    (r"not a GeoPackage", "不是 GeoPackage 文件。"),
    (
        r"has (?P<n>[\d,]+) (?:fields|properties), more than the (?P<max>[\d,]+)",
        "字段数 {n} 超过上限 {max}。",
    ),
    (
        r"(?:has|holds) (?P<n>[\d,]+) features, more than the (?P<max>[\d,]+)",
        "要素数 {n} 超过上限 {max}。",
    ),
    (
        r"has (?P<n>[\d,]+) vertices, more than the (?P<max>[\d,]+) allowed for one",
        "单个要素有 {n} 个节点，超过上限 {max}，已拒绝。",
    ),
    (r"holds (?P<n>[\d,]+) vertices, more than", "节点总数 {n} 超过上限，已拒绝。"),
    (r"values allowed|property values, the limit|cells", "属性值总数超过上限，已拒绝。"),
    (r"took longer than (?P<n>\d+) s", "读取超过 {n} 秒，已停止（文件过大或过于复杂）。"),
    (r"more than (?P<n>\d+) s of processing time", "读取耗用的处理时间超过 {n} 秒，已停止。"),
    (r"more than the (?P<n>[\d,]+) MB of memory", "读取所需内存超过允许的 {n} MB，已停止。"),
    (r"memory or processing time", "读取所需内存或处理时间超过上限，已停止。"),
    (r"unexpected", "读取时发生意外错误，已记录在服务器日志中。"),
    (r"cannot be converted from (?P<crs>\S+)", "坐标无法从 {crs} 转换为经纬度。"),
    (r"directory lists more than", "压缩包目录中的条目过多，已拒绝。"),
    (r"holds two members named '(?P<name>.*)'", "压缩包内有两个同名成员“{name}”。"),
    (
        r"holds both a file and a folder named '(?P<name>.*)'",
        "压缩包内文件与文件夹同名（“{name}”）。",
    ),
    (
        r"member '(?P<name>.*)' (?:has a control character|has an empty name|has a name part|"
        r"has a path longer|is nested more)",
        "压缩包成员“{name}”的名称或路径无效（过长、过深或含控制字符），已拒绝。",
    ),
    (r"member '(?P<name>.*)' cannot be unpacked", "压缩包成员“{name}”无法解压。"),
    (r"\.shx index does not match", ".shx 索引与 .shp 记录不符（文件损坏或不配套），已拒绝。"),
    (r"of the \.shp (?:is|are) damaged", ".shp 中有记录损坏，已拒绝。"),
    (r"unknown shape type", ".shp 的几何类型无法识别。"),
    (r"\.shx file is damaged", ".shx 文件损坏。"),
    (r"\.dbf header is damaged", ".dbf 表头损坏，属性无法正确读取，已拒绝。"),
    (r"\.cpg names an unknown encoding", ".cpg 文件指定的编码无法识别。"),
)

# (pattern on the English problem, Chinese explanation with the pattern's named groups)
# Why a layer's vector tiles could not be built (maps.tiles, maps.tile_process).
_TILES = (
    (
        r"(?P<count>[\d,]+) features: more than the (?P<most>[\d,]+) tiled at most",
        "{count} 个要素，超过可生成瓦片的上限 {most} 个。",
    ),
    (r"took longer than (?P<s>\d+) s and was stopped", "生成瓦片超过 {s} 秒，已停止。"),
    (r"used more than (?P<s>\d+) s of CPU", "生成瓦片占用 CPU 超过 {s} 秒，已停止。"),
    (r"needed more memory than allowed", "生成瓦片所需内存超过上限，已停止。"),
    (r"building tiles wrote more than allowed", "生成瓦片写出的数据超过上限，已停止。"),
    (
        r"too dense to keep every feature in the tiles of zoom (?P<z>\d+)",
        "要素过密，第 {z} 级瓦片放不下全部要素。",
    ),
    (r"no features with a geometry to tile", "没有带几何的要素可生成瓦片。"),
)
_CHINESE = (
    *_HARDENING,
    *_TILES,
    (r"a zip bomb is refused", "压缩比异常（疑似压缩炸弹），已拒绝。"),
    (
        r"the visit tables predate this version",
        "走访记录的数据表来自旧版本，缺少新增的列；请管理员再次运行 make shared（以数据表所有者身份补齐）。",
    ),
    (r"more than the (?P<mb>\d+) MB allowed", "解压后超过允许的 {mb} MB，已拒绝。"),
    (
        r"too large: (?P<size>[\d.]+) MB, the limit is (?P<mb>\d+) MB",
        "文件过大：{size} MB，上限 {mb} MB。",
    ),
    (
        r"holds (?P<n>\d+) files, more than the (?P<max>\d+) allowed",
        "压缩包内有 {n} 个文件，超过上限 {max} 个。",
    ),
    (
        r"member '(?P<name>.*)' would be written outside",
        "压缩包成员“{name}”的路径指向解压目录之外，已拒绝。",
    ),
    (
        r"holds another archive \('(?P<name>.*)'\)",
        "压缩包内还有压缩包（{name}），请解压后上传其中的数据。",
    ),
    (r"is encrypted", "压缩包成员已加密，无法读取。"),
    (r"symbolic link", "压缩包内含符号链接，已拒绝。"),
    (r"not a readable zip archive", "不是可读取的 ZIP 压缩包（文件损坏或格式不符）。"),
    (
        r"the (?P<part>\.\w+) file is missing",
        "缺少 {part} 文件：Shapefile 需要 .shp、.shx 和 .dbf 三个文件。",
    ),
    (r"the (?P<part>\.\w+) file is truncated", "{part} 文件不完整（被截断或损坏）。"),
    (
        r"the (?P<part>\.\w+) file is not a shapefile part",
        "{part} 文件不是有效的 Shapefile 组成文件。",
    ),
    (
        r"holds (?P<a>\d+) shapes but the \.dbf (?P<b>\d+) records",
        ".shp 有 {a} 个图形而 .dbf 有 {b} 条记录，两者不匹配。",
    ),
    (r"the \.prj file cannot be read by PROJ", ".prj 坐标系文件无法识别。"),
    (
        r"not valid|neither UTF-8 nor GB18030|cannot decode|encoding",
        "文字编码无法识别（不是 UTF-8，也不是 GBK/GB18030）。",
    ),
    (r"coordinates that are not numbers", "部分要素的坐标不是数字（NaN 或无穷大）。"),
    (
        r"look like latitude and longitude swapped",
        "坐标看起来经纬度写反了，可勾选“交换经纬度”后重试。",
    ),
    (
        r"none can be guessed",
        "文件没有坐标系，且无法从坐标推断；坐标可能超出合理范围，请选择坐标系。",
    ),
    (r"no coordinate columns", "表格中找不到坐标列（经度/纬度、lon/lat、x/y）。"),
    (r"unsupported file type", "不支持的文件类型。"),
    (r"several layers", "文件包含多个图层，请先选择一个。"),
    (r"empty", "文件中没有要素。"),
    (
        r"several shapefiles|must hold one shapefile",
        "压缩包应只包含一个 Shapefile 或一个数据文件。",
    ),
)


def explain(error: DataError, lang: str) -> str:
    """`file: explanation` in `lang`; the English detail follows a Chinese explanation."""
    problem = explain_problem(error.problem, lang)
    return (
        f"{error.source}：{problem}" if problem != error.problem else f"{error.source}: {problem}"
    )


def explain_problem(problem: str, lang: str) -> str:
    """A DataError's problem in `lang`: in Chinese with the English detail after it."""
    if lang != "en":
        for pattern, chinese in _CHINESE:
            match = re.search(pattern, problem)
            if match:
                return f"{chinese.format(**match.groupdict())}（{problem}）"
    return problem


# What reading changed or left out (geo.errors.ReadNotice codes), in Chinese, with the count.
_NOTICES_ZH = {
    "column_renamed": "字段名与几何列冲突，已改名保留",
    "reader_warnings": "读取时出现 {count} 条警告",
    "cpg_overridden": ".cpg 声明的编码与文字不符，{count} 个值已按实际编码读取",
    "excel_formulas": "{count} 个单元格是公式，已使用 Excel 上次计算的结果",
    "excel_formulas_uncomputed": "{count} 个公式单元格没有计算结果，已留空",
}


# The values in a notice's English detail that the Chinese line shows (names, cells, messages).
_NOTICE_VALUES = {
    "column_renamed": (
        r"'(?P<old>[^']*)' would clash .*; kept as '(?P<new>[^']*)'",
        "：{old} → {new}",
    ),
    "reader_warnings": (r"the reader warned: (?P<said>.*)", "：{said}"),
    "cpg_overridden": (
        r"the \.cpg says '?(?P<cpg>.+?)'? but .*they were read as (?P<used>[\w-]+)",
        "（.cpg 写的是 {cpg}，已按 {used} 读取）",
    ),
    "excel_formulas": (r"\((?P<cells>[^()]*)\)$", "（{cells}）"),
    "excel_formulas_uncomputed": (r"\((?P<cells>[^()]*)\)$", "（{cells}）"),
}


def explain_notice(notice: ReadNotice, lang: str) -> str:
    """One line on what reading changed: Chinese with the values of the detail, or English."""
    chinese = _NOTICES_ZH.get(notice.code)
    if lang == "en" or chinese is None:
        return f"{notice.detail} ({notice.count:,})"
    line = chinese.format(count=f"{notice.count:,}")
    pattern, values = _NOTICE_VALUES.get(notice.code, ("", ""))
    match = re.search(pattern, notice.detail) if pattern else None
    return line + values.format(**match.groupdict()) if match else line


# How geo chose a file's CRS or text encoding (crs_reason, encoding_reason), piece by piece:
# a reason is a sequence of these (a doubt, then the choice), each matched where the last ended.
_GUESS_BILINGUAL = r"(?P<zh>[^\x00-\x7f][^()]*?) \((?P<en>[^()]*)\)"
_GUESS_AFTER = r"(?<=guessed from the coordinates: )"
_REASONS_ZH = (
    (r"read from the file", "从文件中读取"),
    (
        r" \(crs='(?P<crs>[^']*)' ignored: the file declares its own\)",
        "（文件已声明坐标系，未采用所选的 {crs}）",
    ),
    (
        r"the file declares (?P<crs>.+?) but it is an? .+?, which cannot be placed on the Earth; ",
        "文件声明的坐标系 {crs} 不是地理或投影坐标系，无法定位到地球上；",
    ),
    (
        r"the file declares (?P<crs>.+?) but it is not a coordinate system of the Earth; ",
        "文件声明的坐标系 {crs} 不是地球上的坐标系；",
    ),
    (
        r"the file declares (?P<crs>.+?) but the coordinates are not longitudes/latitudes; ",
        "文件声明经纬度坐标系 {crs}，但坐标不是经纬度；",
    ),
    (
        r"the file declares (?P<crs>.+?) but the coordinates look like longitudes/latitudes, "
        r"not metres; ",
        "文件声明投影坐标系 {crs}，但坐标看起来是经纬度而不是米；",
    ),
    (r"the file has no CRS; ", "文件未声明坐标系；"),
    (r"given by the caller \(crs='(?P<crs>[^']*)'\)", "采用所选的坐标系 {crs}"),
    (r"guessed from the coordinates: ", "根据坐标范围推断："),
    (_GUESS_BILINGUAL, "{zh}"),
    (r"no \.dbf file, so no text attributes", "没有 .dbf 文件，因此没有文字属性"),
    (r"no \.cpg file", "没有 .cpg 文件"),
    (r"the \.cpg file is empty", ".cpg 文件为空"),
    (r"; the DBF text is plain ASCII", "；DBF 中的文字只有 ASCII 字符"),
    (
        r"; all (?P<n>[\d,]+) non-ASCII DBF text values are valid UTF-8",
        "；DBF 中全部 {n} 个非 ASCII 文字都是有效的 UTF-8",
    ),
    (
        r"; the DBF text is not valid UTF-8 but all (?P<n>[\d,]+) non-ASCII values are valid "
        r"(?P<codec>[\w-]+)",
        "；DBF 中的文字不是有效的 UTF-8，但全部 {n} 个非 ASCII 文字都是有效的 {codec}",
    ),
    (
        r"the \.cpg says '?(?P<cpg>.+?)'?, but the DBF text is ",
        ".cpg 文件写的是 {cpg}，但 DBF 中的文字",
    ),
    (r"strictly valid UTF-8", "是严格有效的 UTF-8"),
    (
        r"valid (?P<codec>[\w-]+) and mostly common Chinese characters",
        "是有效的 {codec}，且大多是常用汉字",
    ),
    (r": read as (?P<used>[\w-]+)", "，已按 {used} 读取"),
    (r"from the \.cpg file \('?(?P<cpg>[^)']*)'?\)", "按 .cpg 文件（{cpg}）"),
    (r"given by the caller \(encoding=\)", "采用所选的编码"),
    (r"the file is valid UTF-8 with BOM", "文件是有效的 UTF-8（带 BOM）"),
    (r"the file is valid UTF-8", "文件是有效的 UTF-8"),
    (
        r"the file is not valid UTF-8 but is valid GB18030",
        "文件不是有效的 UTF-8，但是有效的 GB18030",
    ),
    (r"Excel workbooks store text as Unicode", "Excel 工作簿以 Unicode 保存文字"),
    (r"(?P<kind>[\w ]+?) text is UTF-8 by specification", "{kind} 格式规定文字使用 UTF-8"),
)
_KINDS_ZH = {"shapefile": "Shapefile", "zipped shapefile": "Shapefile（ZIP 压缩）"}


def explain_reason(reason: str, lang: str) -> str:
    """How geo chose a CRS or an encoding, in `lang`.

    Chinese: every known piece translated, values (CRS codes, encodings, names from the file)
    kept; an unknown remainder is shown as geo wrote it.  English: geo's text, with the
    bilingual guess reasons of geo.crs reduced to their English."""
    if lang == "en":
        return re.sub(_GUESS_AFTER + _GUESS_BILINGUAL, lambda match: match["en"], reason)
    shown, rest = [], reason
    while rest:
        for pattern, chinese in _REASONS_ZH:
            match = re.match(pattern, rest)
            if match:
                values = match.groupdict()
                if "kind" in values:
                    values["kind"] = _KINDS_ZH.get(values["kind"], values["kind"])
                shown.append(chinese.format(**values))
                rest = rest[match.end() :]
                break
        else:
            return "".join(shown) + rest
    return "".join(shown)


def plain_markdown(value: str) -> str:
    """Text shown as itself where Streamlit renders markdown: every markup character escaped.

    Runs of white space become one space (no indented code blocks, no underlined headings),
    and a word joiner (U+2060, invisible) keeps apart what GFM would turn into a link
    (http:, www., e-mail @) or Streamlit into an icon (:material/…:)."""
    text = _LINK_OR_ICON.sub("\u2060", " ".join(str(value).split()))
    return "".join(f"\\{c}" if c in _MARKDOWN else c for c in text)


_MARKDOWN = set("\\`*_{}[]()#+-.!|<>~$:&=")
_LINK_OR_ICON = re.compile(
    r"(?i)(?<=https)(?=:)|(?<=http)(?=:)|(?<=ftp)(?=:)|(?<=mailto)(?=:)|(?<=www)(?=\.)|(?<=@)"
    r"|(?<=:)(?=material/)"
)
