"""Which columns of a file hold which field, and the file refused when a required one is missing."""

from __future__ import annotations

import pandas as pd

from oovgeo.ingest import parse
from oovgeo.ingest.profiles import KindProfile
from oovgeo.ingest.readers import RawTable
from oovgeo.ingest.rules import ImportError_


def match_columns(columns: list[str], kp: KindProfile) -> dict[str, int]:
    """Field -> column index, by the profile's accepted headers (first match wins)."""
    normalised = [parse.normalise_header(c) for c in columns]
    found: dict[str, int] = {}
    for fname, headers in kp.columns.items():
        for header in headers:
            if header in normalised:
                found[fname] = normalised.index(header)
                break
    return found


def check_required(kind: str, found: dict[str, int], kp: KindProfile, columns: list[str]) -> None:
    """Raise when a required field or any location column is missing."""
    missing = [f for f in ("datum", "thema") if f not in found and f not in kp.defaults]
    if kind == "signals" and "bron" not in found and "bron" not in kp.defaults:
        missing.append("bron")
    location = {"x", "y", "lat", "lon", "buurtcode", "adres", "postcode"}
    if not location & set(found):
        missing.append("locatie (x/y, lat/lon, buurtcode of adres)")
    if missing:
        raise ImportError_(
            "verplichte kolom(men) ontbreken: "
            + ", ".join(missing)
            + f". Kolommen in het bestand: {', '.join(columns)}. Kies een ander profiel of "
            "pas het profiel aan."
        )


def canonical_frame(table: RawTable, found: dict[str, int]) -> pd.DataFrame:
    """Build a frame of the found columns from the raw table rows."""
    data = {
        fname: pd.Series([row[i] if i < len(row) else "" for row in table.rows], dtype=object)
        for fname, i in found.items()
    }
    frame = pd.DataFrame(data, index=pd.RangeIndex(len(table.rows)))
    return frame.fillna("").astype(object).apply(lambda s: s.str.strip())
