"""Check published cells against the records themselves, written out here (not the app's code).

A cell (``oovgeo export ... --json``) names what it counts: ``gegevens``, ``van``/``tot``,
``niveau`` and ``code``, ``thema`` and ``bron`` (and ``uitkomst`` for outcomes). From the
records this module counts the true figure and the protected one (every record counts
``record_weight(telsleutel, q)`` times), so a test can check the shown text and the interval.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy import text

from oovgeo.store.counts_repo import record_weight

Q, K = 0.2, 5
NO_OUTCOME = "onbekend"
KIND_ORDER = ("signals", "interventions")


def records(engine) -> pd.DataFrame:
    """Every signal and intervention: kind, date, codes, theme, source, outcome and weight."""
    frames = []
    with engine.connect() as conn:
        for kind, extra in (("signals", "bron, NULL"), ("interventions", "NULL, uitkomst")):
            rows = conn.execute(
                text(
                    f"SELECT id, datum, wijk_code, buurt_code, thema, {extra}, telsleutel "
                    f"FROM {kind}"
                )
            ).all()
            frame = pd.DataFrame(
                [tuple(r) for r in rows],
                columns=["id", "datum", "wijk", "buurt", "thema", "bron", "uitkomst", "sleutel"],
            )
            frames.append(frame.assign(gegevens=kind))
    out = pd.concat(frames, ignore_index=True)
    out["datum"] = pd.to_datetime(out["datum"]).dt.date
    out["gewicht"] = [record_weight(key, Q) for key in out["sleutel"]]
    # sorted by kind and day, so that ``selected`` finds a period by bisection
    out["dagsleutel"] = [_day_key(k, d) for k, d in zip(out["gegevens"], out["datum"], strict=True)]
    return out.sort_values("dagsleutel", kind="stable", ignore_index=True)


def _day_key(kind: str, day) -> int:
    return KIND_ORDER.index(kind) * 10_000_000 + pd.Timestamp(day).toordinal()


def selected(recs: pd.DataFrame, cell: dict) -> pd.DataFrame:
    """The records a cell counts, selected by its own description."""
    keys = recs["dagsleutel"].to_numpy()
    first = np.searchsorted(keys, _day_key(cell["gegevens"], cell["van"]), side="left")
    last = np.searchsorted(keys, _day_key(cell["gegevens"], cell["tot"]), side="right")
    recs = recs.iloc[first:last]
    keep = pd.Series(True, index=recs.index)
    level = cell.get("niveau")
    if level:
        column = recs[level]
        keep &= column.notna() if cell.get("code") is None else column == cell["code"]
    if cell.get("thema"):
        keep &= recs["thema"].isin(cell["thema"].split(","))
    if cell.get("bron"):
        keep &= recs["bron"].isin(cell["bron"])
    if "uitkomst" in cell:
        keep &= recs["uitkomst"].fillna(NO_OUTCOME) == cell["uitkomst"]
    return recs[keep]


def truth(recs: pd.DataFrame, cell: dict) -> tuple[int, int]:
    """Return (true count, protected figure) of the records ``cell`` counts."""
    chosen = selected(recs, cell)
    return len(chosen), int(chosen["gewicht"].sum())


def shown(n: float) -> str:
    """The display rule, written out: 1..k-1 read "<k", others with Dutch thousands dots."""
    n = int(round(n))
    return f"<{K}" if 0 < n < K else f"{n:,}".replace(",", ".")


def contains(cell: dict, n: int) -> bool:
    """Whether the published interval of ``cell`` holds ``n`` (``max`` None: no upper bound)."""
    return cell["min"] <= n and (cell["max"] is None or n <= cell["max"])
