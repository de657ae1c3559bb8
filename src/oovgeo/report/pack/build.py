"""Build a meeting pack: read the data once, then one builder per configured slide."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from oovgeo.config import Settings
from oovgeo.meetings import (
    MeetingType,
    meeting_type,
)
from oovgeo.report.pack.data import load_data
from oovgeo.report.pack.model import (
    Pack,
    audience_for,
)
from oovgeo.report.pack.slides import REGISTRY, SlideContext

if TYPE_CHECKING:
    from oovgeo.access import Identity
    from oovgeo.store.db import Engine  # type only: the store opens connections


def build_pack(
    engine: Engine,
    settings: Settings,
    meeting: str | MeetingType,
    meeting_date: date,
    *,
    start: date | None = None,
    identity: Identity | None = None,
    made_on: date | None = None,
) -> Pack:
    """Build the pack for the meeting ``meeting`` (a code or a type) on ``meeting_date``.

    Parameters
    ----------
    start
        First day of the period (``--van``); default: the previous meeting of this type.
    identity
        Who asks; a protected role always gets the 'beschermd' pack (``audience_for``).
    made_on
        Today, for the data-as-of date and the title slide.

    Raises ``MeetingError`` / ``PackError`` (Dutch) for an unknown meeting type, a start
    after the meeting date or a store without boundaries.

    >>> pack = build_pack(engine, settings, "integraal", date(2026, 11, 24))  # doctest: +SKIP
    >>> [s.title for s in pack.slides][:2]  # doctest: +SKIP
    ['Integraal overleg', "Hoofdthema's per wijk"]
    """
    if isinstance(meeting, str):
        meeting = meeting_type(settings, meeting)
    made_on = made_on or date.today()
    data = load_data(
        engine,
        settings,
        meeting,
        meeting_date,
        start,
        audience_for(meeting, identity),
        made_on,
    )
    context = SlideContext(data)
    slides = tuple(REGISTRY[kind].build(context) for kind in meeting.slides)
    return Pack(
        meeting=meeting,
        meeting_date=meeting_date,
        period=data.period,
        previous_period=data.previous,
        audience=data.audience,
        gemeente=data.gemeente,
        data_as_of=data.data_as_of,
        made_on=made_on,
        slides=slides,
    )
