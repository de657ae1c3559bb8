"""Candidate intervention locations: signals grouped into places and ranked, each with its reasons.

Pure functions: DataFrames in, DataFrames out (no database, no Streamlit). The ranking is about
places, never about people (security P4): a candidate is an address or a spot on the map, its
row holds no names, case numbers or source ids, and every rank comes with a Dutch sentence and
the parts of its score, so it can be explained point by point. Addresses are point data: the
caller shows candidates only to roles that may see point data.

The rooms, in the order :func:`candidates` uses them:

- ``inputs`` — reading the frames: absent columns, text, coordinates, dates, the KD-tree.
- ``addresses`` — address keys: postcode + house number, and the normalised address text.
- ``places`` — every signal in at most one place (address, nearest address, point clusters)
  and the stable ``candidate_id`` of each place.
- ``interventions`` — the last intervention at or near each place.
- ``weights`` — :class:`Weights`, whose defaults and checks are the ``targets.*`` settings.
- ``score`` — the score formula and its parts.
- ``reasons`` — the Dutch sentence per candidate.
- ``rank`` — :func:`candidates`: the steps above, one row per place, best first.

Cost, 1M signals of the demo town (25 km², 3 years) on 2 cores, :func:`candidates` (grouping,
scoring and sentences, ~200,000 places) / :func:`group_locations` alone: all with address
4.0 s / 1.0 s; 30% without address 5.0 s / 2.1 s; none with address 3.2 s / 1.8 s.
"""

from __future__ import annotations

from oovgeo.analysis.targets.places import MAX_PAIRS, candidate_ids, group_locations
from oovgeo.analysis.targets.rank import COLUMNS, candidates
from oovgeo.analysis.targets.reasons import reason_text
from oovgeo.analysis.targets.weights import SETTING_KEYS, Weights

__all__ = [
    "COLUMNS",
    "MAX_PAIRS",
    "SETTING_KEYS",
    "Weights",
    "candidate_ids",
    "candidates",
    "group_locations",
    "reason_text",
]
