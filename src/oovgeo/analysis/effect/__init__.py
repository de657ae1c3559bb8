"""Did signals drop around interventions? Before/after counts against the rest of the wijk.

Pure functions on data frames: no database and no Streamlit. The rooms:

- ``windows`` — :func:`effect_per_intervention`: the four counts around each intervention
  (complete windows only) and its ratio of ratios.
- ``pooled`` — :func:`pooled_effect`: the summed counts per group with a cluster bootstrap
  interval and the verdict; ``CAVEATS``, the limitations shown to users.
- ``placebo`` — :func:`control_places`: random places and dates to check the method.
- ``matched`` — :func:`matched_table` and :func:`matched_effect`: intervened places against
  places with as many signals before and no intervention (the headline: not fooled by
  regression to the mean), with p after Benjamini-Hochberg per table (``adjusted``).
- ``classes`` — the coarse effect classes of one intervention, for the map.
"""

from __future__ import annotations

from oovgeo.analysis.effect.matched import (
    MATCH_K,
    MATCHED_COLUMNS,
    matched_effect,
    matched_table,
)
from oovgeo.analysis.effect.placebo import CONTROL_COLUMNS, CONTROL_THEME, control_places
from oovgeo.analysis.effect.pooled import (
    CAVEATS,
    DROP,
    GRID_M,
    MIN_CHANGE,
    MIN_CLUSTERS,
    N_BOOT,
    POOLED_COLUMNS,
    RISE,
    UNCLEAR,
    adjusted,
    pooled_effect,
)
from oovgeo.analysis.effect.windows import COUNT_COLUMNS, TABLE_COLUMNS, effect_per_intervention

__all__ = [
    "CAVEATS",
    "CONTROL_COLUMNS",
    "CONTROL_THEME",
    "COUNT_COLUMNS",
    "DROP",
    "GRID_M",
    "MATCHED_COLUMNS",
    "MATCH_K",
    "MIN_CHANGE",
    "MIN_CLUSTERS",
    "N_BOOT",
    "POOLED_COLUMNS",
    "RISE",
    "TABLE_COLUMNS",
    "UNCLEAR",
    "adjusted",
    "control_places",
    "effect_per_intervention",
    "matched_effect",
    "matched_table",
    "pooled_effect",
]
