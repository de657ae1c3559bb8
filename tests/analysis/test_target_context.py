"""Doelen reasons from context layers: "binnen cameragebied", "op bedrijventerrein"."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
from shapely.geometry import Polygon, box

from oovgeo.analysis.targets import candidates
from oovgeo.analysis.targets.reasons import context_reasons

TODAY = date(2026, 3, 1)
# An L-shaped camera area: a place in the notch of the L lies inside its bounding box but
# outside the area itself.
CAMERA = Polygon([(0, 0), (400, 0), (400, 100), (100, 100), (100, 400), (0, 400)])
PARK = box(1000, 0, 1500, 500)


def signals(points: list[tuple[float, float]]) -> pd.DataFrame:
    rows = [
        {
            "datum": TODAY,
            "thema": "ondermijning",
            "bron": "politie",
            "x": x,
            "y": y,
            "source_id": f"S{i}",
        }
        for i, (x, y) in enumerate(points)
    ]
    return pd.DataFrame(rows)


def test_each_place_gets_the_context_it_lies_in():
    x = np.array([50.0, 300.0, 250.0, 1200.0, 100.0, np.nan])
    y = np.array([50.0, 50.0, 250.0, 100.0, 250.0, np.nan])
    got = context_reasons(x, y, {"camera": CAMERA, "bedrijventerrein": PARK})
    assert got == [
        "binnen cameragebied",  # in the foot of the L
        "binnen cameragebied",  # in its arm
        "",  # in the notch: inside the bounding box, outside the area
        "op bedrijventerrein",
        "binnen cameragebied",  # on the edge counts as inside
        "",  # a place without coordinates is nowhere
    ]


def test_a_place_in_both_gets_both_and_an_unknown_soort_adds_nothing():
    overlap = {
        "camera": box(0, 0, 10, 10),
        "bedrijventerrein": box(0, 0, 20, 20),
        "overig": box(0, 0, 5, 5),
    }
    assert context_reasons(np.array([2.0]), np.array([2.0]), overlap) == [
        "binnen cameragebied, op bedrijventerrein"
    ]
    assert context_reasons(np.array([2.0]), np.array([2.0]), {}) == [""]


def test_candidates_carry_the_context_reason_and_keep_their_score():
    sig = signals([(50, 50), (52, 50), (1200, 100), (3000, 3000)])
    plain = candidates(sig, None, today=TODAY)
    with_context = candidates(
        sig, None, today=TODAY, context={"camera": CAMERA, "bedrijventerrein": PARK}
    )
    by_place = with_context.set_index("candidate_id")
    for row in plain.itertuples():
        reasons = by_place.at[row.candidate_id, "reasons"]
        assert by_place.at[row.candidate_id, "score"] == row.score  # context explains, not scores
        if row.x < 500:
            assert reasons == f"{row.reasons}; binnen cameragebied"
        elif row.x < 2000:
            assert reasons == f"{row.reasons}; op bedrijventerrein"
        else:
            assert reasons == row.reasons
    assert len(plain) == 3
