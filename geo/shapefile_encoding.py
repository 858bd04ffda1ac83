"""The text encoding of a shapefile: from its .cpg, else detected from the DBF's text bytes.

Chinese planning bureaus often deliver GBK-encoded DBFs without a .cpg; UTF-8 is tried first
(it rarely decodes GBK by accident), then the Chinese code pages.

A .cpg is believed unless the text says otherwise: a single-byte code page (ISO-8859-1, CP1252)
decodes any bytes, so a .cpg naming one over UTF-8 or GBK text would garble every name and
value without a word.  When the DBF's non-ASCII text is strictly valid UTF-8, or valid GBK and
nearly all common Chinese characters, while the .cpg names something else, the text is read as
what it is and a ReadNotice ("cpg_overridden") says so.  A .cpg may only name a real text
encoding that GDAL's iconv knows as well; anything else is refused.
"""

from __future__ import annotations

import codecs
import io
from collections import Counter
from dataclasses import dataclass, replace
from functools import cache

from geo.errors import DataError, ReadNotice
from geo.loaded import Loaded

__all__ = ["ShapefileText", "shapefile_encoding"]

# Python's name of each encoding a .cpg may name (a real text encoding GDAL's iconv knows too),
# with the spelling used for it.
_ALLOWED = {
    "utf-8": "UTF-8",
    "gbk": "GBK",
    "gb18030": "GB18030",
    "big5": "BIG5",
    "cp950": "CP950",
    **{f"iso8859-{n}": f"ISO-8859-{n}" for n in (*range(1, 12), 13, 14, 15, 16)},
    **{f"cp{n}": f"CP{n}" for n in range(1250, 1259)},
    "shift_jis": "SHIFT_JIS",
    "cp932": "CP932",
    "euc_jp": "EUC-JP",
    "euc_kr": "EUC-KR",
    "cp949": "CP949",
    "ascii": "ASCII",
}
# Spellings kept as the .cpg wrote them (after upper-casing) besides those above.
_KEPT_SPELLINGS = {"CP936"}
# How .cpg files name code pages: names GDAL reads that Python spells otherwise.
_CPG_ALIASES = {
    "UTF8": "UTF-8",
    "GB2312": "GBK",  # a superset, so GB2312 text decodes the same
    "EUC-CN": "GBK",
    "SJIS": "SHIFT_JIS",
}
# Windows code page numbers (as ESRI writes them, alone or after "ANSI ") that are not "CP<n>".
_CODE_PAGES = {
    "65001": "UTF-8",
    "54936": "GB18030",
    "20936": "GBK",
    "51936": "GBK",
    "20932": "EUC-JP",
    "51932": "EUC-JP",
    "51949": "EUC-KR",
    "20127": "ASCII",
    **{str(28590 + n): f"ISO-8859-{n}" for n in (*range(1, 12), 13, 14, 15, 16)},
}
# Codecs the text may be read as when the .cpg's claim does not fit it (Python names).
_CHINESE_FAMILY = {"utf-8", "gbk", "gb18030"}
# Share of the non-ASCII characters that must be common Chinese for a GBK reading to be trusted.
_MOSTLY_CHINESE = 0.9
# Decode errors that only mean a text field was cut in the middle of a character.
_TRUNCATION_REASONS = ("unexpected end of data", "incomplete multibyte sequence")
_DBF_FIELD_DESCRIPTOR = 32
_DBF_HEADER_END = 0x0D
_DBF_TEXT_FIELD = ord("C")
_DBF_NAME_BYTES = 11
_DBF_CHUNK_RECORDS = 4096
_UTF8_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class _Text:
    """A non-ASCII field name or text value as stored, and whether it fills its field."""

    raw: bytes
    full: bool  # filling the field: a writer may have cut its last character in half


@dataclass(frozen=True)
class ShapefileText:
    """The encoding to read a shapefile's text in, why, and what choosing it changed."""

    encoding: str
    reason: str
    notices: tuple[ReadNotice, ...] = ()

    def applied_to(self, loaded: Loaded) -> Loaded:
        """`loaded` (read in this encoding) with the notices of choosing it added."""
        return replace(loaded, notices=loaded.notices + self.notices)


