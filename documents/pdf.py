"""PDF documents of the atlas: A4, with a CJK font embedded from a package (not the system)."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from fpdf import FPDF

__all__ = ["CJK_FONT", "FONT", "MARGIN_MM", "new_document", "set_text"]

# WenQuanYi Micro Hei (OFL) from the paperang-p2-fonts-cjk package; embedded as a subset.
CJK_FONT = Path(str(files("paperang_p2_fonts_cjk") / "fonts" / "wqy-microhei.ttc"))
FONT = "WenQuanYiMicroHei"
MARGIN_MM = 14.0


def new_document(title: str, *, orientation: str = "portrait") -> FPDF:
    """An empty A4 document titled `title`, with the CJK font registered."""
    pdf = FPDF(orientation=orientation, unit="mm", format="A4")
    pdf.set_margins(MARGIN_MM, MARGIN_MM, MARGIN_MM)
    pdf.add_font(FONT, "", str(CJK_FONT))
    pdf.set_title(title)
    pdf.set_creator("双塔区项目地图 Shuangta Project Atlas")
    pdf.set_lang("zh-CN")
    return pdf


def set_text(pdf: FPDF, size: float, color: str = "#222222") -> None:
    """Use the CJK font at `size` points in `color`."""
    pdf.set_font(FONT, size=size)
    pdf.set_text_color(color)
