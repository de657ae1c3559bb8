"""The tables of the Doelen page: ranked places with their rank, and the signals of one place.

The ranking itself is :mod:`oovgeo.analysis.targets`; this module shapes its result into what
the page shows (Dutch column names, a rank column, the period the candidates are read from).
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from oovgeo.analysis.targets import candidate_ids

MAP_PLACES = 5_000  # on the map, clustered beyond the best few (see maps.add_ranked_places)
TABLE_PLACES = 500  # in the ranked table
MIN_DAYS = 182  # candidates come from at least six months of signals
TABLE_COLUMNS = {
    "rang": "rang",
    "score": "score",
    "reasons": "redenen",
    "adres": "adres",
    "wijk_code": "wijk",
    "candidate_id": "candidate_id",
}
MEMBER_COLUMNS = ["datum", "bron", "thema", "dossiernummer", "adres"]


def candidates_start(start: date, today: date) -> date:
    """Return the first day candidates are read from: ``start``, or six months before ``today``."""
    return min(start, today - timedelta(days=MIN_DAYS))


def ranked_places(ranked: pd.DataFrame, limit: int = MAP_PLACES) -> pd.DataFrame:
    """Return the best ``limit`` ranked places with a ``rang`` column (1 is the best)."""
    on_map = ranked.head(limit).reset_index(drop=True)
    on_map.insert(0, "rang", range(1, len(on_map) + 1))
    return on_map


def place_table(on_map: pd.DataFrame, limit: int = TABLE_PLACES) -> pd.DataFrame:
    """Return the ranked table as shown: the best ``limit`` places, Dutch column names."""
    return on_map.head(limit)[list(TABLE_COLUMNS)].rename(columns=TABLE_COLUMNS)


def place_signals(signals: pd.DataFrame, place: str, distance_m: float, end: date) -> pd.DataFrame:
    """Return the signals grouped into ``place``, with the columns the page shows."""
    members = signals[candidate_ids(signals, distance_m, end) == place]
    return members[MEMBER_COLUMNS]


def status_fields(status: str, why: str) -> dict[str, str]:
    """Return the field the free text of a status change fills: rejection reason or outcome."""
    if status == "afgewezen":
        return {"rejection_reason": why}
    if status == "afgesloten":
        return {"outcome": why}
    return {}
