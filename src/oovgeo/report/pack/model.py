"""The meeting pack's model: a ``Slide``, a ``Pack``, its audience and disclosure."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from oovgeo import dutch
from oovgeo.access import Identity, may_open
from oovgeo.config import Settings
from oovgeo.meetings import (
    MeetingType,
)
from oovgeo.privacy import (
    Disclosure,
)

MAX_CELL_CHARS = 70

AUDIENCE_LABELS = {
    "beschermd": "partners (beschermde cijfers: alleen aantallen per wijk)",
    "intern": "OOV-team (intern; kleine aantallen toch afgeschermd)",
}


def clip(text: Any, limit: int = MAX_CELL_CHARS) -> str:
    """``text`` on one line, at most ``limit`` characters (an ellipsis marks the cut)."""
    value = "" if text is None or (isinstance(text, float) and np.isnan(text)) else str(text)
    value = " ".join(value.split())
    return value if len(value) <= limit else value[: limit - 1] + "…"


class PackError(ValueError):
    """A pack cannot be built (no boundaries, unknown meeting); Dutch and safe to show."""


@dataclass(frozen=True, eq=False)
class Slide:
    """One slide, ready to lay out; ``eq=False`` because it holds a DataFrame.

    Attributes
    ----------
    kind
        One of ``config.SLIDE_KINDS``.
    title
        Dutch title (the PPTX title placeholder, the PDF page heading, the page header).
    subtitle
        One line under the title: usually the period.
    image_png
        A map or chart as PNG bytes (``st.image`` shows them as they are).
    table
        Display text only (every cell a ``str``; checked): counts already protected.
    bullets
        Short Dutch lines beside or under the image and table.
    note
        Small print at the bottom: source, period, what ``<k`` and ``x`` mean.
    """

    kind: str
    title: str
    subtitle: str = ""
    image_png: bytes | None = None
    table: pd.DataFrame | None = None
    bullets: tuple[str, ...] = ()
    note: str = ""

    def __post_init__(self) -> None:
        """Check that the table holds display text only."""
        object.__setattr__(self, "bullets", tuple(str(b) for b in self.bullets))
        if self.table is not None:
            # fail closed: a number in a pack table would not have passed the privacy rules
            cells = [*self.table.columns, *self.table.to_numpy().ravel().tolist()]
            if not all(isinstance(c, str) for c in cells):
                raise TypeError("pack tables hold display text only (protect counts first)")


@dataclass(frozen=True, eq=False)
class Pack:
    """A meeting pack: the meeting, its period, its audience and the slides in order."""

    meeting: MeetingType
    meeting_date: date
    period: tuple[date, date]
    previous_period: tuple[date, date]
    audience: str
    gemeente: str
    data_as_of: date
    made_on: date
    slides: tuple[Slide, ...] = field(default=())

    @property
    def title(self) -> str:
        """The meeting label and its date."""
        return f"{self.meeting.label} {dutch.long_date(self.meeting_date)}"

    @property
    def stem(self) -> str:
        """File name without extension: ``oovgeo_integraal_2026-11-24``."""
        return f"oovgeo_{self.meeting.code}_{self.meeting_date.isoformat()}"

    @property
    def footer(self) -> str:
        """The footer line of every slide."""
        return f"{self.title} · gemeente {self.gemeente} · gemaakt met oovgeo"


# --- audience ----------------------------------------------------------------------------------


def audience_for(meeting: MeetingType, identity: Identity | None = None) -> str:
    """Return the audience a pack is built for: the meeting's, at most what the viewer may see.

    'intern' lists the shortlist's cases, so only roles that work with the shortlist (who may
    open the Doelen page: beheerder, coordinator) get it; every other role gets 'beschermd'.
    No identity means the meeting's own audience (the command line: shell access to the
    server is full access).
    """
    if identity is None or meeting.audience == "beschermd":
        return meeting.audience
    return "intern" if may_open(identity.role, "doelen") else "beschermd"


def pack_disclosure(settings: Settings) -> Disclosure:
    """Every pack is protected, whatever the audience (slides leave the building)."""
    return Disclosure.from_settings(settings, protected=True)
