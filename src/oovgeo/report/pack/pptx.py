"""A meeting pack as PowerPoint (16:9): one slide per ``Slide``, in the configured order.

Only lays out what the ``Pack`` holds (everything is protected there). Every slide has a real
title placeholder, so ``slide.shapes.title.text`` is the slide's title and PowerPoint's outline
view, accessibility checker and slide sorter show it. Text is plain text in runs; nothing is
interpreted (no fields, no hyperlinks, no macros).

    pack  ->  to_pptx(pack)  ->  bytes
"""

from __future__ import annotations

import io

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.util import Emu, Inches, Pt

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

TITLE_LAYOUT = 0  # "Title Slide" of python-pptx's default template
CONTENT_LAYOUT = 5  # "Title Only"
GREY = RGBColor(0x44, 0x44, 0x44)
HEADER_FILL = RGBColor(0xE7, 0xE6, 0xE6)
WHITE = RGBColor(0xFF, 0xFF, 0xFF)
BLACK = RGBColor(0x00, 0x00, 0x00)


def _place(shape, box: Box) -> None:
    shape.left, shape.top = Inches(box.left), Inches(box.top)
    shape.width, shape.height = Inches(box.width), Inches(box.height)


def _textbox(slide, box: Box, paragraphs, size: float, *, colour=BLACK, bullet: bool = False):
    shape = slide.shapes.add_textbox(
        Inches(box.left), Inches(box.top), Inches(box.width), Inches(box.height)
    )
    frame = shape.text_frame
    frame.word_wrap = True
    for i, text in enumerate(paragraphs):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        run = paragraph.add_run()
        run.text = ("• " if bullet else "") + text
        run.font.size = Pt(size)
        run.font.color.rgb = colour
        if bullet:
            paragraph.space_after = Pt(size * 0.35)
    return shape


def _title(slide, text: str, box: Box, size: float) -> None:
    title = slide.shapes.title
    _place(title, box)
    title.text = text
    frame = title.text_frame
    frame.word_wrap = True
    frame.vertical_anchor = MSO_ANCHOR.TOP
    for paragraph in frame.paragraphs:
        paragraph.alignment = PP_ALIGN.LEFT
        for run in paragraph.runs:
            run.font.size = Pt(size)
            run.font.bold = True


def _table(slide, box: Box, source: Slide) -> None:
    laid = slide_table_layout(source, box)
    table = source.table
    if table is None:  # slide_layout gives a table box only to a slide with a table
        return
    rows, cols = len(table) + 1, len(table.columns)
    shape = slide.shapes.add_table(
        rows, cols, Inches(box.left), Inches(box.top), Inches(box.width), Inches(box.height)
    )
    grid = shape.table
    for j, width in enumerate(laid.widths):
        grid.columns[j].width = Inches(width)
    for i, height in enumerate(laid.row_heights):
        grid.rows[i].height = Inches(height)
    for i in range(rows):
        for j in range(cols):
            # the plain text: PowerPoint wraps it in the column itself
            text = str(table.columns[j]) if i == 0 else str(table.iat[i - 1, j])
            cell = grid.cell(i, j)
            cell.text = text
            cell.fill.solid()
            cell.fill.fore_color.rgb = HEADER_FILL if i == 0 else WHITE
            cell.margin_top = cell.margin_bottom = Inches(0.03)
            cell.margin_left = cell.margin_right = Inches(0.06)
            for paragraph in cell.text_frame.paragraphs:
                # counts right-aligned, text left: a column of figures reads at a glance
                numeric = i > 0 and looks_like_count(text)
                paragraph.alignment = PP_ALIGN.RIGHT if numeric else PP_ALIGN.LEFT
                for run in paragraph.runs:
                    run.font.size = Pt(laid.size)
                    run.font.bold = i == 0 or (j == 0 and text == "Totaal")
                    run.font.color.rgb = BLACK


def _content_slide(prs, pack: Pack, slide: Slide) -> None:
    page = prs.slides.add_slide(prs.slide_layouts[CONTENT_LAYOUT])
    _title(page, slide.title, TITLE_BOX, 28)
    if slide.subtitle:
        _textbox(page, SUBTITLE_BOX, [slide.subtitle], 14, colour=GREY)
    boxes = slide_layout(slide)
    if "image" in boxes and slide.image_png is not None:
        box = boxes["image"]
        page.shapes.add_picture(
            io.BytesIO(slide.image_png),
            Inches(box.left),
            Inches(box.top),
            Inches(box.width),
            Inches(box.height),
        )
    if "table" in boxes:
        _table(page, boxes["table"], slide)
    if "bullets" in boxes:
        box = boxes["bullets"]
        _textbox(page, box, slide.bullets, text_size(slide.bullets, box), bullet=True)
    _footer(page, pack, slide)


def _title_slide(prs, pack: Pack, slide: Slide) -> None:
    page = prs.slides.add_slide(prs.slide_layouts[TITLE_LAYOUT])
    _title(page, slide.title, Box(0.8, 1.6, 11.7, 1.2), 40)
    subtitle = page.placeholders[1]
    _place(subtitle, Box(0.8, 2.8, 11.7, 0.7))
    subtitle.text = slide.subtitle
    for paragraph in subtitle.text_frame.paragraphs:
        paragraph.alignment = PP_ALIGN.LEFT
        for run in paragraph.runs:
            run.font.size = Pt(22)
            run.font.color.rgb = GREY
    box = Box(0.8, 3.8, 11.7, 2.9)
    if slide.bullets:
        _textbox(page, box, slide.bullets, text_size(slide.bullets, box, 18), bullet=True)
    _footer(page, pack, slide)


def _footer(page, pack: Pack, slide: Slide) -> None:
    texts = [t for t in (slide.note, pack.footer) if t]
    _textbox(page, FOOTER_BOX, texts, text_size(texts, FOOTER_BOX, 10, 7), colour=GREY)


def to_pptx(pack: Pack) -> bytes:
    """Render the pack as a 16:9 PPTX: one slide per ``pack.slides``, in order."""
    prs = Presentation()
    prs.slide_width = Emu(round(SLIDE_SIZE_IN[0] * 914400))
    prs.slide_height = Emu(round(SLIDE_SIZE_IN[1] * 914400))
    for slide in pack.slides:
        if slide.kind == "titel":
            _title_slide(prs, pack, slide)
        else:
            _content_slide(prs, pack, slide)
    props = prs.core_properties
    props.title = pack.title
    props.author = "oovgeo"
    props.subject = f"Overlegpakket {pack.meeting.label}"
    props.keywords = ""
    props.comments = ""
    props.last_modified_by = "oovgeo"
    buffer = io.BytesIO()
    prs.save(buffer)
    return buffer.getvalue()
