"""Candidate intervention locations (analysis/targets/): places, scores and reasons.

Expected values are derived by hand in the comments, with the default weights: signal 1,
source 2 per distinct source, theme 1 per distinct theme, half-life 90 days, intervention
factor 0.5 within 12 months, grouping distance 50 m.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest
import shapely

from oovgeo.analysis import targets
from oovgeo.analysis.targets import Weights, candidate_ids, candidates, group_locations
from oovgeo.config import load_settings
from oovgeo.demo import fictitious_town, generate

TODAY = date(2026, 3, 1)
SETTINGS = load_settings(env={}, config_file=None)
SOURCE_LABELS = SETTINGS.labels("sources")
THEME_LABELS = SETTINGS.labels("themes")
NO_IV = pd.DataFrame(columns=["datum", "thema", "x", "y", "adres"])


def signals(*rows: dict) -> pd.DataFrame:
    """Signal rows with the columns of the signals table; unspecified fields are empty."""
    base = {
        "datum": TODAY,
        "thema": "woonoverlast",
        "bron": "politie",
        "x": None,
        "y": None,
        "adres": None,
        "postcode": None,
        "huisnummer": None,
        "dossiernummer": None,
        "buurt_code": None,
        "wijk_code": None,
    }
    frame = pd.DataFrame([{**base, "source_id": f"S{i:03d}", **row} for i, row in enumerate(rows)])
    return frame[["source_id", *base]]


def interventions(*rows: dict) -> pd.DataFrame:
    base = {"datum": TODAY, "thema": "ondermijning", "x": None, "y": None, "adres": None}
    return pd.DataFrame([{**base, **row} for row in rows])


def rank(sig: pd.DataFrame, iv: pd.DataFrame = NO_IV, weights: Weights | None = None):
    return candidates(
        sig,
        iv,
        today=TODAY,
        weights=weights or Weights(),
        source_labels=SOURCE_LABELS,
        theme_labels=THEME_LABELS,
    )


def by_address(result: pd.DataFrame) -> dict:
    return {row["adres"]: row for _, row in result.iterrows()}


def days_ago(n: int) -> date:
    return TODAY - timedelta(days=n)


# --- grouping ----------------------------------------------------------------------------------


def test_same_address_in_other_spelling_or_case_is_one_place():
    sig = signals(
        {"adres": "Kerkstraat 12a"},
        {"adres": "  KERKSTRAAT   12 A "},
        {"adres": "Kerkstraat 12-A"},
        {"adres": "Kérkstraat 12A"},
        {"adres": "Kerkstraat 12"},  # another house
        {"adres": "Kerkstraat 121"},  # another house
    )
    assert group_locations(sig, 50.0).tolist() == [0, 0, 0, 0, 1, 2]


def test_postcode_and_house_number_in_other_spelling_is_one_place():
    sig = signals(
        {"postcode": "9912 ab", "huisnummer": "12 A"},
        {"postcode": "9912AB", "huisnummer": "12a"},
        {"postcode": " 9912ab", "huisnummer": "012-a"},
        {"postcode": "9912AB", "huisnummer": "12"},
        {"postcode": "9912AB", "huisnummer": "12-1"},
        {"postcode": "9912AB", "huisnummer": "121"},
    )
    assert group_locations(sig, 50.0).tolist() == [0, 0, 0, 1, 2, 3]


def test_address_text_joins_its_postcode_only_when_unambiguous():
    sig = signals(
        {"postcode": "9912AB", "huisnummer": "12", "adres": "Kerkstraat 12"},
        {"adres": "kerkstraat 12"},  # seen with one postcode + number: the same place
        {"postcode": "9922CD", "huisnummer": "5", "adres": "Dorpsstraat 5"},
        {"postcode": "9933EF", "huisnummer": "5", "adres": "Dorpsstraat 5"},  # other village
        {"adres": "Dorpsstraat 5"},  # which of the two? neither: a place of its own
    )
    assert group_locations(sig, 50.0).tolist() == [0, 0, 1, 2, 3]


def test_points_30_m_apart_group_at_50_m_but_not_at_20_m():
    sig = signals({"x": 85_000.0, "y": 445_000.0}, {"x": 85_030.0, "y": 445_000.0})
    assert group_locations(sig, 50.0).tolist() == [0, 0]
    assert group_locations(sig, 20.0).tolist() == [0, 1]


def test_rows_without_location_are_left_out_and_ids_follow_the_first_signal():
    sig = signals(
        {"adres": "Kerkstraat 1"},
        {},  # no address, no coordinates
        {"adres": "Markt"},  # a square without a number is not a place, and no coordinates
        {"x": 85_000.0, "y": 445_000.0},
        {"adres": "Kerkstraat 1"},
        {"adres": "Markt", "x": 85_010.0, "y": 445_000.0},  # not an address: by its point
    )
    assert group_locations(sig, 50.0).tolist() == [0, -1, -1, 1, 0, 1]
    result = rank(sig)
    assert result["n_signals"].sum() == 4
    assert set(result["adres"]) == {"Kerkstraat 1", "Markt"}


def test_point_without_address_joins_the_nearest_address_within_the_distance():
    sig = signals(
        {"adres": "B-straat 2", "x": 0.0, "y": 0.0},
        {"adres": "A-straat 1", "x": 100.0, "y": 0.0},
        {"x": 30.0, "y": 0.0},  # 30 m from B, 70 m from A
        {"x": 80.0, "y": 0.0},  # 20 m from A
        {"x": 50.0, "y": 0.0},  # exactly 50 m from both: the lowest address key (a-straat)
        {"x": 300.0, "y": 0.0},  # nowhere near: a place of its own
    )
    assert group_locations(sig, 50.0).tolist() == [0, 1, 0, 1, 1, 2]


def test_long_chains_are_split_around_the_busiest_spots():
    # Ten points 40 m apart on a line: single linkage at 50 m chains them over 360 m. The
    # 50 m grid cells holding two points (x 0-40 and 200-240) seed first, lowest x first:
    # 0 takes {0, 40}; 200 takes {160, 200, 240}; then 80 takes {80, 120}; 280 takes
    # {280, 320}; 360 stays alone.
    xs = [0.0, 40.0, 80.0, 120.0, 160.0, 200.0, 240.0, 280.0, 320.0, 360.0]
    sig = signals(*({"x": 1000.0 + x, "y": 445_000.0} for x in xs))
    groups = group_locations(sig, 50.0)
    parts = sorted(sorted(xs[i] for i in np.flatnonzero(groups == g)) for g in set(groups))
    assert parts == [[0, 40], [80, 120], [160, 200, 240], [280, 320], [360]]
    # A short chain whose points all lie within 50 m of its centre stays one place.
    short = signals(*({"x": 1000.0 + x, "y": 445_000.0} for x in (0.0, 40.0, 80.0)))
    assert group_locations(short, 50.0).tolist() == [0, 0, 0]


def test_dense_points_skip_single_linkage_but_still_group_near_points(monkeypatch):
    monkeypatch.setattr(targets.places, "MAX_PAIRS", 0)
    sig = signals(
        {"x": 85_000.0, "y": 445_000.0},
        {"x": 85_030.0, "y": 445_000.0},
        {"x": 85_200.0, "y": 445_000.0},
    )
    assert group_locations(sig, 50.0).tolist() == [0, 0, 1]


def test_places_and_candidate_ids_do_not_depend_on_row_order_or_rerun():
    demo = generate(fictitious_town(), seed=3, end=TODAY, years=1, n_signals=2000)
    sig = demo.signals.rename(columns={"melding_id": "source_id"})
    first = rank(sig, demo.interventions)
    again = rank(sig, demo.interventions)
    shuffled = sig.sample(frac=1.0, random_state=1)
    other = rank(shuffled, demo.interventions.sample(frac=1.0, random_state=2))
    pd.testing.assert_frame_equal(first, again)
    pd.testing.assert_frame_equal(first, other)
    ids = candidate_ids(sig, 50.0, today=TODAY)
    ids_shuffled = candidate_ids(shuffled, 50.0, today=TODAY)
    pd.testing.assert_series_equal(ids, ids_shuffled.loc[sig.index])
    # candidate_ids lists exactly the signals each candidate counts
    counts = ids.value_counts()
    assert counts.loc[first["candidate_id"]].tolist() == first["n_signals"].tolist()
    assert first["candidate_id"].is_unique


# --- scoring -----------------------------------------------------------------------------------


def test_three_sources_outrank_three_signals_from_one_source():
    sig = signals(
        *({"adres": "Kerkstraat 3", "bron": "politie"} for _ in range(3)),
        {"adres": "Kerkstraat 1", "bron": "politie"},
        {"adres": "Kerkstraat 1", "bron": "boa"},
        {"adres": "Kerkstraat 1", "bron": "wijkagent"},
    )
    result = rank(sig)
    # all dated today: recency 3. Kerkstraat 1: 1*3 + 2*3 + 1*1 = 10; Kerkstraat 3: 3 + 2 + 1 = 6
    assert result["adres"].tolist() == ["Kerkstraat 1", "Kerkstraat 3"]
    assert result["score"].tolist() == pytest.approx([10.0, 6.0])
    assert result["n_sources"].tolist() == [3, 1]
    assert result["sources"].iloc[0] == ("BOA (handhaving)", "Politie", "Wijkagent")


def test_recency_halves_at_the_half_life():
    sig = signals(
        {"adres": "Kerkstraat 1", "datum": TODAY},
        {"adres": "Kerkstraat 2", "datum": days_ago(90)},
        {"adres": "Kerkstraat 3", "datum": days_ago(180)},
    )
    places = by_address(rank(sig))
    assert places["Kerkstraat 1"]["recency"] == pytest.approx(1.0)
    assert places["Kerkstraat 2"]["recency"] == pytest.approx(0.5)
    assert places["Kerkstraat 3"]["recency"] == pytest.approx(0.25)
    # 0.5 + 2 * 1 source + 1 * 1 theme
    assert places["Kerkstraat 2"]["score"] == pytest.approx(3.5)
    assert places["Kerkstraat 2"]["last_date"] == days_ago(90)
    assert places["Kerkstraat 2"]["days_since_last"] == 90


def test_signals_after_today_are_left_out():
    sig = signals({"adres": "Kerkstraat 1"}, {"adres": "Kerkstraat 1", "datum": days_ago(-3)})
    result = rank(sig)
    assert result["n_signals"].tolist() == [1]
    assert candidate_ids(sig, 50.0, today=TODAY).isna().tolist() == [False, True]


def test_a_recent_intervention_halves_the_score_and_is_named():
    sig = signals(
        {"adres": "Kerkstraat 1", "x": 1000.0, "y": 1000.0},
        {"adres": "Kerkstraat 2", "x": 2000.0, "y": 1000.0},
        {"adres": "Kerkstraat 3", "x": 3000.0, "y": 1000.0},
        {"adres": "Kerkstraat 4", "x": 4000.0, "y": 1000.0},
        {"adres": "Kerkstraat 5"},
    )
    iv = interventions(
        {"datum": date(2026, 1, 30), "x": 1030.0, "y": 1000.0},  # 30 m away, a month ago
        {"datum": date(2025, 1, 30), "x": 2000.0, "y": 1000.0},  # 13 months ago
        {"datum": date(2026, 1, 30), "x": 3060.0, "y": 1000.0},  # 60 m away
        {"datum": date(2025, 3, 1), "x": 4000.0, "y": 1000.0},  # exactly 12 months ago
        {"datum": date(2026, 2, 2), "adres": "KERKSTRAAT 5"},  # by address, no point
        {"datum": date(2026, 3, 2), "x": 2000.0, "y": 1000.0},  # after today: not yet
    )
    places = by_address(rank(sig, iv))
    # one signal today from one source and one theme: 1 + 2 + 1 = 4; halved: 2
    assert places["Kerkstraat 1"]["score"] == pytest.approx(2.0)
    assert places["Kerkstraat 1"]["intervention_recent"]
    assert places["Kerkstraat 1"]["last_intervention"] == date(2026, 1, 30)
    assert places["Kerkstraat 1"]["reasons"].endswith("interventie op 30-01-2026 (score × 0,5)")
    assert places["Kerkstraat 2"]["score"] == pytest.approx(4.0)
    assert not places["Kerkstraat 2"]["intervention_recent"]
    assert places["Kerkstraat 2"]["reasons"].endswith(
        "geen interventie in de afgelopen 12 maanden (laatste op 30-01-2025)"
    )
    assert places["Kerkstraat 3"]["score"] == pytest.approx(4.0)
    assert places["Kerkstraat 3"]["last_intervention"] is None
    assert places["Kerkstraat 4"]["score"] == pytest.approx(2.0)
    assert places["Kerkstraat 5"]["score"] == pytest.approx(2.0)
    assert places["Kerkstraat 5"]["last_intervention"] == date(2026, 2, 2)


def test_theme_weight_applies_and_is_named():
    sig = signals(
        {"adres": "Kerkstraat 1", "thema": "ondermijning"},
        {"adres": "Kerkstraat 1", "thema": "woonoverlast"},
        {"adres": "Kerkstraat 2", "thema": "woonoverlast"},
    )
    weights = Weights(theme_weights={"ondermijning": 1.5})
    places = by_address(rank(sig, weights=weights))
    # Kerkstraat 1: (2 + 2 * 1 source + 1 * 2 themes) * 1.5 = 9; Kerkstraat 2: 1 + 2 + 1 = 4
    assert places["Kerkstraat 1"]["score"] == pytest.approx(9.0)
    assert places["Kerkstraat 1"]["theme_factor"] == 1.5
    assert "themaweging × 1,5 (Ondermijning)" in places["Kerkstraat 1"]["reasons"]
    assert places["Kerkstraat 2"]["score"] == pytest.approx(4.0)
    assert "themaweging" not in places["Kerkstraat 2"]["reasons"]


def _recompute(parts: dict, weights: Weights, recent: bool) -> float:
    base = (
        weights.signal * parts["recency"]
        + weights.source * parts["n_sources"]
        + weights.theme * parts["n_themes"]
    )
    return base * parts["theme_factor"] * (weights.intervention_factor if recent else 1.0)


def test_score_is_reproducible_from_its_parts_and_the_weights():
    demo = generate(fictitious_town(), seed=5, end=TODAY, years=2, n_signals=4000)
    weights = Weights(
        signal=1.3,
        source=2.5,
        theme=0.7,
        half_life_days=60.0,
        theme_weights={"ondermijning": 1.5, "jeugdoverlast": 0.8},
        intervention_months=6,
        intervention_factor=0.4,
        distance_m=40.0,
    )
    result = rank(demo.signals, demo.interventions, weights)
    assert result["intervention_recent"].any() and (result["theme_factor"] != 1).any()
    for _, row in result.iterrows():
        parts = row["score_parts"]
        assert _recompute(parts, weights, row["intervention_recent"]) == pytest.approx(row["score"])
        assert parts["score"] == row["score"]
        assert parts["recency"] == row["recency"]
        assert parts["n_sources"] == row["n_sources"] == len(row["sources"])
        assert parts["n_themes"] == row["n_themes"] == len(row["themes"])
        assert parts["theme_factor"] == row["theme_factor"]
        assert parts["intervention_factor"] == (0.4 if row["intervention_recent"] else 1.0)
        assert parts["source_weight"] == 2.5
    # best first; ties by the most recent signal, then by id
    order = result.sort_values(
        ["score", "days_since_last", "candidate_id"], ascending=[False, True, True]
    )
    assert order.index.tolist() == list(range(len(result)))


# --- reasons -----------------------------------------------------------------------------------


def test_reason_sentence_is_exact():
    sig = signals(
        *(
            {"adres": "Kerkstraat 1", "thema": "ondermijning", "bron": bron, "datum": days_ago(d)}
            for bron, d in [
                ("woningcorporatie", 9),
                ("meld_een_vermoeden", 30),
                ("wijkagent", 60),
                ("meld_een_vermoeden", 100),
                ("woningcorporatie", 120),
                ("wijkagent", 150),
            ]
        ),
        {"adres": "Kerkstraat 2", "datum": TODAY},
        {"adres": "Kerkstraat 3", "datum": days_ago(1), "thema": "zorg_veiligheid"},
        {"adres": "Kerkstraat 3", "datum": days_ago(2), "thema": "woonoverlast"},
    )
    places = by_address(rank(sig))
    assert places["Kerkstraat 1"]["reasons"] == (
        "6 signalen uit 3 bronnen (Meld een Vermoeden, Wijkagent, Woningcorporatie), "
        "1 thema (Ondermijning), laatste 9 dagen geleden, "
        "geen interventie in de afgelopen 12 maanden"
    )
    assert places["Kerkstraat 2"]["reasons"] == (
        "1 signaal uit 1 bron (Politie), 1 thema (Woonoverlast), laatste vandaag, "
        "geen interventie in de afgelopen 12 maanden"
    )
    assert places["Kerkstraat 3"]["reasons"] == (
        "2 signalen uit 1 bron (Politie), 2 thema's (Woonoverlast, Zorg en veiligheid), "
        "laatste gisteren, geen interventie in de afgelopen 12 maanden"
    )


def test_reason_for_one_month_and_factor_one():
    weights = Weights(intervention_months=1, intervention_factor=1.0)
    sig = signals({"adres": "Kerkstraat 1"}, {"adres": "Kerkstraat 2"})
    iv = interventions({"datum": days_ago(3), "adres": "Kerkstraat 1"})
    places = by_address(rank(sig, iv, weights))
    assert places["Kerkstraat 1"]["reasons"].endswith("interventie op 26-02-2026")
    assert places["Kerkstraat 2"]["reasons"].endswith("geen interventie in de afgelopen maand")


# --- places, never people ----------------------------------------------------------------------


def test_candidates_carry_places_only():
    sig = signals(
        {"adres": "Kerkstraat 1", "dossiernummer": "Z/26/000123", "buurt_code": "BU09990101"},
        {"adres": "Kerkstraat 1", "dossiernummer": "Z/26/000124", "buurt_code": "BU09990101"},
        {"x": 85_000.0, "y": 445_000.0, "dossiernummer": "Z/26/000125"},
    )
    sig["melder_naam"] = "Jan Jansen"  # a stray column must not travel along
    result = rank(sig)
    assert list(result.columns) == targets.COLUMNS
    text = result.astype(str).to_string()
    for secret in ["Z/26/", "S000", "S001", "S002", "Jansen"]:
        assert secret not in text
    assert result["buurt_code"].tolist()[0] == "BU09990101"


def test_empty_input_gives_empty_frame_with_columns():
    result = rank(signals({}))
    assert result.empty and list(result.columns) == targets.COLUMNS
    assert rank(signals({"adres": "Kerkstraat 1"}).iloc[:0]).empty


# --- weights -----------------------------------------------------------------------------------


def test_weights_from_settings_use_defaults_when_absent():
    assert Weights.from_settings(SETTINGS) == Weights()
    weights = Weights.from_settings(
        {
            "targets.weight_source": "3",
            "targets.half_life_days": 30,
            "targets.theme_weights": {"ondermijning": "1,5"},
            "targets.intervention_months": "6",
        }
    )
    assert weights.source == 3.0 and weights.half_life_days == 30.0
    assert weights.theme_weights == {"ondermijning": 1.5}
    assert weights.intervention_months == 6 and weights.signal == 1.0


@pytest.mark.parametrize(
    "bad",
    [
        {"source": -1.0},
        {"half_life_days": 0.0},
        {"theme_weights": {"ondermijning": -1.0}},
        {"intervention_months": 0},
        {"intervention_factor": 1.5},
        {"distance_m": 0.0},
    ],
)
def test_weights_refuse_nonsense(bad):
    with pytest.raises(ValueError, match="doelwitten"):
        Weights(**bad)


# --- demo data ---------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [42, 7])
def test_top_candidates_lie_on_the_planted_hotspots(seed):
    end = date(2026, 10, 31)
    demo = generate(fictitious_town(), seed=seed, end=end)
    result = candidates(
        demo.signals,
        demo.interventions,
        today=end,
        weights=Weights(),
        source_labels=SOURCE_LABELS,
        theme_labels=THEME_LABELS,
    )
    hotspots = shapely.union_all(demo.hotspots.geometry.to_numpy())
    top = result.head(5)
    distances = shapely.distance(shapely.points(top["x"], top["y"]), hotspots)
    assert (distances <= 100.0).all(), top[["adres", "score"]]


def test_many_distinct_sources_are_counted_and_sorted():
    # more codes than fit in one 64-bit mask take the slower path; same result
    codes = [f"bron_{i:02d}" for i in range(70)]
    sig = signals(
        *({"adres": "Kerkstraat 1", "bron": c} for c in reversed(codes)),
        {"adres": "Kerkstraat 2", "bron": "bron_05"},
    )
    places = by_address(rank(sig))
    assert places["Kerkstraat 1"]["n_sources"] == 70
    assert places["Kerkstraat 1"]["sources"] == tuple(codes)  # unknown codes keep their code
    assert places["Kerkstraat 2"]["sources"] == ("bron_05",)
    # 70 signals today: 70 + 2 * 70 + 1 = 211
    assert places["Kerkstraat 1"]["score"] == pytest.approx(211.0)