def shapefile_encoding(
    cpg_text: bytes | None, dbf: io.BufferedIOBase | None, label: str
) -> ShapefileText:
    """The encoding of a shapefile's text and why: from its .cpg, else detected from the DBF."""
    values = _dbf_text_values(dbf, label) if dbf is not None else []
    blank_cpg = False
    if cpg_text is not None:
        declared = cpg_text.removeprefix(_UTF8_BOM).decode("ascii", errors="replace").strip()
        if declared:
            return _from_cpg(declared, values, label)
        blank_cpg = True
    no_cpg = "the .cpg file is empty" if blank_cpg else "no .cpg file"
    if dbf is None:
        return ShapefileText("UTF-8", "no .dbf file, so no text attributes")
    if not values:
        return ShapefileText("UTF-8", f"{no_cpg}; the DBF text is plain ASCII")
    if _all_decode(values, "utf-8"):
        return ShapefileText(
            "UTF-8", f"{no_cpg}; all {len(values)} non-ASCII DBF text values are valid UTF-8"
        )
    for codec in ("GBK", "GB18030"):
        if _all_decode(values, codec):
            return ShapefileText(
                codec,
                f"{no_cpg}; the DBF text is not valid UTF-8 but all {len(values)} "
                f"non-ASCII values are valid {codec}",
            )
    raise DataError(
        label,
        f"{no_cpg} and the DBF text is neither UTF-8 nor GBK/GB18030; "
        "pass encoding= to say which it is",
    )


def _from_cpg(declared: str, values: list[_Text], label: str) -> ShapefileText:
    """The .cpg's encoding, or UTF-8/GBK with a notice where the text plainly is that instead."""
    shown = _shown(declared)
    chosen = _cpg_codec(declared)
    if chosen is None:
        raise DataError(
            label, f".cpg names an unknown encoding {shown}; pass encoding= to override"
        )
    fits = _all_decode(values, chosen)
    better = _better_reading(chosen, fits, values)
    if better is not None:
        used, evidence = better
        count = len(values)
        garbled = f"{chosen} would garble them" if fits else f"they are not valid {chosen}"
        notice = ReadNotice(
            "cpg_overridden",
            count,
            f"the .cpg says {shown} but the {count} non-ASCII field names and values are "
            f"{evidence} ({garbled}); they were read as {used}",
        )
        reason = f"the .cpg says {shown}, but the DBF text is {evidence}: read as {used}"
        return ShapefileText(used, reason, (notice,))
    if not fits:
        raise DataError(
            label,
            f".cpg says {shown} but the DBF text is not valid {chosen}; pass encoding= to override",
        )
    return ShapefileText(chosen, f"from the .cpg file ({shown})")


def _cpg_codec(declared: str) -> str | None:
    """The encoding a .cpg's text names, spelt for Python and GDAL alike; None if not allowed."""
    name = declared.strip().upper()
    if name.startswith("ANSI "):
        name = name[len("ANSI ") :].strip()
    if name.startswith("8859"):  # ESRI's "88591" for ISO-8859-1
        name = "ISO-8859-" + name[len("8859") :].lstrip("-_")
    elif name.isdigit():
        name = _CODE_PAGES.get(name, f"CP{name}")
    name = _CPG_ALIASES.get(name, name)
    try:
        python_name = codecs.lookup(name).name
    except (LookupError, ValueError):
        return None
    spelling = _ALLOWED.get(python_name)
    if spelling is None:
        return None
    return name if name in _KEPT_SPELLINGS else spelling


def _better_reading(chosen: str, fits: bool, values: list[_Text]) -> tuple[str, str] | None:
    """UTF-8 or GBK/GB18030 and the evidence, where the text plainly is that and not `chosen`."""
    if not values:
        return None
    family = codecs.lookup(chosen).name
    if family == "utf-8":
        if fits:
            return None
        return _chinese_reading(values)
    if _all_decode(values, "utf-8"):
        if family in _CHINESE_FAMILY and fits and _chinese_share(values, chosen) >= _MOSTLY_CHINESE:
            return None  # Chinese text in the .cpg's encoding that happens to be valid UTF-8
        return "UTF-8", "strictly valid UTF-8"
    if family in _CHINESE_FAMILY:
        return None
    reading = _chinese_reading(values)
    if reading is None or (
        fits and _chinese_share(values, chosen) >= _chinese_share(values, reading[0])
    ):
        return None
    return reading


