"""Did signals drop around interventions? Before/after counts against the rest of the wijk.

Pure functions on data frames: no database and no Streamlit. The rooms:

- ``windows`` — :func:`effect_per_intervention`: the four counts around each intervention
  (complete windows only) and its ratio of ratios.
- ``pooled`` — :func:`pooled_effect`: the summed counts per group with a cluster bootstrap
  interval and the verdict; ``CAVEATS``, the limitations shown to users.
- ``placebo`` — :func:`control_places`: random places and dates to check the method.
- ``classes`` — the coarse effect classes of one intervention, for the map.
"""

from __future__ import annotations

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
    "MIN_CHANGE",
    "MIN_CLUSTERS",
    "N_BOOT",
    "POOLED_COLUMNS",
    "RISE",
    "TABLE_COLUMNS",
    "UNCLEAR",
    "control_places",
    "effect_per_intervention",
    "pooled_effect",
]
