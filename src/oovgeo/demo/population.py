"""Synthetic inhabitants per buurt for the demo, so every rate view works (labelled synthetic)."""

from __future__ import annotations

import numpy as np
import pandas as pd

SYNTHETIC_DENSITY = 30.0  # inhabitants per ha, the median of a Dutch residential buurt


def synthetic_population(areas: pd.DataFrame, *, year: int, seed: int) -> pd.DataFrame:
    """Return ``code, year, inhabitants`` per buurt of ``areas``: invented, never real.

    Buurten that already carry inhabitants (the fictitious town) keep them; others get
    land area (or polygon area) × a log-normal density around 30 per ha, rounded to 5 like
    CBS. Wijk and gemeente figures are the sums of their buurten (done by the caller with
    ``areas.population.aggregate_population``).
    """
    buurten = areas[areas["level"] == "buurt"].sort_values("code")
    rng = np.random.default_rng(seed)
    own = pd.array(buurten["inhabitants"], dtype="Float64").to_numpy(float, na_value=np.nan)
    land = pd.array(buurten["land_ha"], dtype="Float64").to_numpy(float, na_value=np.nan)
    hectares = np.where(np.isnan(land), buurten.geometry.area.to_numpy() / 1e4, land)
    density = rng.lognormal(np.log(SYNTHETIC_DENSITY), 0.45, size=len(buurten))
    invented = 5 * np.round(hectares * density / 5)
    values = np.where(np.isnan(own), invented, own).astype("int64")
    return pd.DataFrame(
        {
            "code": buurten["code"].astype(str).to_numpy(),
            "year": np.full(len(buurten), int(year), dtype="int64"),
            "inhabitants": pd.array(values, dtype="Int64"),
        }
    )
