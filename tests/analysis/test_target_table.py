"""The Doelen tables: rank column, Dutch column names, the field a status note fills."""

from datetime import date

import pandas as pd

from oovgeo.analysis import target_table


def _ranked(n: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "score": [float(n - i) for i in range(n)],
            "reasons": ["r"] * n,
            "adres": ["Markt 1"] * n,
            "wijk_code": ["WK01"] * n,
            "candidate_id": [f"c{i}" for i in range(n)],
        }
    )


def test_places_get_a_rank_and_the_table_dutch_names():
    on_map = target_table.ranked_places(_ranked(5), limit=4)
    assert on_map["rang"].tolist() == [1, 2, 3, 4]
    table = target_table.place_table(on_map, limit=2)
    assert list(table.columns) == ["rang", "score", "redenen", "adres", "wijk", "candidate_id"]
    assert table["candidate_id"].tolist() == ["c0", "c1"]


def test_candidates_come_from_at_least_six_months():
    today = date(2025, 12, 31)
    assert target_table.candidates_start(date(2025, 12, 1), today) == date(2025, 7, 2)
    assert target_table.candidates_start(date(2024, 1, 1), today) == date(2024, 1, 1)


def test_the_note_of_a_status_change_fills_reason_or_outcome():
    assert target_table.status_fields("afgewezen", "x") == {"rejection_reason": "x"}
    assert target_table.status_fields("afgesloten", "y") == {"outcome": "y"}
    assert target_table.status_fields("in_behandeling", "z") == {}
