"""A meeting pack as PDF: one landscape 16:9 page per ``Slide``, the same layout as the PPTX.

Built from ``matplotlib.figure.Figure`` pages (no pyplot state) and written with PdfPages;
the document title is the pack's title. Every text is drawn with ``parse_math=False`` and
``usetex=False``, so a ``$`` in a name stays a dollar sign and nothing is interpreted. Fonts
are embedded as TrueType (``pdf.fonttype`` 42), so the text can be searched and copied.

    pack  ->  to_pdf(pack)  ->  bytes
"""

from __future__ import annotations

import io
import textwrap

import matplotlib
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.image import imread
from matplotlib.table import Table
from matplotlib.transforms import Bbox

from oovgeo.report.pack.layout import (
    FOOTER_BOX,
    SLIDE_SIZE_IN,
    SUBTITLE_BOX,
    TITLE_BOX,
    Box,
    looks_like_count,
    slide_layout,
    slide_table_layout,
    text_size,
)
from oovgeo.report.pack.model import Pack, Slide

HEADER_FILL = "#e7e6e6"


def _axes(fig: Figure, box: Box):
    """Axes over ``box`` (inches from the top left) in figure fractions."""
    width, height = SLIDE_SIZE_IN
    return fig.add_axes(
        (
            box.left / width,
            1 - (box.top + box.height) / height,
            box.width / width,
            box.height / height,
        )
    )


def _text(fig: Figure, box: Box, text: str, size: float, **kwargs) -> None:
    width, height = SLIDE_SIZE_IN
    fig.text(
        box.left / width,
        1 - box.top / height,
        text,
        fontsize=size,
        ha="left",
        va="top",
        parse_math=False,
        usetex=False,
        **kwargs,
    )


def _paragraphs(texts, box: Box, size: float, *, bullet: bool = False) -> str:
    chars = max(int(box.width * 72 / (size * 0.52)), 10)
    blocks = []
    for text in texts:
        lines = textwrap.wrap(text, width=chars - 2) or [""]
        if bullet:
            lines = ["• " + lines[0]] + ["   " + line for line in lines[1:]]
        blocks.append("\n".join(lines))
    return "\n".join(blocks)


def _table(fig: Figure, box: Box, slide: Slide) -> None:
    laid = slide_table_layout(slide, box)
    ax = _axes(fig, box)
    ax.set_axis_off()
    grid = Table(ax, bbox=Bbox.from_bounds(0, 0, 1, 1))
    heights = laid.row_heights
    for i, row in enumerate([laid.header, *laid.cells]):
        for j, text in enumerate(row):
            numeric = i > 0 and looks_like_count(text)
            cell = grid.add_cell(
                i,
                j,
                laid.widths[j] / box.width,
                heights[i] / box.height,
                text=text,
                loc="right" if numeric else "left",
                facecolor=HEADER_FILL if i == 0 else "white",
            )
            cell.set_edgecolor("#999999")
            cell.set_linewidth(0.5)
            cell.PAD = 0.06 / laid.widths[j]  # 0.06 in each side, as on the PowerPoint slide
            label = cell.get_text()
            label.set_parse_math(False)
            label.set_usetex(False)
            label.set_linespacing(1.15)
            if i == 0 or (j == 0 and text == "Totaal"):
                label.set_fontweight("bold")
    grid.auto_set_font_size(False)
    grid.set_fontsize(laid.size)
    ax.add_table(grid)


def _page(pack: Pack, slide: Slide) -> Figure:
    fig = Figure(figsize=SLIDE_SIZE_IN)
    fig.patch.set_facecolor("white")
    if slide.kind == "titel":
        _text(fig, Box(0.8, 1.6, 11.7, 1.2), slide.title, 36, fontweight="bold")
        _text(fig, Box(0.8, 2.8, 11.7, 0.7), slide.subtitle, 20, color="#444444")
        box = Box(0.8, 3.8, 11.7, 2.9)
        if slide.bullets:
            size = text_size(slide.bullets, box, 18)
            _text(fig, box, _paragraphs(slide.bullets, box, size, bullet=True), size)
    else:
        _text(fig, TITLE_BOX, slide.title, 26, fontweight="bold")
        if slide.subtitle:
            _text(fig, SUBTITLE_BOX, slide.subtitle, 13, color="#444444")
        boxes = slide_layout(slide)
        if "image" in boxes and slide.image_png is not None:
            ax = _axes(fig, boxes["image"])
            ax.imshow(imread(io.BytesIO(slide.image_png), format="png"), interpolation="none")
            ax.set_axis_off()
        if "table" in boxes:
            _table(fig, boxes["table"], slide)
        if "bullets" in boxes:
            box = boxes["bullets"]
            size = text_size(slide.bullets, box)
            _text(fig, box, _paragraphs(slide.bullets, box, size, bullet=True), size)
    texts = [t for t in (slide.note, pack.footer) if t]
    size = text_size(texts, FOOTER_BOX, 10, 7)
    _text(fig, FOOTER_BOX, _paragraphs(texts, FOOTER_BOX, size), size, color="#444444")
    return fig


def to_pdf(pack: Pack) -> bytes:
    """Render the pack as PDF: one page per slide, in order, with the slide titles as headings."""
    buffer = io.BytesIO()
    metadata = {
        "Title": pack.title,
        "Subject": f"Overlegpakket {pack.meeting.label}",
        "Author": "oovgeo",
        "Creator": "oovgeo",
    }
    # TrueType fonts keep the text extractable (searching, copying, screen readers)
    with matplotlib.rc_context({"pdf.fonttype": 42}):
        with PdfPages(buffer, metadata=metadata) as pdf:
            for slide in pack.slides:
                pdf.savefig(_page(pack, slide))
    return buffer.getvalue()
