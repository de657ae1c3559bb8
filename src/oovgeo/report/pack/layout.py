"""Where things go on a 16:9 slide; shared by the PPTX and PDF renderers (inches)."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from oovgeo.report.pack.model import (
    Slide,
)

if TYPE_CHECKING:
    pass


# --- layout (shared by the PPTX and PDF renderers; inches on a 16:9 slide) -----------------------

SLIDE_SIZE_IN = (40 / 3, 7.5)  # PowerPoint's 16:9 (12,192,000 x 6,858,000 EMU)


@dataclass(frozen=True)
class Box:
    """A rectangle on the slide in inches from the top left corner."""

    left: float
    top: float
    width: float
    height: float


def png_size(png: bytes) -> tuple[int, int]:
    """(width, height) in pixels, from the PNG header."""
    if png[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def fit(png: bytes, box: Box) -> Box:
    """Return the largest box of the image's aspect inside ``box``, centred, at its top."""
    width, height = png_size(png)
    scale = min(box.width / width, box.height / height)
    w, h = width * scale, height * scale
    return Box(box.left + (box.width - w) / 2, box.top, w, h)


TITLE_BOX = Box(0.5, 0.3, 12.33, 0.85)
SUBTITLE_BOX = Box(0.5, 1.1, 12.33, 0.45)
FOOTER_BOX = Box(0.5, 6.85, 12.33, 0.55)
CONTENT_TOP, CONTENT_BOTTOM = 1.65, 6.75
CHAR_EM = 0.58  # average character width of the sans-serif font, in ems (a safe estimate)
CELL_PAD_IN = 0.16  # left plus right cell margin


@dataclass(frozen=True)
class TableLayout:
    """A table's text wrapped to its column widths; both renderers draw exactly this."""

    size: float  # font size in points
    widths: list[float]  # column widths in inches
    header: list[str]  # wrapped header texts
    cells: list[list[str]]  # wrapped cell texts, row by row
    lines: list[int]  # lines per row, header first

    @property
    def row_heights(self) -> list[float]:
        """Row heights in inches, header first."""
        return [n * self.size * 1.25 / 72 + 0.1 for n in self.lines]

    @property
    def height(self) -> float:
        """The table height in inches."""
        return sum(self.row_heights)


def _wrap(text: str, chars: int) -> str:
    return "\n".join(textwrap.wrap(text, width=max(chars, 4), break_long_words=True)) or text


def table_layout(table: pd.DataFrame, width_in: float, size: float) -> TableLayout:
    """Choose column widths by content and wrap the texts to them.

    Each column gets at least its longest word, more for longer texts.
    """
    texts = [[str(c), *(str(v) for v in table[c])] for c in table.columns]
    per_char = size * CHAR_EM / 72  # inches per character

    def need(words: int) -> float:
        return words * per_char + CELL_PAD_IN

    least = [need(max(len(w) for t in col for w in (t.split() or [""]))) for col in texts]
    want = [need(max(len(t) for t in col)) for col in texts]
    if sum(want) <= width_in:
        widths = [w * width_in / sum(want) for w in want]
    else:
        spare = max(width_in - sum(least), 0.0)
        extra = [w - m for w, m in zip(want, least, strict=True)]
        total = sum(extra) or 1.0
        widths = [m + spare * e / total for m, e in zip(least, extra, strict=True)]
        scale = width_in / sum(widths)
        widths = [w * scale for w in widths]
    chars = [int((w - CELL_PAD_IN) / per_char) for w in widths]
    wrapped = [[_wrap(t, n) for t in col] for col, n in zip(texts, chars, strict=True)]
    rows = list(zip(*wrapped, strict=True)) if wrapped else []
    lines = [max(t.count("\n") + 1 for t in row) for row in rows]
    return TableLayout(
        size=size,
        widths=widths,
        header=list(rows[0]) if rows else [],
        cells=[list(r) for r in rows[1:]],
        lines=lines,
    )


def slide_table_layout(slide: Slide, box: Box) -> TableLayout:
    """Lay out the table of ``slide`` in ``box``: smaller type when it would not fit its height."""
    size = 13.0 if box.width > 8 else 11.5
    while True:
        laid = table_layout(slide.table, box.width, size)
        if laid.height <= box.height or size <= 8:
            return laid
        size -= 0.5


def slide_layout(slide: Slide) -> dict[str, Box]:
    """Where the image, table and bullets of ``slide`` go (keys present only when used).

    A wide image (maps of several themes) spans the slide with the bullets under it; any
    other image takes the left half and the table and bullets the right; without an image
    the table spans the slide with the bullets under it.
    """
    height = CONTENT_BOTTOM - CONTENT_TOP
    boxes: dict[str, Box] = {}
    if slide.image_png is not None:
        width, image_height = png_size(slide.image_png)
        if width / image_height > 1.8:
            boxes["image"] = fit(slide.image_png, Box(0.5, CONTENT_TOP, 12.33, height - 0.7))
            under = boxes["image"].top + boxes["image"].height + 0.1
            boxes["bullets"] = Box(0.5, under, 12.33, CONTENT_BOTTOM - under)
            return boxes
        boxes["image"] = fit(slide.image_png, Box(0.4, CONTENT_TOP, 6.6, height))
        column = Box(7.2, CONTENT_TOP, 5.65, height)
    else:
        column = Box(0.5, CONTENT_TOP, 12.33, height)
    top = column.top
    if slide.table is not None:
        # the table gets what it needs, leaving room for the bullets when there are any
        room = column.height - (1.2 if slide.bullets else 0.0)
        laid = slide_table_layout(slide, Box(column.left, top, column.width, room))
        table_height = min(laid.height, room)
        boxes["table"] = Box(column.left, top, column.width, table_height)
        top += table_height + 0.25
    if slide.bullets and top < CONTENT_BOTTOM - 0.3:
        boxes["bullets"] = Box(column.left, top, column.width, CONTENT_BOTTOM - top)
    return boxes


def looks_like_count(text: str) -> bool:
    """Whether a cell reads as a count (``12``, ``1.234``, ``<5``, ``x``, ``–``): right-aligned."""
    return bool(re.fullmatch(r"[\d.]+|<\d+|≥\d+|x|–", text.strip()))


def wrapped_lines(text: str, width_in: float, size_pt: float) -> int:
    """About how many lines ``text`` takes in a box ``width_in`` wide at ``size_pt``."""
    chars = max(int(width_in * 72 / (size_pt * 0.52)), 10)
    return max(1, -(-len(text) // chars))


def text_size(texts: Sequence[str], box: Box, largest: float = 16, smallest: float = 9) -> float:
    """Return the largest font size (pt) at which ``texts`` (one paragraph each) fit in ``box``."""
    size = largest
    while size > smallest:
        lines = sum(wrapped_lines(t, box.width, size) for t in texts)
        if lines * size * 1.3 / 72 + len(texts) * size * 0.35 / 72 <= box.height:
            return size
        size -= 1
    return smallest