def _chinese_reading(values: list[_Text]) -> tuple[str, str] | None:
    """GBK or GB18030 with the evidence, if the text is valid in it and mostly Chinese."""
    for codec in ("GBK", "GB18030"):
        if _all_decode(values, codec):
            if _chinese_share(values, codec) >= _MOSTLY_CHINESE:
                return codec, f"valid {codec} and mostly common Chinese characters"
            return None
    return None


def _chinese_share(values: list[_Text], codec: str) -> float:
    """The share of the non-ASCII characters, read in `codec`, that are common Chinese."""
    counts = Counter("".join(value.raw.decode(codec, errors="ignore") for value in values))
    foreign = {char: n for char, n in counts.items() if not char.isascii()}
    total = sum(foreign.values())
    if total == 0:
        return 0.0
    common = _common_chinese()
    return sum(n for char, n in foreign.items() if char in common) / total


@cache
def _common_chinese() -> frozenset[str]:
    """The GB2312 hanzi and Chinese punctuation: nearly all of any real Chinese text."""
    rows = (0xA1, 0xA3, *range(0xB0, 0xF8))  # punctuation, full-width forms, levels 1 and 2
    chars = set()
    for row in rows:
        for cell in range(0xA1, 0xFF):
            try:
                chars.add(bytes((row, cell)).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return frozenset(chars)


def _dbf_text_values(dbf: io.BufferedIOBase, label: str) -> list[_Text]:
    """Every non-ASCII field name and text value in a DBF file, as stored."""
    header = dbf.read(_DBF_FIELD_DESCRIPTOR)
    if len(header) < _DBF_FIELD_DESCRIPTOR:
        raise DataError(label, "corrupt .dbf file: header is truncated")
    record_count = int.from_bytes(header[4:8], "little")
    header_length = int.from_bytes(header[8:10], "little")
    record_length = int.from_bytes(header[10:12], "little")
    descriptors = dbf.read(max(header_length - _DBF_FIELD_DESCRIPTOR, 0))

    values: list[_Text] = []
    text_fields: list[tuple[int, int]] = []  # (offset in record, width)
    offset = 1  # each record starts with its deletion flag
    for start in range(0, len(descriptors), _DBF_FIELD_DESCRIPTOR):
        descriptor = descriptors[start : start + _DBF_FIELD_DESCRIPTOR]
        if descriptor[0] == _DBF_HEADER_END or len(descriptor) < _DBF_FIELD_DESCRIPTOR:
            break
        name = descriptor[:_DBF_NAME_BYTES].split(b"\x00", 1)[0]
        if not name.isascii():
            values.append(_Text(name, len(name) >= _DBF_NAME_BYTES - 1))
        width = descriptor[16]
        if descriptor[11] == _DBF_TEXT_FIELD:
            text_fields.append((offset, width))
        offset += width
    if record_length <= 0 or not text_fields:
        return values

    remaining = record_count
    while remaining > 0:
        count = min(remaining, _DBF_CHUNK_RECORDS)
        chunk = dbf.read(count * record_length)
        if chunk.isascii():
            remaining -= count
            continue
        for record in range(len(chunk) // record_length):
            base = record * record_length
            for field_offset, width in text_fields:
                value = chunk[base + field_offset : base + field_offset + width].rstrip(b" \x00")
                if not value.isascii():
                    values.append(_Text(value, len(value) == width))
        if len(chunk) < count * record_length:
            break
        remaining -= count
    return values


def _all_decode(values: list[_Text], codec: str) -> bool:
    """Whether every value is strictly valid in `codec`; one filling its field may end cut short.

    Values not filling their field are decoded joined by a newline, which no multi-byte
    sequence of the allowed codecs may contain, so one decode tells for all of them.
    """
    whole = b"\n".join(value.raw for value in values if not value.full)
    try:
        whole.decode(codec)
    except UnicodeDecodeError:
        return False
    return all(_decodes(value.raw, codec) for value in values if value.full)


def _decodes(value: bytes, codec: str) -> bool:
    """Whether ``value`` is strictly valid in ``codec``, allowing a last character cut short."""
    try:
        value.decode(codec)
    except UnicodeDecodeError as error:
        return (
            error.reason in _TRUNCATION_REASONS
            and error.end == len(value)
            and error.start > 0
            and _decodes(value[: error.start], codec)
        )
    return True


def _shown(declared: str) -> str:
    """The .cpg's text for a message: quoted, and short whatever the file holds."""
    return repr(declared if len(declared) <= 40 else declared[:40] + "…")
