"""The intervention register: add or change one intervention from the app.

A form entry becomes a one-row file in the ``generiek`` profile and goes through the same
import engine as every export (validation, placement, quarantine, batch, audit), so a record
typed in the app obeys exactly the rules of an imported one and the batches still reconcile.
Records that came from another system's export are changed in that system and imported
again; the app would otherwise overwrite them silently at the next import.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import pandas as pd

from oovgeo import dutch
from oovgeo.config import Settings
from oovgeo.ingest.profiles import FIELDS
from oovgeo.ingest.report import ImportReport
from oovgeo.ingest.rules import ImportError_
from oovgeo.services.operations import run_import
from oovgeo.store import register_repo
from oovgeo.store.db import Engine

FORM_SYSTEM = "generiek"  # profile and source system of entries made in the app
ID_PREFIX = "OOV"

# the generiek interventions fields, without lat/lon (the form passes RD coordinates) and
# without a change date (an entry made in the app is dated today, the newest version)
HEADER = [f for f in FIELDS["interventions"] if f not in ("lat", "lon", "gewijzigd")]


class ChangedMeanwhile(ImportError_):
    """Someone else saved the intervention after this user opened it (message in Dutch)."""


@dataclass(frozen=True)
class Entry:
    """One intervention as the form gives it; codes, not labels."""

    interventie_id: str
    datum: date
    thema: str
    partners: tuple[str, ...] = ()
    uitkomst: str = ""
    maatregel: str = ""
    x: float | None = None
    y: float | None = None
    buurtcode: str = ""  # when there are no coordinates: placed at area level
    adres: str = ""
    shortlist_id: int | None = None


def stored_text(value) -> str:
    """Return a stored text: missing (None or NaN) is empty."""
    return "" if value is None or pd.isna(value) else str(value)


def location(buurt: str | None, record: Mapping | None = None, item: Mapping | None = None) -> dict:
    """Return where an entry lies, as ``Entry`` fields.

    A chosen buurt wins; a change keeps the record's place; a new entry takes the place of
    the shortlist item it came from.

    Raises ``ImportError_`` (Dutch) when none of them gives a place.

    >>> location(None, item={"x": 81000.0, "y": 436000.0, "adres": "Kade 1"})
    {'x': 81000.0, 'y': 436000.0, 'adres': 'Kade 1'}
    >>> location("BU06220101", record={"x": 1.0, "y": 2.0, "adres": None})
    {'buurtcode': 'BU06220101'}
    """
    if buurt:
        return {"buurtcode": buurt}
    for source in (record, item):
        if source is None:
            continue
        if pd.notna(source.get("x")) and pd.notna(source.get("y")):
            return {
                "x": float(source["x"]),
                "y": float(source["y"]),
                "adres": stored_text(source.get("adres")),
            }
        if source is record:  # a record placed at area level stays there
            code = stored_text(record.get("buurt_code")) or stored_text(record.get("wijk_code"))
            if code:
                return {"buurtcode": code}
    raise ImportError_("kies een shortlist-item met een locatie of een buurt")


def entry_csv(entry: Entry) -> bytes:
    """Return the entry as a one-row ``;``-separated file with the generiek headers.

    >>> entry_csv(Entry("OOV-1", date(2026, 3, 2), "ondermijning", ("politie",))).decode()
    'interventie_id;datum;thema;x;y;buurtcode;adres;partners;uitkomst;maatregel;shortlist_id\\r\\nOOV-1;02-03-2026;ondermijning;;;;;politie;;;\\r\\n'
    """
    row = [
        entry.interventie_id.strip(),
        dutch.day(entry.datum),
        entry.thema,
        "" if entry.x is None else f"{entry.x:.1f}",
        "" if entry.y is None else f"{entry.y:.1f}",
        entry.buurtcode,
        entry.adres.strip(),
        ",".join(entry.partners),
        entry.uitkomst,
        entry.maatregel.strip(),
        "" if entry.shortlist_id is None else str(int(entry.shortlist_id)),
    ]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(HEADER)
    writer.writerow(row)
    return out.getvalue().encode("utf-8")


def next_id(engine: Engine, day: date) -> str:
    """Return a free id for a new entry: ``OOV-2026-0007`` (the year's app entries + 1)."""
    prefix = f"{ID_PREFIX}-{day:%Y}-"
    with engine.connect() as conn:
        taken = register_repo.source_ids_like(conn, FORM_SYSTEM, prefix)
    n = len(taken) + 1
    while f"{prefix}{n:04d}" in taken:
        n += 1
    return f"{prefix}{n:04d}"


def _current(engine: Engine, source_id: str):
    """Return version, last author and time of a form entry, or None."""
    with engine.connect() as conn:
        return register_repo.current_version(conn, FORM_SYSTEM, source_id)


def save(
    engine: Engine,
    settings: Settings,
    entry: Entry,
    *,
    expected_version: int | None,
    actor: str,
    origin: str,
    today: date | None = None,
) -> ImportReport:
    """Store ``entry``: new when ``expected_version`` is None, else a change of that version.

    Refuses a new entry whose id exists and a change of a record someone saved since
    (``ChangedMeanwhile``, naming who and when) instead of overwriting it. The check runs just
    before the import's own transaction: two saves within the same instant can still both
    pass it, which a human editor won't manage.
    """
    if not entry.interventie_id.strip():
        raise ImportError_("vul een interventienummer in")
    current = _current(engine, entry.interventie_id.strip())
    if expected_version is None and current is not None:
        raise ImportError_(
            f"interventie {entry.interventie_id} bestaat al; kies haar in de lijst om te wijzigen"
        )
    if expected_version is not None:
        if current is None:
            raise ImportError_(f"interventie {entry.interventie_id} bestaat niet (meer)")
        if current.version != expected_version:
            when = current.imported_at
            raise ChangedMeanwhile(
                f"interventie {entry.interventie_id} is intussen gewijzigd door "
                f"{current.imported_by} ({dutch.minute(when)}); uw wijziging is niet "
                "opgeslagen. Open haar opnieuw en voer de wijziging nog eens in."
            )
    return run_import(
        engine,
        settings,
        kind="interventions",
        data=entry_csv(entry),
        filename=f"formulier {entry.interventie_id.strip()}.csv",
        profile_name=FORM_SYSTEM,
        actor=actor,
        origin=origin,
        today=today,
    )
