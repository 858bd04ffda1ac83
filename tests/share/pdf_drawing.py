"""Reading what a printed map drew: paths painted per layer, from the PDF's content stream."""

from __future__ import annotations

import io

from pypdf import PdfReader
from pypdf.generic import ContentStream

from documents.vector_map import LAYER_TAG

PAINT = {b"S", b"s", b"f", b"F", b"f*", b"B", b"B*", b"b", b"b*"}


def drawn_per_layer(document: bytes, page: int = 0) -> dict[str, int]:
    """Paths painted inside each layer's marked-content sequence of the page."""
    reader = PdfReader(io.BytesIO(document))
    operations = ContentStream(reader.pages[page].get_contents(), reader).operations
    counts: dict[str, int] = {}
    layer = None
    for operands, operator in operations:
        if operator == b"BDC" and operands[0] == f"/{LAYER_TAG}":
            layer = str(operands[1]["/Key"])
            counts.setdefault(layer, 0)
        elif operator == b"EMC":
            layer = None
        elif layer is not None and operator in PAINT:
            counts[layer] += 1
    return counts


def paths_painted(document: bytes, page: int = 0) -> int:
    """Every path painted on the page, inside a layer's sequence or not."""
    reader = PdfReader(io.BytesIO(document))
    operations = ContentStream(reader.pages[page].get_contents(), reader).operations
    return sum(operator in PAINT for _, operator in operations)
