"""The text encoding of a shapefile: from its .cpg, else detected from the DBF's text bytes.

Chinese planning bureaus often deliver GBK-encoded DBFs without a .cpg; UTF-8 is tried first
(it rarely decodes GBK by accident), then the Chinese code pages.
"""

from __future__ import annotations

import codecs
import io

from geo.errors import DataError

__all__ = ["shapefile_encoding"]

# How .cpg files name code pages, mapped to codec names both Python and GDAL understand.
_CPG_ALIASES = {
    "UTF8": "UTF-8",
    "UTF-8": "UTF-8",
    "65001": "UTF-8",
    "936": "CP936",
    "ANSI 936": "CP936",
    "54936": "GB18030",
    "GB2312": "GBK",  # a superset, so GB2312 text decodes the same
}
# Decode errors that only mean a text field was cut in the middle of a character.
_TRUNCATION_REASONS = ("unexpected end of data", "incomplete multibyte sequence")
_DBF_FIELD_DESCRIPTOR = 32
_DBF_HEADER_END = 0x0D
_DBF_TEXT_FIELD = ord("C")
_DBF_CHUNK_RECORDS = 4096


def shapefile_encoding(
    cpg_text: bytes | None, dbf: io.BufferedIOBase | None, label: str
) -> tuple[str, str]:
    """The encoding of a shapefile's text and why: from its .cpg, else detected from the DBF."""
    values = _dbf_text_values(dbf, label) if dbf is not None else []
    if cpg_text is not None:
        declared = cpg_text.decode("ascii", errors="replace").strip()
        chosen = _CPG_ALIASES.get(declared.upper(), declared)
        try:
            codecs.lookup(chosen)
        except LookupError:
            raise DataError(
                label, f".cpg names an unknown encoding {declared!r}; pass encoding= to override"
            ) from None
        if not all(_decodes(value, chosen) for value in values):
            raise DataError(
                label,
                f".cpg says {declared!r} but the DBF text is not valid {chosen}; "
                "pass encoding= to override",
            )
        return chosen, f"from the .cpg file ({declared!r})"
    if dbf is None:
        return "UTF-8", "no .dbf file, so no text attributes"
    if not values:
        return "UTF-8", "no .cpg file; the DBF text is plain ASCII"
    if all(_decodes(value, "utf-8") for value in values):
        return "UTF-8", f"no .cpg file; all {len(values)} non-ASCII DBF text values are valid UTF-8"
    for codec in ("GBK", "GB18030"):
        if all(_decodes(value, codec) for value in values):
            return codec, (
                f"no .cpg file; the DBF text is not valid UTF-8 but all {len(values)} "
                f"non-ASCII values are valid {codec}"
            )
    raise DataError(
        label,
        "no .cpg file and the DBF text is neither UTF-8 nor GBK/GB18030; "
        "pass encoding= to say which it is",
    )


def _dbf_text_values(dbf: io.BufferedIOBase, label: str) -> list[bytes]:
    """The raw bytes of every non-ASCII field name and text value in a DBF file."""
    header = dbf.read(_DBF_FIELD_DESCRIPTOR)
    if len(header) < _DBF_FIELD_DESCRIPTOR:
        raise DataError(label, "corrupt .dbf file: header is truncated")
    record_count = int.from_bytes(header[4:8], "little")
    header_length = int.from_bytes(header[8:10], "little")
    record_length = int.from_bytes(header[10:12], "little")
    descriptors = dbf.read(max(header_length - _DBF_FIELD_DESCRIPTOR, 0))

    values: list[bytes] = []
    text_fields: list[tuple[int, int]] = []  # (offset in record, width)
    offset = 1  # each record starts with its deletion flag
    for start in range(0, len(descriptors), _DBF_FIELD_DESCRIPTOR):
        descriptor = descriptors[start : start + _DBF_FIELD_DESCRIPTOR]
        if descriptor[0] == _DBF_HEADER_END or len(descriptor) < _DBF_FIELD_DESCRIPTOR:
            break
        name = descriptor[:11].split(b"\x00", 1)[0]
        if not name.isascii():
            values.append(name)
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
                    values.append(value)
        if len(chunk) < count * record_length:
            break
        remaining -= count
    return values


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


# --- reading through GDAL ----------------------------------------------------------------------
